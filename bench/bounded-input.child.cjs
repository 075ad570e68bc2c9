// One SDK, one call, in its own process, for the bounded-input figure:
// `node bounded-input.child.cjs <sdk> <case>`. The SDK is initialised with a transport that
// only records. Times the call itself, then a plain captureException after it until its
// envelope reaches the transport (what every later event pays for what the call kept).
// Prints one JSON line: { callMs, nextEventMs }.
const [sdk, which] = process.argv.slice(2);
const MiB = 1024 * 1024;

let handed = () => undefined;
const nextSend = () => new Promise((resolve) => (handed = resolve));
let api;
if (sdk === 'faultline') {
  api = require('@faultline/node');
  api.init({
    dsn: 'http://public@127.0.0.1:9/1',
    transport: () => ({
      send: () => handed(),
      recordDroppedEvent: () => undefined,
      flush: async () => true,
      close: async () => true,
      takePending: () => [],
    }),
  });
} else {
  api = require('@sentry/node');
  api.init({
    dsn: 'http://public@127.0.0.1:9/1',
    transport: () => ({
      send: async () => {
        handed();
        return {};
      },
      flush: async () => true,
    }),
  });
}

const values = {
  typed: () => new Uint8Array(50 * MiB),
  keys: () => {
    const o = {};
    for (let i = 0; i < 1_000_000; i++) o[`k${i}`] = i;
    return o;
  },
  string: () => 'x'.repeat(10_000_000),
};

/** Each case: the value it needs and the call made with it. */
const CASES = {
  'captureException(50 MiB Uint8Array)': ['typed', (v) => api.captureException(v)],
  'captureException(1e6-key object)': ['keys', (v) => api.captureException(v)],
  'captureException(10 MB string)': ['string', (v) => api.captureException(v)],
  'setContext(1e6-key object)': ['keys', (v) => api.setContext('big', v)],
  'setContext(10 MB string)': ['string', (v) => api.setContext('big', v)],
  'setUser({ id: 10 MB string })': ['string', (v) => api.setUser({ id: v })],
  'addBreadcrumb({ message: 10 MB string })': ['string', (v) => api.addBreadcrumb({ message: v })],
  'setExtra(50 MiB Uint8Array)': ['typed', (v) => api.setExtra('big', v)],
};

async function main() {
  const [kind, call] = CASES[which];
  const value = values[kind]();
  // Warm: the first event loads what every event needs.
  let sent = nextSend();
  api.captureException(new Error('warm'));
  await sent;
  sent = nextSend();
  let t0 = process.hrtime.bigint();
  call(value);
  const callMs = Number(process.hrtime.bigint() - t0) / 1e6;
  // The call's own event, if it made one, is waited for before the next one is timed.
  await Promise.race([sent, new Promise((resolve) => setTimeout(resolve, 50))]);
  sent = nextSend();
  t0 = process.hrtime.bigint();
  api.captureException(new Error('the next event'));
  await sent;
  const nextEventMs = Number(process.hrtime.bigint() - t0) / 1e6;
  process.stdout.write(`${JSON.stringify({ callMs, nextEventMs })}\n`);
  process.exit(0);
}
main();
