import { defineConfig } from 'tsup';

export default defineConfig({
  // Command-line tools are extra entries; only library entries get type declarations.
  entry: {
    index: 'src/index.ts',
    'dev-receiver': 'src/dev/index.ts',
    'dev-cli': 'src/dev/cli.ts',
    'faultline-symbolicate': 'src/symbolicate-bin.ts',
  },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', 'dev-receiver': 'src/dev/index.ts' } },
  sourcemap: true,
  // The CommonJS build gets `import.meta.url` from `__filename` (source-map-js is loaded lazily with createRequire).
  shims: true,
  clean: true,
  target: 'node20',
});
