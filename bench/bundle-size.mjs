// Figure 1: the browser errors-only bundle, as an app would ship it: esbuild, minified, ESM,
// `import { init } from '<sdk>'; init({ dsn })`, with each SDK's defaults (for Sentry, its
// default integrations: that is its errors-only setup). Raw, gzip (level 9) and brotli
// (quality 11) bytes; sizes are deterministic, the median guards against a stray build.
// Bundled as one file, Faultline's figure is its total; its event pipeline is a chunk loaded
// right after `init` when the app bundler splits code, so `eager` gives the part loaded before
// (the browser package's size check, which bundles with splitting).
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { measure as measureBrowser } from '../packages/browser/scripts/size-check.mjs';
import { isMain, median, ROOT } from './lib.mjs';

const DSN = 'https://public@o1.ingest.example.com/1';

const ENTRIES = {
  faultline: `import { init } from '@faultline/browser';\ninit({ dsn: '${DSN}' });\n`,
  sentry: `import { init } from '@sentry/browser';\ninit({ dsn: '${DSN}' });\n`,
};

async function bundle(contents) {
  const result = await build({
    stdin: { contents, resolveDir: ROOT, sourcefile: 'entry.js', loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const bytes = result.outputFiles[0].contents;
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length,
  };
}

export async function run({ runs = 3 } = {}) {
  const out = {};
  for (const [sdk, contents] of Object.entries(ENTRIES)) {
    const samples = [];
    for (let i = 0; i < runs; i++) samples.push(await bundle(contents));
    out[sdk] = {
      raw: median(samples.map((s) => s.raw)),
      gzip: median(samples.map((s) => s.gzip)),
      brotli: median(samples.map((s) => s.brotli)),
      runs,
    };
  }
  const { raw, gzip, brotli } = await measureBrowser();
  out.faultline.eager = { raw, gzip, brotli };
  return out;
}

if (isMain(import.meta.url)) console.log(JSON.stringify(await run(), null, 2));
