#!/usr/bin/env node
/**
 * Re-records the recorded part of the stack corpus (packages/core/test/fixtures/stack-corpus.json)
 * from the engines installed here: runs the samples below in Node (this `node`), and in Chromium,
 * Firefox ESR and WebKitGTK through the page tests' engine drivers, and writes each `error.stack`
 * as a corpus trace. Paths and origins are rewritten to /srv/app and http://h.test:8080, and the
 * frames below the samples (Node's module loader, the browser driver's evaluate machinery) are
 * cut, so the file changes only when an engine prints differently. Traces written by hand (no
 * `recorded`) are kept as they are; an engine that is not installed keeps its old traces.
 *
 * Expected frames: a trace whose stack did not change keeps its expected frames (and note). A
 * trace that is new or changed gets the frames `parseStack` reads today, and is listed, marked
 * "positions" when only line and column numbers moved and "REVIEW" otherwise: check those against
 * the stack before committing. Run after `npm run build`, from the repository root:
 *
 *   node packages/browser/scripts/record-corpus.mjs [node] [chromium] [firefox] [webkit]
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadEngines } from './load-engines.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const CORPUS = here('../../core/test/fixtures/stack-corpus.json');
const ORIGIN = 'http://h.test:8080';
const APP = '/srv/app';
/** Blob URLs get a fresh id on every load; the corpus keeps one. */
const BLOB_ID = '0b5e1c2d-3f4a-4b6c-8d7e-9f0a1b2c3d4e';

// The samples. One sample per line where it can be, so a trace's line numbers name its sample.
// Sources are strings, not files, so that no formatter rewraps them and moves every position.

/** Node: run as /srv/app/gen.js (CommonJS); prints `[{ name, message, stack }]`. */
const NODE_GEN = String.raw`// Stack corpus samples for Node: every line from 4 on makes one error, rec() keeps it.
const out = [];
const rec = (name, fn) => { try { out.push([name, fn()]); } catch (error) { out.push([name, error]); } };
rec('evalNested', () => eval("eval(\"new Error('x')\")"));
rec('newFunction', () => new Function("return new Error('nf')")());
class K { constructor() { this.e = new Error('ctor'); } static s() { return new Error('static'); } get g() { return new Error('get'); } set v(x) { this.e = new Error('set'); } }
rec('ctor', () => new K().e);
rec('static', () => K.s());
rec('getter', () => new K().g);
rec('setter', () => { const k = new K(); k.v = 1; return k.e; });
rec('proxy', () => new Proxy({}, { get() { return new Error('proxy'); } }).x);
rec('map', () => [1].map(() => new Error('map'))[0]);
function* g() { yield new Error('gen'); }
rec('gen', () => g().next().value);
const named = (name) => ({ [name]() { return new Error(name); } })[name];
rec('nameSlash', () => named('a/b')());
const o = { m() { return new Error('alias'); } };
const alias = o.m;
rec('alias', () => alias.call(o));
rec('json', () => JSON.parse('{x'));
rec('spaceUnicode', () => require('./dir with space/\u00fcn\u00ef/m.js')());
const vm = require('node:vm');
const VM = "function f() { return new Error('vm'); } f()";
rec('vmWindows', () => vm.runInNewContext("new Error('vm')", {}, { filename: 'C:\\app\\x.js' }));
rec('vmWebpack', () => vm.runInNewContext(VM, {}, { filename: 'webpack-internal:///./src/a.js' }));
rec('vmUrl', () => vm.runInNewContext(VM, {}, { filename: 'http://h:8080/a.js?x=1#h' }));
rec('vmNoName', () => vm.runInNewContext(VM, {}));
rec('vmParens', () => vm.runInNewContext(VM, {}, { filename: '/app/a (copy).js' }));
rec('vmProgramFiles', () => vm.runInNewContext(VM, {}, { filename: 'C:\\Program Files (x86)\\app\\x.js' }));
rec('vmUnc', () => vm.runInNewContext(VM, {}, { filename: '\\\\server\\share\\x.js' }));
rec('nameAt', () => named('a@b')());
rec('nameLt', () => named('<x>')());
rec('nameSpaceParen', () => named('x (y)')());
rec('nameSpaceAt', () => named('x at y')());
rec('renamed', () => ({ ['weird (name) x']: function () { return new Error('nf2'); } })['weird (name) x']());
const wasm = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 2, 7, 1, 1, 109, 1, 102, 0, 0, 3, 2, 1, 0, 7, 7, 1, 3, 114, 117, 110, 0, 1, 10, 6, 1, 4, 0, 16, 0, 11])), { m: { f() { throw new Error('wasm'); } } });
rec('wasm', () => wasm.exports.run());
rec('parenOpen', () => require('./lib (old/index.js')());
rec('parenClose', () => require('./a)b/index.js')());
rec('parenTopLevel', () => require('./we(ird/x.js').error);
rec('parenEval', () => require('./copy (1/x.js').viaEval());
class Foo { [Symbol.iterator]() { return new Error('iterator'); } }
rec('symbolName', () => new Foo()[Symbol.iterator]());
async function a1() { await null; throw new Error('async'); }
async function a2() { await Promise.all([a1()]); }
// A chain of thens, not Promise.all, so no sample gets a frame of the others.
a2().catch((error) => out.push(['asyncAll', error]))
  .then(() => (async () => { await null; return new Error('anonAsync'); })()).then((error) => out.push(['anonAsync', error]))
  .then(() => import('data:text/javascript,export default function d(){return new Error("data")}')).then((m) => out.push(['dataUrl', m.default()]))
  .then(() => console.log(JSON.stringify(out.map(([name, e]) => ({ name, message: e.message, stack: e.stack })))));
`;

/** Files beside gen.js: paths with spaces, unicode and lone parentheses. */
const NODE_FILES = {
  'dir with space/\u00fcn\u00ef/m.js': "module.exports = function mod() { return new Error('sub'); };\n",
  'lib (old/index.js':
    "module.exports = function load() {\n  return new Error('lone open parenthesis');\n};\n",
  'a)b/index.js': "module.exports = () =>\n  [1].map(() => new Error('lone close parenthesis'))[0];\n",
  'we(ird/x.js': "exports.error = new Error('at the top of a module');\n",
  'copy (1/x.js': `exports.viaEval = () => eval("new Error('eval in a lone parenthesis')");\n`,
};

/** Trace names of the Node samples. */
const NODE_NAMES = {
  evalNested: 'eval inside eval',
  newFunction: 'new Function',
  ctor: 'class constructor',
  static: 'static method',
  getter: 'getter',
  setter: 'setter',
  proxy: 'Proxy trap',
  map: 'Array.prototype.map callback',
  gen: 'generator',
  nameSlash: 'method named a/b',
  alias: 'method called through an alias',
  json: 'native JSON.parse',
  spaceUnicode: 'space and unicode in the path',
  vmWindows: 'vm script named like a Windows path',
  vmWebpack: 'vm script named webpack-internal:///',
  vmUrl: 'vm script named by a URL with port, query and hash',
  vmNoName: 'vm script without a name',
  vmParens: 'vm script path with parentheses',
  vmProgramFiles: 'vm script in Program Files (x86)',
  vmUnc: 'vm script on a UNC path',
  nameAt: 'method named a@b',
  nameLt: 'method named <x>',
  nameSpaceParen: 'method named "x (y)"',
  nameSpaceAt: 'method named "x at y"',
  renamed: 'function named "weird (name) x"',
  wasm: 'wasm frame',
  parenOpen: 'lone ( in a directory name',
  parenClose: 'lone ) in a directory name, anonymous frame',
  parenTopLevel: 'lone ( in a directory name, module top level',
  parenEval: 'eval in a file under a lone (',
  symbolName: 'method named [Symbol.iterator]',
  asyncAll: 'async function under Promise.all',
  anonAsync: 'anonymous async arrow',
  dataUrl: 'data: URL module',
};

/**
 * Browsers: page.js defines `window.sampleStacks()`, which resolves with
 * `{ name: { message, stack } }`. The page also loads the scripts in PAGE_FILES and an inline one.
 */
const PAGE_JS = String.raw`window.sampleStacks = async () => { const out = {}; await window.loaded;
  const rec = (name, fn) => { try { out[name] = fn(); } catch (error) { out[name] = error; } };
  rec('evalNested', () => eval("eval(\"new Error('x')\")"));
  rec('newFunction', () => new Function("return new Error('nf')")());
  class K { constructor() { this.e = new Error('ctor'); } static s() { return new Error('static'); } get g() { return new Error('get'); } set v(x) { this.e = new Error('set'); } }
  rec('ctor', () => new K().e);
  rec('static', () => K.s());
  rec('setter', () => { const k = new K(); k.v = 1; return k.e; });
  rec('proxy', () => new Proxy({}, { get() { return new Error('proxy'); } }).x);
  rec('map', () => [1].map(() => new Error('map'))[0]);
  function* g() { yield new Error('gen'); }
  rec('gen', () => g().next().value);
  // Literal keys: JavaScriptCore names a method after a computed key in no stack.
  rec('nameAt', () => (0, { 'a@b'() { return new Error('at'); } }['a@b'])());
  rec('nameSlash', () => (0, { 'a/b'() { return new Error('slash'); } }['a/b'])());
  rec('nameLt', () => (0, { '<x>'() { return new Error('lt'); } }['<x>'])());
  rec('nameSpaceParen', () => (0, { 'x (y)'() { return new Error('p'); } }['x (y)'])());
  rec('nameColon', () => (0, { 'a:1:2'() { return new Error('c'); } }['a:1:2'])());
  rec('json', () => JSON.parse('{x'));
  out.blob = window.blobFn();
  out.dataUrl = window.dataFn();
  out.spaceUnicode = window.spaceFn();
  out.sourceURL = eval("function su() { return new Error('su'); } su()\n//# sourceURL=webpack-internal:///./src/a.js");
  out.sourceURL2 = eval("function su() { return new Error('su'); } su()\n//# sourceURL=C:\\app\\x.js");
  out.inline = window.inlineError;
  async function a1() { await null; throw new Error('async'); }
  async function a2() { await Promise.all([a1()]); }
  try { await a2(); } catch (error) { out.asyncAll = error; }
  out.anonAsync = await (async () => { await null; return new Error('anonAsync'); })();
  async function* ag() { await null; yield new Error('asyncgen'); }
  out.asyncGen = (await ag().next()).value;
  function r() { return r(); }
  rec('overflow', r);
  try { const n = null; n.x; } catch (error) { out.typeError = error; }
  const wasm = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 2, 7, 1, 1, 109, 1, 102, 0, 0, 3, 2, 1, 0, 7, 7, 1, 3, 114, 117, 110, 0, 1, 10, 6, 1, 4, 0, 16, 0, 11])), { m: { f() { throw new Error('wasm'); } } });
  try { wasm.exports.run(); } catch (error) { out.wasm = error; }
  const div = document.createElement('div'); div.addEventListener('x', function onX() { out.listener = new Error('l'); }); div.dispatchEvent(new Event('x'));
  function callee() { 'use strict'; return new Error('tail'); } function caller() { 'use strict'; return callee(); } rec('tail', () => caller());
  out.reflect = Reflect.apply(function r() { return new Error('reflect'); }, null, []);
  out.bound = function b() { return new Error('bound'); }.bind(null)();
  await new Promise((resolve) => setTimeout(function tcb() { out.setTimeout = new Error('st'); resolve(); }));
  rec('parenOpen', () => window.loadOld());
  rec('parenClose', () => window.closeParen());
  out.parenTopLevel = window.topError;
  rec('parenEval', () => window.viaEval());
  class Foo { [Symbol.iterator]() { return new Error('iterator'); } }
  rec('symbolName', () => new Foo()[Symbol.iterator]());
  const result = {};
  for (const [name, e] of Object.entries(out)) result[name] = { message: e.message, stack: e.stack };
  return result;
};
`;

/** Scripts the page loads, by URL path (as the browser requests it). */
const PAGE_FILES = {
  '/dir%20with%20space/%C3%BCn%C3%AF.js':
    "window.spaceFn = function spaceFn() { return new Error('space'); };\n",
  '/lib%20(old/index.js':
    "window.loadOld = function load() {\n  return new Error('lone open parenthesis');\n};\n",
  '/a)b/index.js': "window.closeParen = () =>\n  [1].map(() => new Error('lone close parenthesis'))[0];\n",
  '/we(ird/x.js': "window.topError = new Error('at the top of a script');\n",
  '/copy%20(1/x.js': `window.viaEval = () => eval("new Error('eval in a lone parenthesis')");\n`,
};

const PAGE_HTML = `<!doctype html><meta charset="utf-8"><script>window.inlineError = new Error('inline');</script>
<script src="/page.js"></script>
<script>
const load = (src) => new Promise((resolve) => { const s = document.createElement('script'); s.src = src; s.onload = s.onerror = resolve; document.head.append(s); });
const blob = URL.createObjectURL(new Blob(["window.blobFn = function blobFn() { return new Error('blob'); };"], { type: 'text/javascript' }));
window.loaded = Promise.all([load(blob), load('data:text/javascript,window.dataFn=function dataFn(){return new Error("data")};'),
  load('/dir%20with%20space/%C3%BCn%C3%AF.js?v=1#h'), load('/lib%20(old/index.js'), load('/a)b/index.js'), load('/we(ird/x.js'), load('/copy%20(1/x.js')]);
</script>`;

/** Engine families of the corpus. */
const FAMILY = { node: 'v8', chromium: 'v8', firefox: 'spidermonkey', webkit: 'jsc' };
/** A stack overflow keeps this many frames. */
const OVERFLOW_FRAMES = 4;

/** Node: gen.js and its files in a temporary /srv/app, run by this `node`. */
function recordNode() {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'corpus-')));
  try {
    writeFileSync(join(dir, 'gen.js'), NODE_GEN);
    for (const [path, text] of Object.entries(NODE_FILES)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const printed = execFileSync(process.execPath, ['gen.js'], { cwd: dir, encoding: 'utf8' });
    const samples = JSON.parse(printed);
    return {
      version: `node/${process.versions.node}`,
      traces: samples.map(({ name, message, stack }) => {
        const lines = stack.split(dir).join(APP).split('\n');
        // Below the first `Module._compile` is Node's module loader, the same for every sample.
        const end = lines.findIndex((line) => line.includes(' at Module._compile '));
        return {
          name: `Node ${process.versions.node.split('.')[0]}: ${NODE_NAMES[name] ?? name}`,
          message,
          lines: end < 0 ? lines : lines.slice(0, end + 1),
        };
      }),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function listen(handler) {
  const server = createServer(handler);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() }),
    ),
  );
}

/** One browser: the page, `sampleStacks()`, origins rewritten and driver frames cut. */
async function recordBrowser(engines, name, site) {
  const engine = await engines.launchEngine(name);
  try {
    const page = await engine.newPage();
    await page.goto(`${site.url}/`);
    await page.waitFor('typeof window.sampleStacks === "function"');
    const samples = await page.run('window.sampleStacks()');
    const traces = Object.entries(samples).map(([key, { message, stack }]) => {
      let lines = stack
        .split(site.url)
        .join(ORIGIN)
        .replace(/blob:http:\/\/h\.test:8080\/[\w-]+/g, `blob:${ORIGIN}/${BLOB_ID}`)
        .split('\n');
      // Below the page's last frame is the driver's evaluate machinery: no frames of the page.
      const last = lines.findLastIndex((line) => line.includes(ORIGIN));
      if (last >= 0) lines = lines.slice(0, last + 1);
      if (key === 'overflow') lines = lines.slice(0, OVERFLOW_FRAMES + (name === 'chromium' ? 1 : 0));
      return { name: `${name}: ${key}`, message: name === 'chromium' ? message : undefined, lines };
    });
    return { version: engine.version, traces };
  } finally {
    await engine.close();
  }
}

/** Frames as the corpus writes them, newest first. */
function rowsOf(parseStack, lines, message) {
  return parseStack({ stack: lines.join('\n'), message: message ?? '' })
    .map((f) => [f.function ?? '', f.filename ?? null, f.lineno ?? null, f.colno ?? null, !!f.in_app])
    .reverse();
}

const wanted = process.argv.slice(2);
const names = wanted.length ? wanted : ['node', 'chromium', 'firefox', 'webkit'];
for (const name of names)
  if (!FAMILY[name]) throw new Error(`unknown engine ${name}: use node, chromium, firefox or webkit`);
const { parseStack } = await import(pathToFileURL(here('../../core/dist/index.js')).href);
const corpus = JSON.parse(readFileSync(CORPUS, 'utf8'));
/** A trace's name without Node's major version, so a Node update compares with the old traces. */
const keyOf = (name) => name.replace(/^Node \d+: /, 'Node: ');
const old = new Map(corpus.traces.map((t) => [keyOf(t.name), t]));
/** Recorded traces by engine, in the corpus's engine order. */
const recorded = { node: [], chromium: [], firefox: [], webkit: [] };
const runtimeOf = (t) => ({ webkitgtk: 'webkit' })[t.recorded.split('/')[0]] ?? t.recorded.split('/')[0];
for (const t of corpus.traces) if (t.recorded) recorded[runtimeOf(t)].push(t);

let engines;
let site;
const report = [];
try {
  for (const name of names) {
    let result;
    if (name === 'node') result = recordNode();
    else {
      engines ??= await loadEngines('record-corpus');
      const missing = engines.missingFiles(name);
      if (missing.length) {
        console.log(
          `${name}: skipped, missing ${missing.join(', ')} (${engines.ENGINES[name].install}); its traces stay`,
        );
        continue;
      }
      site ??= await listen((req, res) => {
        const send = (type, body) => {
          res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
          res.end(body);
        };
        const path = req.url.split('?')[0];
        if (path === '/page.js') return send('text/javascript', PAGE_JS);
        if (PAGE_FILES[path]) return send('text/javascript', PAGE_FILES[path]);
        send('text/html', PAGE_HTML);
      });
      result = await recordBrowser(engines, name, site);
    }
    recorded[name] = result.traces.map(({ name: traceName, message, lines }) => {
      const before = old.get(keyOf(traceName));
      const same = before && JSON.stringify(before.stack) === JSON.stringify(lines);
      const frames = same ? before.frames : rowsOf(parseStack, lines, message);
      if (!same) {
        const mask = (rows) => JSON.stringify(rows).replace(/\d+/g, '#');
        const kind = !before ? 'new' : mask(before.frames) === mask(frames) ? 'positions' : 'REVIEW';
        report.push(`  ${kind.padEnd(9)} ${traceName}`);
      }
      return {
        name: traceName,
        engine: FAMILY[name],
        recorded: result.version,
        ...(same && before.note ? { note: before.note } : {}),
        ...(message === undefined ? {} : { message }),
        stack: lines,
        frames,
      };
    });
    console.log(`${name}: ${result.version}, ${result.traces.length} traces`);
  }
} finally {
  site?.close();
}

corpus.traces = [...Object.values(recorded).flat(), ...corpus.traces.filter((t) => !t.recorded)];
writeFileSync(CORPUS, `${JSON.stringify(corpus, null, 2)}\n`);
// The repository's formatter keeps short arrays on one line.
const biome = here('../../../node_modules/.bin/biome');
if (existsSync(biome)) execFileSync(biome, ['format', '--write', CORPUS], { stdio: 'ignore' });
console.log(`${corpus.traces.length} traces -> ${CORPUS}`);
if (report.length)
  console.log(
    `New or changed traces (frames read by today's parser; check REVIEW ones):\n${report.join('\n')}`,
  );
