// Figure 2: what `require` + `init` adds to a Node process: wall time from spawn to exit and
// peak RSS (getrusage maxRSS), over a bare `node -e 0`-like process that only prints its own
// peak RSS. Fresh processes, interleaved so that drift in machine load hits every case alike.
import { DOWN_DSN, isMain, median, runNode } from './lib.mjs';

const PRINT = 'process.stdout.write(String(process.resourceUsage().maxRSS * 1024))';

const CASES = {
  bare: PRINT,
  // Node's module loader does some one-time work on the first file an app loads; every real
  // app pays that with or without an SDK, so the figure is also given over this baseline.
  oneModule: `require('./bench/fixtures/one-module.cjs');${PRINT}`,
  faultline: `require('@faultline/node').init({ dsn: '${DOWN_DSN}' });${PRINT}`,
  sentry: `require('@sentry/node').init({ dsn: '${DOWN_DSN}' });${PRINT}`,
};

export async function run({ runs = 15, warmup = 2 } = {}) {
  const samples = Object.fromEntries(Object.keys(CASES).map((name) => [name, { ms: [], rss: [] }]));
  for (let i = 0; i < runs + warmup; i++) {
    for (const [name, code] of Object.entries(CASES)) {
      const { stdout, wallMs } = await runNode(['-e', code]);
      if (i < warmup) continue;
      samples[name].ms.push(wallMs);
      samples[name].rss.push(Number(stdout));
    }
  }
  const out = {};
  for (const [name, { ms, rss }] of Object.entries(samples)) {
    out[name] = { wallMs: median(ms), peakRssBytes: median(rss), runs };
  }
  for (const sdk of ['faultline', 'sentry']) {
    out[sdk].addedWallMs = out[sdk].wallMs - out.bare.wallMs;
    out[sdk].addedPeakRssBytes = out[sdk].peakRssBytes - out.bare.peakRssBytes;
    out[sdk].addedOverOneModuleWallMs = out[sdk].wallMs - out.oneModule.wallMs;
    out[sdk].addedOverOneModulePeakRssBytes = out[sdk].peakRssBytes - out.oneModule.peakRssBytes;
  }
  return out;
}

if (isMain(import.meta.url))
  console.log(JSON.stringify(await run({ runs: Number(process.argv[2] ?? 15) }), null, 2));
