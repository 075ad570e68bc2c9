// Compiles an example's TypeScript with source maps, so the SDK can point events at the
// original .ts lines. Usage: node ../build.mjs [entry...] (run from the example's folder).
import { build } from 'esbuild';

const entries = process.argv.slice(2);
await build({
  entryPoints: entries.length ? entries : ['src/server.ts'],
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
