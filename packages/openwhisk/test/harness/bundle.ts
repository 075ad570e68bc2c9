import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const src = (name: string) => fileURLToPath(new URL(`../../../${name}/src/index.ts`, import.meta.url));

/**
 * Bundles `entry` and Faultline (from the package sources) into one CommonJS file, as a user
 * would before zipping an action: the runtime `require()`s the unpacked folder.
 */
export async function bundleAction(entry: string): Promise<string> {
  return (await bundle(entry, false)).code;
}

/**
 * The same bundle with its source map, as `index.js` and `index.js.map` would be zipped: the
 * map's sources are relative to the entry's folder, so the entry file itself is `<name>.ts`.
 */
export async function bundleActionWithMap(entry: string): Promise<{ code: string; map: string }> {
  const { code, map } = await bundle(entry, true);
  if (map === undefined) throw new Error('esbuild produced no source map');
  return { code, map };
}

async function bundle(entry: string, sourcemap: boolean): Promise<{ code: string; map?: string }> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    ...(sourcemap && { sourcemap: 'linked' as const, outfile: join(dirname(entry), 'index.js') }),
    alias: {
      '@faultline/core/front': fileURLToPath(new URL('../../../core/src/front.ts', import.meta.url)),
      '@faultline/core/setup': fileURLToPath(new URL('../../../core/src/setup.ts', import.meta.url)),
      '@faultline/core': src('core'),
      '@faultline/node': src('node'),
      '@faultline/openwhisk': src('openwhisk'),
    },
  });
  const code = result.outputFiles.find((f) => !f.path.endsWith('.map'));
  if (!code) throw new Error('esbuild produced no output');
  const map = result.outputFiles.find((f) => f.path.endsWith('.map'));
  return map ? { code: code.text, map: map.text } : { code: code.text };
}
