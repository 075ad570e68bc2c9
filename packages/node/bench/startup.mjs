// Startup cost of @faultline/node: `require` + `init` over a bare `node -e 0`, as median wall
// time and resident memory over repeated runs of fresh processes. Uses the built package:
// run `npm run build` in packages/node first.
//
//   node packages/node/bench/startup.mjs [runs]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runs = Math.max(10, Number(process.argv[2] ?? 30));
const cwd = fileURLToPath(new URL('../../../', import.meta.url));
const dsn = 'http://public@127.0.0.1:9/1';
const printRss = 'process.stdout.write(String(process.memoryUsage().rss))';

// Each SDK case also reports, from inside the process, how long resolving the package, loading
// it, init and the first capture (which loads the event pipeline) took (hrtime around each
// step), which machine load disturbs less than wall time.
const phases = `const h = () => Number(process.hrtime.bigint()) / 1e6;
let t = h(); const path = require.resolve('@faultline/node'); const resolve = h() - t;
t = h(); const sdk = require(path); const node = h() - t;
t = h(); sdk.init({ dsn: '${dsn}', exitFlushTimeoutMs: 0 }); const init = h() - t;
const rss = process.memoryUsage().rss;
t = h(); sdk.captureException(new Error('first')); const capture = h() - t;
process.stdout.write(JSON.stringify({ rss, resolve, node, init, capture }))`;

const cases = {
  'node -e 0': '0',
  'bare (rss probe)': printRss,
  'require, no DSN': `require('@faultline/node').init();${printRss}`,
  'require + init': `require('@faultline/node').init({ dsn: '${dsn}' });${printRss}`,
  'require + init, phased': phases,
  'import + init (ESM)': `import('@faultline/node').then((m) => { m.init({ dsn: '${dsn}' }); ${printRss}; })`,
};

const samples = Object.fromEntries(
  Object.keys(cases).map((name) => [name, { ms: [], rss: [], resolve: [], node: [], init: [], capture: [] }]),
);
const env = { ...process.env };
for (const key of Object.keys(env)) if (/^(FAULTLINE|SENTRY)_|^NODE_OPTIONS$/.test(key)) delete env[key];

for (let i = 0; i < runs + 2; i++) {
  // Interleaved, so drift in machine load hits every case alike; the first two rounds warm up.
  for (const [name, code] of Object.entries(cases)) {
    const started = process.hrtime.bigint();
    const child = spawnSync(process.execPath, ['-e', code], { cwd, env, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (child.status !== 0) throw new Error(`${name} failed: ${child.stderr}`);
    if (i < 2) continue;
    samples[name].ms.push(ms);
    if (!child.stdout) continue;
    const out = child.stdout.startsWith('{') ? JSON.parse(child.stdout) : { rss: Number(child.stdout) };
    for (const [key, value] of Object.entries(out)) samples[name][key].push(value);
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const MiB = 1024 * 1024;
const baseMs = median(samples['node -e 0'].ms);
const baseRss = median(samples['bare (rss probe)'].rss);

console.log(`node ${process.version}, ${runs} runs each, medians`);
for (const [name, { ms, rss, resolve, node, init, capture }] of Object.entries(samples)) {
  const wall = median(ms);
  const memory = rss.length ? median(rss) / MiB : undefined;
  const cost =
    name.startsWith('node -e') || name.startsWith('bare') ? '' : ` (+${(wall - baseMs).toFixed(1)} ms`;
  const rssCost =
    memory !== undefined && cost ? `, +${(memory - baseRss / MiB).toFixed(2)} MiB)` : cost ? ')' : '';
  console.log(
    `${name.padEnd(24)} ${wall.toFixed(1).padStart(6)} ms${memory === undefined ? '' : `  rss ${memory.toFixed(1)} MiB`}${cost}${rssCost}`,
  );
  if (node.length) {
    const f = (v) => median(v).toFixed(2);
    console.log(
      `${''.padEnd(24)} in-process: resolve ${f(resolve)} ms, require ${f(node)} ms, init ${f(init)} ms; first capture ${f(capture)} ms`,
    );
  }
}
