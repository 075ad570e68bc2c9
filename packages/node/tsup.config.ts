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
  // No shims: a module-level `fileURLToPath(import.meta.url)` in the ESM build breaks apps that
  // bundle it into CommonJS (OpenWhisk actions). Code that needs its own location checks
  // `__filename` first, so the CommonJS build never reads `import.meta.url`.
  esbuildOptions(options, context) {
    if (context.format === 'cjs') options.define = { ...options.define, 'import.meta.url': 'undefined' };
  },
  clean: true,
  target: 'node20',
  // A dependency of this package, loaded on first use (see stack-frames.ts).
  external: ['error-stack-parser'],
});
