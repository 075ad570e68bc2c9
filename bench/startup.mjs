// Figure 2: what `require` + `init` adds to a Node process: wall time from spawn to exit and
// peak RSS (getrusage maxRSS) and the CPU time the process used by then (user + system), over a
// bare `node -e 0`-like process that only prints those. Fresh processes, interleaved so that drift
// in machine load hits every case alike. CPU time is the steadier figure on a busy machine: wall
// time also counts the time the process waited for a core.
import { DOWN_DSN, isMain, median, runNode } from './lib.mjs';

const PRINT =
  "{const u=process.resourceUsage();process.stdout.write(u.maxRSS*1024+' '+(u.userCPUTime+u.systemCPUTime))}";

const CASES = {
  bare: PRINT,
  // Node's module loader does some one-time work on the first file an app loads; every real
  // app pays that with or without an SDK, so the figure is also given over this baseline.
  oneModule: `require('./bench/fixtures/one-module.cjs');${PRINT}`,
  // Node resolves the first package with an "exports" map through its ES module resolver,
  // loaded and warmed on that first use (~2.5 ms); an app pays it at its first such package.
  // merge-descriptors is a one-file package with an exports map that express 5 loads.
  onePackage: `require('merge-descriptors');${PRINT}`,
  faultline: `require('@faultline/node').init({ dsn: '${DOWN_DSN}' });${PRINT}`,
  sentry: `require('@sentry/node').init({ dsn: '${DOWN_DSN}' });${PRINT}`,
};

// The same require + init timed inside the process, after the app's first file: a process's
// start and exit (tens of milliseconds, whose variance on a busy machine is larger than what an
// SDK adds) are left out. The clock is read before `require` and after `init` returns.
const timed = (sdk) =>
  `require('./bench/fixtures/one-module.cjs');const {performance:p}=require('node:perf_hooks');const t0=p.now();` +
  `require('${sdk}').init({ dsn: '${DOWN_DSN}' });process.stdout.write(String(p.now()-t0))`;
const IN_PROCESS = { faultline: timed('@faultline/node'), sentry: timed('@sentry/node') };

export async function run({ runs = 15, warmup = 2 } = {}) {
  const samples = Object.fromEntries(Object.keys(CASES).map((name) => [name, { ms: [], rss: [], cpu: [] }]));
  const inProcess = { faultline: [], sentry: [] };
  for (let i = 0; i < runs + warmup; i++) {
    for (const [name, code] of Object.entries(IN_PROCESS)) {
      const { stdout } = await runNode(['-e', code]);
      if (i >= warmup) inProcess[name].push(Number(stdout.trim()));
    }
    for (const [name, code] of Object.entries(CASES)) {
      const { stdout, wallMs } = await runNode(['-e', code]);
      if (i < warmup) continue;
      samples[name].ms.push(wallMs);
      const [rss, cpuMicros] = stdout.trim().split(' ').map(Number);
      samples[name].rss.push(rss);
      samples[name].cpu.push(cpuMicros / 1000);
    }
  }
  const out = {};
  for (const [name, { ms, rss, cpu }] of Object.entries(samples)) {
    out[name] = { wallMs: median(ms), cpuMs: median(cpu), peakRssBytes: median(rss), runs };
  }
  for (const sdk of ['faultline', 'sentry']) {
    out[sdk].addedWallMs = out[sdk].wallMs - out.bare.wallMs;
    out[sdk].addedPeakRssBytes = out[sdk].peakRssBytes - out.bare.peakRssBytes;
    out[sdk].addedOverOneModuleWallMs = out[sdk].wallMs - out.oneModule.wallMs;
    out[sdk].addedOverOneModuleCpuMs = out[sdk].cpuMs - out.oneModule.cpuMs;
    out[sdk].addedOverOneModulePeakRssBytes = out[sdk].peakRssBytes - out.oneModule.peakRssBytes;
    out[sdk].addedOverOnePackageWallMs = out[sdk].wallMs - out.onePackage.wallMs;
    out[sdk].addedOverOnePackageCpuMs = out[sdk].cpuMs - out.onePackage.cpuMs;
    out[sdk].requireInitInProcessMs = median(inProcess[sdk]);
  }
  return out;
}

if (isMain(import.meta.url))
  console.log(JSON.stringify(await run({ runs: Number(process.argv[2] ?? 15) }), null, 2));
