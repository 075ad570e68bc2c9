import { mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The engine drivers of the page tests (`test/engines.ts`), compiled from TypeScript into
 * `node_modules/.cache/<cache>/` for the maintainer scripts that drive real browsers.
 */
export async function loadEngines(cache) {
  const dir = here(`../node_modules/.cache/${cache}/`);
  mkdirSync(dir, { recursive: true });
  const out = `${dir}engines.mjs`;
  await build({
    entryPoints: [here('../test/engines.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: out,
    logLevel: 'silent',
  });
  return import(pathToFileURL(out).href);
}
