import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: {
      index: 'src/index.ts',
      'testing/index': 'src/testing/index.ts',
      protocol: 'src/protocol.ts',
      front: 'src/front.ts',
      setup: 'src/setup.ts',
      pseudonymize: 'src/pseudonymize-integration.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    // Without layout whitespace, as @faultline/node's files: Node parses every byte of a file it
    // loads (the pipeline requires this one at a process's first capture), and an app's bundle
    // (an OpenWhisk action's, at every cold start) parses it whole. Names stay as written; the
    // shipped source maps point back to the sources.
    minifyWhitespace: true,
    minifySyntax: true,
    clean: true,
    target: 'node20',
  },
  {
    // What bundlers targeting browsers resolve (the `browser` export condition): the same code,
    // built for browsers. Core imports one library, @noble/hashes, and only from the opt-in
    // pseudonymization (dropped by the app's bundler otherwise).
    // One file per module, so an app bundler drops whole modules the app does not use (the
    // package has `sideEffects: false`): module-level tables of unused modules stay out.
    // Not the test corpora and fixtures (`scrub-corpus.ts`, `test-*.ts`): tests read them from
    // the sources; a published package does not ship secret-shaped strings.
    entry: [
      'src/**/*.ts',
      '!src/**/*.test.ts',
      '!src/testing/**',
      '!src/**/*.d.ts',
      '!src/scrub-corpus.ts',
      '!src/test-*.ts',
    ],
    bundle: false,
    // Class fields as written (every browser this build targets has them), so no file needs a
    // shared helper chunk that every other file would import.
    esbuildOptions(options) {
      options.supported = { ...options.supported, 'class-field': true };
    },
    format: ['esm'],
    // Each file keeps the few helpers it needs itself: a shared helper chunk would be imported
    // bare by every file, which bundlers warn about in a package free of side effects.
    splitting: false,
    outDir: 'dist-browser',
    sourcemap: true,
    clean: true,
    target: 'es2020',
    platform: 'browser',
  },
]);
