import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
  },
  {
    // What bundlers targeting browsers resolve (the `browser` export condition): the same code,
    // built for browsers. Core imports no module of its own (error-stack-parser is handed in by
    // the runtime that wants it), so nothing here pulls in a library.
    // One file per module, not one bundle: a page's bundler then drops every module it does not
    // use (`sideEffects: false`), instead of keeping each top-level statement of a single file.
    entry: ['src/**/*.ts', '!src/**/*.test.ts', '!src/**/test-*.ts', '!src/testing/**'],
    bundle: false,
    format: ['esm'],
    outDir: 'dist-browser',
    sourcemap: true,
    clean: true,
    target: 'es2020',
    platform: 'browser',
  },
]);
