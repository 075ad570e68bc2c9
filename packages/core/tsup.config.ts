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
    // with stack.ts (and its import of error-stack-parser) in a chunk of its own, which bundlers
    // drop (`sideEffects: false`) when nothing uses `parseStackFrames`. Node keeps the single
    // file above, so importing core costs no extra module load.
    entry: { index: 'src/index.ts', 'chunks/stack': 'src/stack.ts' },
    format: ['esm'],
    outDir: 'dist-browser',
    sourcemap: true,
    clean: true,
    target: 'es2020',
    platform: 'browser',
  },
]);
