// Core-level figures of @faultline/core (built package), in this process:
// - captureException of a typical error with request context, through the whole client
//   pipeline (event, scope, sanitize) to serialized envelope bytes: µs per event;
// - scrubbing a 50 KB JSON request body: `requestDataFrom` with bodies on (normalize, scrub,
//   size cap), and `scrubValue` alone on the already-normalized body: µs per body;
// - sanitizeEvent (normalize + scrub) of a typical event, and scrubString of 50 KB of log text.
// Medians over repeated batches after a warm-up batch; and the same sanitizeEvent as a fresh
// process's first event and second (median over fresh processes).

import { execFileSync } from 'node:child_process';
import {
  createClient,
  normalize,
  requestDataFrom,
  sanitizeEvent,
  scrubString,
  scrubValue,
  serializeEnvelope,
} from '@faultline/core';
import { isMain, median, ROOT } from './lib.mjs';

const now = () => Number(process.hrtime.bigint()) / 1e3;

function timeBatches(fn, { batch, batches }) {
  const out = [];
  for (let b = 0; b < batches + 1; b++) {
    const t0 = now();
    for (let i = 0; i < batch; i++) fn(i);
    if (b > 0) out.push((now() - t0) / batch);
  }
  return out;
}

const HEADERS = {
  host: 'shop.example.com',
  'content-type': 'application/json',
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36',
  accept: 'application/json',
  authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.abc',
  cookie: 'session=abc123; theme=dark',
};

function captureCost({ batch = 1000, batches = 9 } = {}) {
  let bytes = 0;
  let envelopes = 0;
  const client = createClient(
    {
      dsn: 'http://public@127.0.0.1:9/1',
      transport: () => ({
        send(envelope) {
          bytes += serializeEnvelope(envelope).length;
          envelopes += 1;
        },
        recordDroppedEvent: () => undefined,
        flush: async () => true,
        close: async () => true,
        takePending: () => [],
      }),
    },
    { platform: 'node', sdk: { name: 'faultline.node', version: '0.1.0' } },
  );
  const scope = client.getScope();
  scope.setRequest(
    requestDataFrom(
      { method: 'POST', url: 'https://shop.example.com/api/orders/42?page=2', headers: HEADERS },
      {},
    ),
  );
  scope.setTransaction('POST /api/orders/:id').setUser({ id: 'user-42' }).setTags({ region: 'eu-west-1' });
  for (let i = 0; i < 10; i++) scope.addBreadcrumb({ category: 'db', message: `SELECT ${i}`, timestamp: i });
  let n = 0;
  const makeError = () =>
    new Error(`order 42 could not be loaded (attempt ${n})`, { cause: new Error(`ECONNRESET ${n++}`) });
  // Errors are created outside the clock, a batch at a time.
  const samples = [];
  for (let b = 0; b < batches + 1; b++) {
    const errors = Array.from({ length: batch }, makeError);
    const t0 = now();
    for (const error of errors) client.captureException(error);
    if (b > 0) samples.push((now() - t0) / batch);
  }
  return { usPerEvent: median(samples), envelopeBytes: Math.round(bytes / envelopes), batch, batches };
}

/** A ~50 KB JSON body: 200 order records with personal and secret fields among plain ones. */
function body50k() {
  const items = Array.from({ length: 200 }, (_, i) => ({
    id: i,
    sku: `SKU-${1000 + i}`,
    name: `Item number ${i} with a reasonably descriptive product name`,
    email: `customer${i}@example.com`,
    password: `hunter${i}`,
    card: '4111 1111 1111 1111',
    note: `Deliver to the back door; call +1-555-010${i % 10} first. token=abc${i}def`,
  }));
  return { order: { id: 42, items }, apiKey: 'AKIAABCDEFGHIJKLMNOP' };
}

/** An event as an app sends it: a message, an exception with frames and source lines, breadcrumbs, a request, tags. */
function typicalEvent() {
  const frames = Array.from({ length: 20 }, (_, i) => ({
    filename: `/app/src/module${i}.js`,
    function: `handler${i}`,
    lineno: 10 + i,
    colno: 5,
    in_app: i > 10,
    context_line: `  const total = items.reduce((sum, item) => sum + item.price * item.quantity, ${i});`,
    pre_context: ['function total(items) {', '  if (!items) return 0;'],
    post_context: ['  return total;', '}'],
  }));
  return {
    timestamp: 1_700_000_000,
    level: 'error',
    platform: 'node',
    message: "TypeError: Cannot read properties of undefined (reading 'price')",
    exception: {
      values: [
        {
          type: 'TypeError',
          value: "Cannot read properties of undefined (reading 'price')",
          stacktrace: { frames },
        },
      ],
    },
    breadcrumbs: Array.from({ length: 20 }, (_, i) => ({
      timestamp: 1_700_000_000 + i,
      category: 'http',
      message: `GET https://api.example.com/v1/orders/${i}?page=2 200`,
      data: { url: `https://api.example.com/v1/orders/${i}?page=2`, status_code: 200 },
    })),
    request: { method: 'POST', url: 'https://shop.example.com/api/orders?ref=mail', headers: HEADERS },
    tags: { route: 'POST /api/orders', region: 'eu-west-1' },
    contexts: { runtime: { name: 'node', version: 'v20.20.2' } },
    user: { id: 'u-42' },
    sdk: { name: 'faultline.node', version: '0.1.0' },
  };
}

/** 50 KB of log lines, a few with credentials in them. */
function logText50k() {
  const lines = [];
  for (let i = 0; lines.join('\n').length < 50 * 1024; i++) {
    lines.push(
      i % 20 === 0
        ? `2024-01-15T12:30:${String(i % 60).padStart(2, '0')}Z worker ${i} login failed: password=hunter${i} token=tok${i}XyZ`
        : `2024-01-15T12:30:${String(i % 60).padStart(2, '0')}Z worker ${i} GET /api/orders/${i}?page=2 200 in ${i % 90} ms`,
    );
  }
  return lines.join('\n').slice(0, 50 * 1024);
}

function scrubCost({ batch = 50, batches = 9 } = {}) {
  const body = body50k();
  const size = JSON.stringify(body).length;
  const withBodies = timeBatches(
    () =>
      requestDataFrom(
        { method: 'POST', url: 'https://shop.example.com/api/orders', headers: HEADERS, body },
        { sendDefaultPii: true, maxBodyBytes: 64 * 1024 },
      ),
    { batch, batches },
  );
  const normalized = normalize(body);
  const scrubOnly = timeBatches(() => scrubValue(normalized), { batch, batches });
  const event = typicalEvent();
  const perEvent = timeBatches(
    (i) => sanitizeEvent({ ...event, event_id: undefined, message: `${event.message} #${i}` }),
    {
      batch: 200,
      batches,
    },
  );
  const text = logText50k();
  const perText = timeBatches((i) => scrubString(`${i} ${text}`), { batch: 10, batches });
  return {
    bodyBytes: size,
    requestDataFromUs: median(withBodies),
    scrubValueUs: median(scrubOnly),
    sanitizeEventUs: median(perEvent),
    logTextBytes: text.length,
    scrubTextUs: median(perText),
  };
}

/**
 * A process's first event: sanitizeEvent of the typical event in a fresh process, then the same
 * event again (the first compiles the scrubbing patterns and the functions it passes through).
 * Median over fresh processes, in ms.
 */
function firstEventCost({ processes = 9 } = {}) {
  const script = `
const core = require('@faultline/core');
const event = ${JSON.stringify(typicalEvent())};
const now = () => Number(process.hrtime.bigint()) / 1e6;
let t = now();
core.sanitizeEvent({ ...event, message: event.message + ' #1' });
const first = now() - t;
t = now();
core.sanitizeEvent({ ...event, message: event.message + ' #2' });
console.log(JSON.stringify({ first, second: now() - t }));
`;
  const runs = Array.from({ length: processes }, () =>
    JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' })),
  );
  return {
    firstMs: median(runs.map((r) => r.first)),
    secondMs: median(runs.map((r) => r.second)),
    processes,
  };
}

export async function run() {
  return { capture: captureCost(), scrub: scrubCost(), firstEvent: firstEventCost() };
}

if (isMain(import.meta.url)) console.log(JSON.stringify(await run(), null, 2));
