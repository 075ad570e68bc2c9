import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const src = (name: string) => fileURLToPath(new URL(`../../../${name}/src/index.ts`, import.meta.url));

/**
 * Bundles `entry` and Faultline (from the package sources) into one CommonJS file, as a user
 * would before zipping an action: the runtime `require()`s the unpacked folder.
 */
export async function bundleAction(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    alias: {
      '@faultline/core': src('core'),
      '@faultline/node': src('node'),
      '@faultline/openwhisk': src('openwhisk'),
    },
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output');
  return file.text;
}
