// One SDK in its own process for the capture-cost figure: `node capture-cost.child.cjs <sdk>
// <batch> <batches>`. The SDK is initialised with its defaults and a transport that only
// records; the scope carries a request, a user, tags and breadcrumbs. Prints JSON: µs per
// event for each batch, from the first captureException until the last envelope of the
// batch has been handed to the transport.
const [sdk, batchArg, batchesArg] = process.argv.slice(2);
const batch = Number(batchArg);
const batches = Number(batchesArg);
const dsn = 'http://public@127.0.0.1:9/1';

const incoming = {
  method: 'POST',
  url: '/api/orders/42?page=2',
  headers: {
    host: 'shop.example.com',
    'content-type': 'application/json',
    'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36',
    accept: 'application/json',
    authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.abc',
    cookie: 'session=abc123; theme=dark',
    'x-request-id': '5f2b7c1e-1f7e-4c2a-9f0e-1b2c3d4e5f60',
  },
  socket: { remoteAddress: '203.0.113.7' },
};

let handed = 0;
let target = 0;
let wake = () => undefined;
function onHanded() {
  handed += 1;
  if (handed >= target) wake();
}
/**
 * Resolves once `count` envelopes were handed over, on the next macrotask, so that what each
 * SDK does after handing over (settling its own promises) is done before the next burst.
 */
function handedUpTo(count) {
  target = count;
  return new Promise((resolve) => {
    wake = () => setImmediate(resolve);
    if (handed >= count) wake();
  });
}

let capture;
if (sdk === 'faultline') {
  const faultline = require('@faultline/node');
  faultline.init({
    dsn,
    // This figure is the cost of building and sending an event: the storm guard would count
    // most of these repeats of one issue instead of building them (see the storm figure).
    stormGuard: false,
    transport: () => ({
      send: onHanded,
      recordDroppedEvent: () => undefined,
      flush: async () => true,
      close: async () => true,
      takePending: () => [],
    }),
  });
  const client = faultline.getClient();
  const scope = client.getScope();
  scope.setRequest(faultline.requestContext({ raw: incoming }, client));
  scope.setTransaction('POST /api/orders/:id');
  capture = (error) => faultline.captureException(error);
  faultline.setUser({ id: 'user-42' });
  faultline.setTags({ region: 'eu-west-1', plan: 'pro' });
  for (let i = 0; i < 10; i++) faultline.addBreadcrumb({ category: 'db', message: `SELECT ${i}` });
} else {
  const Sentry = require('@sentry/node');
  const { httpRequestToRequestData } = require('@sentry/core');
  Sentry.init({
    dsn,
    transport: () => ({
      send: async () => {
        onHanded();
        return {};
      },
      flush: async () => true,
    }),
  });
  const scope = Sentry.getIsolationScope();
  scope.setSDKProcessingMetadata({ normalizedRequest: httpRequestToRequestData(incoming) });
  scope.setTransactionName('POST /api/orders/:id');
  capture = (error) => Sentry.captureException(error);
  Sentry.setUser({ id: 'user-42' });
  Sentry.setTags({ region: 'eu-west-1', plan: 'pro' });
  for (let i = 0; i < 10; i++) Sentry.addBreadcrumb({ category: 'db', message: `SELECT ${i}` });
}

// Distinct messages on the error and its cause: Sentry's dedupe compares `exception.values[0]`,
// which for a chained error is the root cause.
class OrderError extends Error {
  name = 'OrderError';
}
function loadOrder(id, n) {
  return new OrderError(`order ${id} could not be loaded (attempt ${n})`, {
    cause: new Error(`ECONNRESET on socket ${n}`),
  });
}
function handler(n) {
  return loadOrder(42, n);
}

// Sentry processes at most 64 events at once (its client's promise buffer) and drops the rest
// as queue_overflow, so events go in bursts of 50, each waited for, for both SDKs.
// Reported if it happens anyway: the figure would then not be comparable.
const BURST = 50;

async function main() {
  const out = [];
  let n = 0;
  for (let b = 0; b < batches + 1; b++) {
    // Errors exist before the clock starts: both SDKs pay for reading the stack, not creating it.
    const errors = Array.from({ length: batch }, () => handler(n++));
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < errors.length; i += BURST) {
      const start = handed;
      const burst = errors.slice(i, i + BURST);
      for (const error of burst) capture(error);
      await handedUpTo(start + burst.length);
    }
    const us = Number(process.hrtime.bigint() - t0) / 1e3 / batch;
    if (b > 0) out.push(us); // the first batch warms up
  }
  process.stdout.write(`${JSON.stringify({ usPerEvent: out, handed })}\n`);
  process.exit(0);
}
main();
