import { defineConfig } from 'tsup';

export default defineConfig({
  // Command-line tools are extra entries; only library entries get type declarations.
  entry: { index: 'src/index.ts', 'dev-receiver': 'src/dev/index.ts', 'dev-cli': 'src/dev/cli.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', 'dev-receiver': 'src/dev/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
});
