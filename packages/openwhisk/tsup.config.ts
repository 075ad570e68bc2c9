import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', monitor: 'src/monitor-index.ts', 'monitor-cli': 'src/monitor-cli.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', monitor: 'src/monitor-index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
});
