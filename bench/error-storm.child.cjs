// One SDK in its own process for the error-storm figure: `node error-storm.child.cjs <sdk>
// <total> <burst>`. Default transport, ingest down (connections refused). Captures `total`
// errors in tight loops of `burst`, one loop per macrotask so timers and I/O can interleave,
// while perf_hooks measures event-loop delay. Then lets the SDK settle (bounded flush) and
// counts what it reports as dropped. Prints one JSON line.
const { monitorEventLoopDelay } = require('node:perf_hooks');

const [sdk, totalArg, burstArg] = process.argv.slice(2);
const total = Number(totalArg);
const burst = Number(burstArg);
const dsn = 'http://public@127.0.0.1:9/1';
/**
 * The delay monitor's timer interval. Each sample it records is the time between two firings
 * of its timer, so an idle loop reads about this much; the delay is what lies beyond it.
 */
const RESOLUTION_MS = 10;

let capture;
let settle;
if (sdk === 'faultline') {
  const faultline = require('@faultline/node');
  const { parseEnvelope } = require('@faultline/core');
  faultline.init({ dsn });
  capture = (error) => faultline.captureException(error);
  settle = async () => {
    const client = faultline.getClient();
    await client.flush(5000);
    // What is still queued, and the counts of what was dropped (as client reports).
    const pending = client.getTransport().takePending();
    const dropped = {};
    let queued = 0;
    for (const bytes of pending) {
      for (const [headers, payload] of parseEnvelope(bytes).items) {
        if (headers.type === 'event') queued += 1;
        if (headers.type !== 'client_report') continue;
        for (const { reason, category, quantity } of payload.discarded_events) {
          dropped[`${reason}:${category}`] = (dropped[`${reason}:${category}`] ?? 0) + quantity;
        }
      }
    }
    return { dropped, queued };
  };
} else if (sdk === 'none') {
  // The same loop without an SDK: what the app's own errors cost.
  capture = () => undefined;
  settle = async () => ({ dropped: {}, queued: 0 });
} else {
  const Sentry = require('@sentry/node');
  Sentry.init({ dsn });
  const client = Sentry.getClient();
  // Sentry keeps drop counts in the client until it sends them as a client report, which
  // clears them: add up what each clearing took, then what is left.
  const dropped = {};
  const add = (outcomes) => {
    for (const { reason, category, quantity } of outcomes) {
      dropped[`${reason}:${category}`] = (dropped[`${reason}:${category}`] ?? 0) + quantity;
    }
  };
  const clear = client._clearOutcomes.bind(client);
  client._clearOutcomes = () => {
    const outcomes = clear();
    add(outcomes);
    return outcomes;
  };
  capture = (error) => Sentry.captureException(error);
  settle = async () => {
    await Sentry.flush(5000);
    client._clearOutcomes();
    return { dropped, queued: client._numProcessing ?? 0 };
  };
}

async function main() {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  histogram.enable();
  const t0 = process.hrtime.bigint();
  let n = 0;
  // The longest synchronous loop of `burst` captures: what one macrotask of the storm costs.
  let taskMaxMs = 0;
  while (n < total) {
    const end = Math.min(total, n + burst);
    const started = process.hrtime.bigint();
    for (; n < end; n++) capture(new Error(`storm ${n}`));
    taskMaxMs = Math.max(taskMaxMs, Number(process.hrtime.bigint() - started) / 1e6);
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const stormMs = Number(process.hrtime.bigint() - t0) / 1e6;
  histogram.disable();
  // Faultline's retry timers are unref'd, and so is the timeout of its flush: without a ref'd
  // handle the process would simply end while a flush still waits for a retry.
  const keepAlive = setInterval(() => undefined, 1000);
  const { dropped, queued } = await settle();
  clearInterval(keepAlive);
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  const errorDrops = Object.entries(dropped)
    .filter(([key]) => key.endsWith(':error'))
    .reduce((sum, [, quantity]) => sum + quantity, 0);
  process.stdout.write(
    `${JSON.stringify({
      captured: total,
      stormMs,
      rssGrowthBytes: rssPeak - rssBefore,
      loopDelayP99Ms: Math.max(0, histogram.percentile(99) / 1e6 - RESOLUTION_MS),
      loopDelayMaxMs: Math.max(0, histogram.max / 1e6 - RESOLUTION_MS),
      taskMaxMs,
      dropped,
      droppedErrors: errorDrops,
      stillQueued: queued,
      uncounted: total - errorDrops - queued,
    })}\n`,
  );
  process.exit(0);
}
main();
