// Figure 4: cost of `captureException` for an error with request context, until the envelope
// is handed to the transport, in µs per event. Each SDK runs in its own process with its
// default integrations and a transport that only records (Faultline: the `transport` option;
// Sentry: a custom transport). Median over batches and over processes: the first 7,000 events
// after a warm-up batch, and the events once V8 has optimised the capture path (after 6,000).
import { fileURLToPath } from 'node:url';
import { isMain, median, runJson } from './lib.mjs';

const CHILD = fileURLToPath(new URL('./capture-cost.child.cjs', import.meta.url));

/** Batches whose events count as "once warm": V8 has optimised the capture path by then. */
const WARM_FROM = 5;

export async function run({ processes = 3, batch = 1000, batches = 7, warmBatches = 7 } = {}) {
  const samples = { faultline: [], sentry: [] };
  const warm = { faultline: [], sentry: [] };
  for (let p = 0; p < processes; p++) {
    for (const sdk of Object.keys(samples)) {
      const result = await runJson([CHILD, sdk, String(batch), String(WARM_FROM + warmBatches)]);
      samples[sdk].push(...result.usPerEvent.slice(0, batches));
      warm[sdk].push(...result.usPerEvent.slice(WARM_FROM));
    }
  }
  const out = {};
  for (const [sdk, values] of Object.entries(samples)) {
    out[sdk] = {
      usPerEvent: median(values),
      warmUsPerEvent: median(warm[sdk]),
      warmAfterEvents: (WARM_FROM + 1) * batch,
      samples: values.length,
      batch,
    };
  }
  return out;
}

if (isMain(import.meta.url)) console.log(JSON.stringify(await run(), null, 2));
