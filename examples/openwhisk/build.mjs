// Builds the action the way it is deployed (one CommonJS file plus its source map, zipped by
// the invoker script) and the local invoker, which drives the action through the same
// /init + /run protocol as the Apache OpenWhisk Node.js runtime.
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

// The action: everything bundled, as `wsk action create --kind nodejs:20 action.zip` expects.
await build({
  entryPoints: [here('src/action.ts')],
  outfile: here('dist/action.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});

// The map is zipped beside the bundle as esbuild wrote it: its sources (`../src/thumbnails.ts`)
// resolve to just below the runtime's folder, and frames read `app:///src/thumbnails.ts`.

// The invoker reuses the package's action-proxy harness. The harness finds its proxy script
// next to itself through import.meta.url, so keep that pointing at the harness's own folder.
await build({
  entryPoints: {
    invoke: here('src/invoke.ts'),
    'invoke-python': here('src/invoke-python.ts'),
    'monitor-demo': here('src/monitor-demo.ts'),
    bench: here('src/bench.ts'),
  },
  outdir: here('dist'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
  plugins: [
    {
      name: 'harness-location',
      setup(b) {
        b.onLoad({ filter: /harness[\\/](?:harness|python-action-loop|bundle)\.ts$/ }, (args) => ({
          contents: readFileSync(args.path, 'utf8').replaceAll(
            'import.meta.url',
            JSON.stringify(pathToFileURL(args.path).href),
          ),
          loader: 'ts',
        }));
      },
    },
  ],
});
