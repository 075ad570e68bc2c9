import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', monitor: 'src/monitor-index.ts', 'monitor-cli': 'src/monitor-cli.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', monitor: 'src/monitor-index.ts' } },
  sourcemap: true,
  // Without layout whitespace, as @faultline/node's files: every byte is parsed where the
  // package loads, and in an action bundle at every cold start. Names stay as written.
  minifyWhitespace: true,
  minifySyntax: true,
  clean: true,
  target: 'node20',
});
