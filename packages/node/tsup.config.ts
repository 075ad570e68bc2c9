import { resolve } from 'node:path';
import { defineConfig, type Options } from 'tsup';

const CORE_FRONT = resolve('../core/src/front.ts');
const CORE_SETUP = resolve('../core/src/setup.ts');
const CORE_INDEX = resolve('../core/src/index.ts');

// No shims: a module-level `fileURLToPath(import.meta.url)` in an ESM build breaks apps that
// bundle it into CommonJS (OpenWhisk actions). Code that needs its own location checks
// `__filename` first, so the CommonJS build never reads `import.meta.url`.
const noImportMetaInCjs: Options['esbuildOptions'] = (options, context) => {
  if (context.format === 'cjs') options.define = { ...options.define, 'import.meta.url': 'undefined' };
};

/**
 * Core's modules as written (the package is free of side effects), so the front keeps only the
 * few parts of core it runs at start, module by module, and needs no second package then.
 */
const withCoreModules: Options['esbuildOptions'] = (options, context) => {
  noImportMetaInCjs(options, context);
  options.alias = {
    '@faultline/core/front': CORE_FRONT,
    '@faultline/core/setup': CORE_SETUP,
    '@faultline/core': CORE_INDEX,
  };
};

/**
 * The library files without layout whitespace: Node parses every byte of a file it loads, and
 * these load at `init` and at the first capture. Names stay as written (readable stack traces);
 * the shipped source maps point back to the sources.
 */
const compact: Options = { minifyWhitespace: true, minifySyntax: true };

/**
 * The library entry loads its pipeline on first need with a synchronous `require` of its own
 * file (src/load-pipeline.build.ts stands in for src/load-pipeline.ts, which imports the
 * pipeline for runs from sources); `./pipeline.cjs` stays a separate file beside index.cjs.
 */
const lazyPipeline = {
  name: 'lazy-pipeline',
  setup(build: { onResolve: (o: { filter: RegExp }, f: (a: { resolveDir: string }) => object) => void }) {
    build.onResolve({ filter: /^\.\/load-pipeline\.js$/ }, (args) => ({
      path: resolve(args.resolveDir, 'load-pipeline.build.ts'),
    }));
    build.onResolve({ filter: /^\.\/pipeline\.cjs$/ }, () => ({ path: './pipeline.cjs', external: true }));
  },
};

/**
 * `importOptional` stays a file of its own beside the pipeline, built without minifying, so that
 * its `import()` keeps the comment that tells webpack to leave the call to Node (see
 * src/optional-import.ts). The ES module pipeline (bundlers only) imports `./optional-import.js`;
 * the CommonJS one requires `./optional-import.cjs` on the call, so that a process's first
 * capture still loads the pipeline's one file.
 */
const optionalImportForBundlers = {
  name: 'optional-import',
  setup(build: { onResolve: (o: { filter: RegExp }, f: () => object) => void }) {
    build.onResolve({ filter: /^\.\/optional-import\.js$/ }, () => ({
      path: './optional-import.js',
      external: true,
    }));
  },
};
const lazyOptionalImport = {
  name: 'lazy-optional-import',
  setup(build: { onResolve: (o: { filter: RegExp }, f: (a: { resolveDir: string }) => object) => void }) {
    build.onResolve({ filter: /^\.\/optional-import\.js$/ }, (args) => ({
      path: resolve(args.resolveDir, 'optional-import.build.ts'),
    }));
    build.onResolve({ filter: /^\.\/optional-import\.cjs$/ }, () => ({
      path: './optional-import.cjs',
      external: true,
    }));
  },
};

/**
 * For the ES module build (for bundlers only): the front's pipeline loader is a separate
 * CommonJS file, `./load-pipeline.cjs`, whose plain `require('./pipeline.module.js')` every
 * bundler follows (an ES module would need a `require` call that some bundlers leave
 * untouched); the pipeline it loads is the ES module build of the pipeline.
 */
const lazyPipelineForBundlers = {
  name: 'lazy-pipeline-for-bundlers',
  setup(build: { onResolve: (o: { filter: RegExp }, f: () => object) => void }) {
    build.onResolve({ filter: /^\.\/load-pipeline\.js$/ }, () => ({
      path: './load-pipeline.cjs',
      external: true,
    }));
    build.onResolve({ filter: /^\.\/pipeline\.cjs$/ }, () => ({
      path: './pipeline.module.js',
      external: true,
    }));
  },
};

export default defineConfig([
  {
    // The library: CommonJS only. `dist/index.js`, the ES module entry, is a thin wrapper over
    // `dist/index.cjs` written after the build (scripts/esm-entry.mjs), so ESM and CommonJS
    // users share one instance and both load the pipeline synchronously.
    // The front carries the few parts of core it runs at start (tree-shaken from core's ES
    // modules): one file to resolve and compile for `require` + `init`, not two packages.
    entry: { index: 'src/index.ts' },
    format: ['cjs'],
    dts: true,
    noExternal: [/^@faultline\/core/],
    sourcemap: true,
    ...compact,
    esbuildOptions: withCoreModules,
    esbuildPlugins: [lazyPipeline],
    // Not cleaned here: the package's build script empties dist/ before tsup starts. Six builds
    // write there at once, and a build that cleans removes every declaration file when its
    // declaration step starts, which can be after another build wrote dev-receiver.d.ts.
    target: 'node20',
  },
  {
    // The front and the pipeline as ES modules, for bundlers only (the `module` condition; Node
    // itself loads the CommonJS files): core stays an import, so an app's bundler keeps one
    // copy of core for both, and lays the modules out flat (function declarations the engine
    // only pre-parses until they run, where a CommonJS file is one function compiled whole
    // when it is required). The pipeline is still required on first need, through the loader.
    entry: { 'index.module': 'src/index.ts', 'pipeline.module': 'src/pipeline.ts' },
    format: ['esm'],
    sourcemap: true,
    ...compact,
    esbuildOptions: noImportMetaInCjs,
    esbuildPlugins: [lazyPipelineForBundlers, optionalImportForBundlers],
    target: 'node20',
  },
  {
    entry: { 'load-pipeline': 'src/load-pipeline.build.ts' },
    format: ['cjs'],
    sourcemap: true,
    ...compact,
    esbuildPlugins: [lazyPipelineForBundlers],
    target: 'node20',
  },
  {
    // The pipeline, loaded on first need: core's client and everything events need.
    // It requires core's CommonJS build, which the cron and OpenWhisk packages load too: one
    // copy of core's pipeline in a process or a bundle.
    entry: { pipeline: 'src/pipeline.ts' },
    format: ['cjs'],
    sourcemap: true,
    ...compact,
    esbuildOptions: noImportMetaInCjs,
    esbuildPlugins: [lazyOptionalImport],
    target: 'node20',
  },
  {
    // Not minified, so that its comment for webpack survives (src/optional-import.ts).
    entry: { 'optional-import': 'src/optional-import.ts' },
    format: ['esm', 'cjs'],
    sourcemap: true,
    target: 'node20',
  },
  {
    // The local receiver and the command-line tools (their entries are extra; only the
    // receiver, a library entry, gets type declarations).
    entry: {
      'dev-receiver': 'src/dev/index.ts',
      'dev-cli': 'src/dev/cli.ts',
      'faultline-symbolicate': 'src/symbolicate-bin.ts',
    },
    format: ['esm', 'cjs'],
    dts: { entry: { 'dev-receiver': 'src/dev/index.ts' } },
    sourcemap: true,
    esbuildOptions: noImportMetaInCjs,
    target: 'node20',
  },
]);
