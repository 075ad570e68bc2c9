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
    // built for browsers. Core imports one library, @noble/hashes, and only from the opt-in
    // pseudonymization (tree-shaken away otherwise); error-stack-parser is handed in by the
    // runtime that wants it.
    entry: { index: 'src/index.ts' },
    format: ['esm'],
    outDir: 'dist-browser',
    sourcemap: true,
    clean: true,
    target: 'es2020',
    platform: 'browser',
  },
]);
