// Figure 7: what each SDK adds to a bundled Node app. An express 5 app with the SDK's init and
// error handler, bundled by esbuild (`--bundle --platform=node --minify --sourcemap`, CommonJS),
// against the same app without an SDK: minified bytes added, and the size of the source map
// (a map over 4 MiB is one some source-map readers skip). Then the same for an OpenWhisk
// action (Faultline only: Sentry has no OpenWhisk wrapper): `wrapAction` around a trivial
// `main`, minified and zipped as it is deployed, against the bare action. Whether undici (an
// opt-in HTTP client, about 1 MB minified) ended up in any bundle is recorded too.
import AdmZip from 'adm-zip';
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
const ACTION = "async (params) => ({ greeting: 'hello ' + params.name })";
const ACTIONS = {
  plain: `exports.main = ${ACTION};\n`,
  wrapped: `const { wrapAction } = require('@faultline/openwhisk');\nexports.main = wrapAction(${ACTION});\n`,
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
    metafile: true,
    logLevel: 'silent',
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'));
  const map = result.outputFiles.find((f) => f.path.endsWith('.map'));
  const inputs = Object.keys(result.metafile.inputs);
  return {
    js: js.contents,
    map: map.contents.length,
    undici: inputs.some((path) => /(^|\/)node_modules\/undici\//.test(path)),
  };
}

function zipBytes(js) {
  const zip = new AdmZip();
  zip.addFile('index.js', Buffer.from(js));
  return zip.toBuffer().length;
}

export async function run() {
  const out = {};
  for (const [variant, contents] of Object.entries(ENTRIES)) {
    const minified = await bundle(contents, true);
    const plain = await bundle(contents, false);
    out[variant] = {
      minifiedBytes: minified.js.length,
      bytes: plain.js.length,
      mapBytes: plain.map,
      undici: minified.undici,
    };
  }
  for (const sdk of ['faultline', 'sentry']) {
    out[sdk].addedMinifiedBytes = out[sdk].minifiedBytes - out.none.minifiedBytes;
  }
  out.openwhisk = {};
  for (const [variant, contents] of Object.entries(ACTIONS)) {
    const minified = await bundle(contents, true);
    out.openwhisk[variant] = {
      minifiedBytes: minified.js.length,
      zipBytes: zipBytes(minified.js),
      undici: minified.undici,
    };
  }
  const ow = out.openwhisk;
  ow.addedMinifiedBytes = ow.wrapped.minifiedBytes - ow.plain.minifiedBytes;
  ow.addedZipBytes = ow.wrapped.zipBytes - ow.plain.zipBytes;
  return out;
}

if (isMain(import.meta.url)) console.log(JSON.stringify(await run(), null, 2));
