// Figure 7: what each SDK adds to a bundled Node app. An express 5 app with the SDK's init and
// error handler, bundled by esbuild (`--bundle --platform=node --minify --sourcemap`, CommonJS),
// against the same app without an SDK: minified bytes added, and the size of the source map
// (a map over 4 MiB is one some source-map readers skip).
import { build } from 'esbuild';
import { isMain, ROOT } from './lib.mjs';

const DSN = 'https://public@o1.ingest.example.com/1';
const APP = `
const app = express();
app.get('/', (_req, res) => res.send('hello'));
app.get('/fail', () => { throw new Error('boom'); });
`;
const ENTRIES = {
  none: `const express = require('express');${APP}app.listen(3000);\n`,
  faultline: `const faultline = require('@faultline/node');\nfaultline.init({ dsn: '${DSN}' });\nconst express = require('express');${APP}app.use(faultline.expressErrorHandler());\napp.listen(3000);\n`,
  sentry: `const Sentry = require('@sentry/node');\nSentry.init({ dsn: '${DSN}' });\nconst express = require('express');${APP}Sentry.setupExpressErrorHandler(app);\napp.listen(3000);\n`,
};

async function bundle(contents, minify) {
  const result = await build({
    stdin: { contents, resolveDir: ROOT, sourcefile: 'server.js', loader: 'js' },
    bundle: true,
    minify,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: 'external',
    outfile: 'build/server.js',
    write: false,
    logLevel: 'silent',
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'));
  const map = result.outputFiles.find((f) => f.path.endsWith('.map'));
  return { js: js.contents.length, map: map.contents.length };
}

export async function run() {
  const out = {};
  for (const [variant, contents] of Object.entries(ENTRIES)) {
    const minified = await bundle(contents, true);
    const plain = await bundle(contents, false);
    out[variant] = { minifiedBytes: minified.js, bytes: plain.js, mapBytes: plain.map };
  }
  for (const sdk of ['faultline', 'sentry']) {
    out[sdk].addedMinifiedBytes = out[sdk].minifiedBytes - out.none.minifiedBytes;
  }
  return out;
}

if (isMain(import.meta.url)) console.log(JSON.stringify(await run(), null, 2));
