import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2020',
    platform: 'browser',
  },
  {
    // Script-tag build: everything (core included) in one minified file exposing `Faultline`.
    entry: { faultline: 'src/index.ts' },
    format: ['iife'],
    globalName: 'Faultline',
    outExtension: () => ({ js: '.min.js' }),
    minify: true,
    sourcemap: true,
    target: 'es2020',
    platform: 'browser',
    noExternal: [/.*/],
  },
]);
