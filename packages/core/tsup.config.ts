import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'testing/index': 'src/testing/index.ts',
    // Split points, not public entries: they make the ESM build keep the error-stack-parser
    // parser (stack.ts) in a chunk of its own, which app bundlers drop (`sideEffects: false`)
    // when nothing uses `parseStackFrames`, so browser bundles do not carry error-stack-parser.
    'chunks/stack': 'src/stack.ts',
    'chunks/stack-parse': 'src/stack-parse.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
