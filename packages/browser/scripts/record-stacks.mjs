#!/usr/bin/env node
/**
 * Records `error.stack` as real engines print it, for the stack parser's tests: loads
 * packages/core/test/fixtures/stacks/stacks.js (and a minified bundle with its source map, and a
 * script from another origin) in Chromium, Firefox ESR and WebKitGTK, and writes what each
 * throws to packages/core/test/fixtures/stacks/<engine>.json with the engine's name and version.
 * Origins are written as http://stacks.test and http://other.test so the files do not change
 * with the port. Run after `npm run build`, from the repository root:
 *
 *   node packages/browser/scripts/record-stacks.mjs [chromium] [firefox] [webkit]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { loadEngines } from './load-engines.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const fixtures = here('../../core/test/fixtures/stacks/');
const ORIGIN = 'http://stacks.test';
const OTHER = 'http://other.test';

/** The debug ID of the minified bundle, as Sentry's bundler plugins inject one. */
const DEBUG_ID = '5b1e7c3a-2f4d-4e8b-9c61-0d2a7f4e9b13';

/**
 * The minified bundle (an IIFE exposing `minifiedBundle`) and its source map, kept as fixtures,
 * with a debug ID the way bundler plugins add one: a snippet recording it under the bundle's own
 * stack, a `//# debugId=` comment, and `debugId` in the map.
 */
async function buildBundle() {
  const snippet = `!function(){try{var s=new Error().stack;(globalThis._sentryDebugIds=globalThis._sentryDebugIds||{})[s]="${DEBUG_ID}"}catch(e){}}();`;
  const result = await build({
    banner: { js: snippet },
    footer: { js: `//# debugId=${DEBUG_ID}` },
    entryPoints: [`${fixtures}bundle/cart.ts`],
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: 'minifiedBundle',
    sourcemap: 'external',
    sourcesContent: true,
    outfile: `${fixtures}bundle/cart.min.js`,
    target: 'es2020',
    logLevel: 'silent',
  });
  if (result.errors.length) throw new Error('bundle failed');
  const mapFile = `${fixtures}bundle/cart.min.js.map`;
  const map = JSON.parse(readFileSync(mapFile, 'utf8'));
  writeFileSync(mapFile, `${JSON.stringify({ ...map, debugId: DEBUG_ID })}\n`);
  return readFileSync(`${fixtures}bundle/cart.min.js`, 'utf8');
}

function listen(handler) {
  const server = createServer(handler);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() }),
    ),
  );
}

const { launchEngine, missingFiles } = await loadEngines('record-stacks');
const bundle = await buildBundle();
const other = await listen((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/javascript' });
  res.end(
    "function crossOriginThrow() { throw new Error('detail only the other origin may see'); }\ncrossOriginThrow();\n",
  );
});
const site = await listen((req, res) => {
  const send = (type, body) => {
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  };
  if (req.url === '/stacks.js') return send('text/javascript', readFileSync(`${fixtures}stacks.js`, 'utf8'));
  if (req.url === '/cart.min.js') return send('text/javascript', bundle);
  send(
    'text/html',
    `<!doctype html><meta charset="utf-8"><script>window.otherOrigin = ${JSON.stringify(other.url)};</script>
<script src="/cart.min.js"></script><script src="/stacks.js"></script>`,
  );
});

const wanted = process.argv.slice(2);
const names = wanted.length ? wanted : ['chromium', 'firefox', 'webkit'];
try {
  for (const name of names) {
    if (missingFiles(name).length) {
      console.log(`${name}: skipped, missing ${missingFiles(name).join(', ')}`);
      continue;
    }
    const engine = await launchEngine(name);
    try {
      const page = await engine.newPage();
      await page.goto(`${site.url}/`);
      await page.waitFor('typeof window.recordStacks === "function"');
      const stacks = await page.run('window.recordStacks()');
      const userAgent = await page.run('navigator.userAgent');
      // The frames below the page's own (the driver's evaluate machinery) are cut: they name
      // paths of this machine and are no engine format of their own.
      const clean = (text) => {
        const lines = text.split(site.url).join(ORIGIN).split(other.url).join(OTHER).split('\n');
        const last = lines.findLastIndex((line) => line.includes(ORIGIN));
        return lines.slice(0, last < 0 ? lines.length : last + 1).join('\n');
      };
      const samples = Object.fromEntries(Object.entries(stacks).map(([key, stack]) => [key, clean(stack)]));
      const file = `${fixtures}${name}.json`;
      writeFileSync(
        file,
        `${JSON.stringify({ engine: name, version: engine.version, userAgent, samples }, null, 2)}\n`,
      );
      console.log(`${name}: ${engine.version}, ${Object.keys(samples).length} samples → ${file}`);
    } finally {
      await engine.close();
    }
  }
} finally {
  site.close();
  other.close();
}
