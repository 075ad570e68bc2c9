// Figure 5: an error storm with the ingest down: 100,000 captureException calls in tight
// loops (1,000 per macrotask), each SDK in its own process with its default transport
// pointed at a refused port. RSS growth (peak over start), event-loop delay p99
// (perf_hooks monitorEventLoopDelay during the storm), and how many events the SDK counted
// as dropped (client report counts). Median over runs.
import { fileURLToPath } from 'node:url';
import { isMain, median, runJson } from './lib.mjs';

const CHILD = fileURLToPath(new URL('./error-storm.child.cjs', import.meta.url));

export async function run({ runs = 3, total = 100_000, burst = 1000 } = {}) {
  const samples = { none: [], faultline: [], sentry: [] };
  for (let i = 0; i < runs; i++) {
    for (const sdk of Object.keys(samples)) {
      samples[sdk].push(await runJson([CHILD, sdk, String(total), String(burst)]));
    }
  }
  const out = {};
  for (const [sdk, results] of Object.entries(samples)) {
    const pick = (key) => median(results.map((r) => r[key]));
    out[sdk] = {
      captured: total,
      burst,
      runs,
      rssGrowthBytes: pick('rssGrowthBytes'),
      loopDelayP99Ms: pick('loopDelayP99Ms'),
      taskMaxMs: pick('taskMaxMs'),
      stormMs: pick('stormMs'),
      droppedErrors: pick('droppedErrors'),
      stillQueued: pick('stillQueued'),
      uncounted: sdk === 'none' ? 0 : pick('uncounted'),
      dropped: results.at(-1).dropped,
    };
  }
  return out;
}

if (isMain(import.meta.url))
  console.log(JSON.stringify(await run({ runs: Number(process.argv[2] ?? 3) }), null, 2));
