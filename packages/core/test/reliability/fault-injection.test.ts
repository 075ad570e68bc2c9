/**
 * Delivery under a failing ingest, end to end through `createClient`: a real receiver on
 * 127.0.0.1 refuses, resets, hangs, rate-limits (429 + Retry-After, X-Sentry-Rate-Limits),
 * rejects (413) and fails (500), then recovers. Nothing throws into the app, retries follow
 * the policy, no event the queue bound allowed to keep is lost, and every drop shows up in a
 * later client report.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ReceivedRequest,
  type Receiver,
  type ReceiverResponse,
  refusedDsn,
  startReceiver,
} from '../../../../test-utils/receiver.js';
import type { WireEvent } from '../../src/types.js';
import { createHarness, dropTotals, type Harness, reportsIn, watchProcessErrors } from './harness.js';

watchProcessErrors();

let receiver: Receiver | undefined;
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.client.close(200);
  await receiver?.close();
  harness = undefined;
  receiver = undefined;
});

/** Requests the receiver answered with 2xx, i.e. what the ingest kept. */
interface Accepting {
  accepted: ReceivedRequest[];
  acceptedEvents(): WireEvent[];
  acceptedDrops(): Record<string, number>;
}

/** Starts a receiver that answers with `decide(request, index)` (200 when it returns undefined). */
async function receiverWith(
  decide: (request: ReceivedRequest, index: number) => ReceiverResponse | undefined,
): Promise<Receiver & Accepting> {
  const accepted: ReceivedRequest[] = [];
  let index = 0;
  const started = await startReceiver({
    respond: (request) => {
      const spec = decide(request, index++);
      const status = spec?.status ?? 200;
      if (!spec?.hang && !spec?.destroy && status >= 200 && status < 300) accepted.push(request);
      return spec;
    },
  });
  receiver = started;
  const items = (type: string) =>
    accepted.flatMap((r) => r.envelope.items.filter(([h]) => h.type === type).map(([, p]) => p));
  return Object.assign(started, {
    accepted,
    acceptedEvents: () => items('event') as WireEvent[],
    acceptedDrops: () => dropTotals(items('client_report') as never),
  });
}

/** Heap and buffers in use after a full collection (`gc` exposed for this check only). */
function retainedHeap(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

const messageOf = (request: ReceivedRequest): string | undefined => {
  const event = request.envelope.items.find(([h]) => h.type === 'event')?.[1] as WireEvent | undefined;
  return event?.exception?.values.at(-1)?.value ?? event?.message;
};

describe('fault injection through createClient', () => {
  it('connection refused: retries each envelope as configured, then counts it as network_error', async () => {
    harness = createHarness(await refusedDsn(), { maxRetries: 2 });
    const { client } = harness;
    const ids = [0, 1, 2].map((i) => client.captureException(new Error(`down ${i}`)));
    await client.flush(5000);
    for (const id of ids) expect(harness.attempts.get(id)).toBe(3);
    expect(new Set(harness.outcomes)).toEqual(new Set(['network']));
    // What the runtime would deliver synchronously at exit still carries every drop.
    const pending = client.getTransport()?.takePending() ?? [];
    expect(dropTotals(reportsIn(pending))).toEqual({ 'network_error:error': 3 });
  });

  it('connection reset twice, then recovery: delivered exactly once, nothing reported lost', async () => {
    const rec = await receiverWith((_request, index) => (index < 2 ? { destroy: true } : undefined));
    harness = createHarness(rec.dsn, { maxRetries: 3 });
    const id = harness.client.captureException(new Error('flaky ingest'));
    expect(await harness.client.flush(5000)).toBe(true);
    expect(harness.attempts.get(id)).toBe(3);
    expect(rec.acceptedEvents().map((e) => e.event_id)).toEqual([id]);
    expect(rec.clientReports()).toEqual([]);
  });

  // An answered 4xx or 5xx is discarded, never retried (the protocol's rule): send_error.
  it.each<[string, ReceiverResponse]>([
    ['HTTP 500', { status: 500 }],
    ['HTTP 503 with Retry-After', { status: 503, headers: { 'retry-after': '1' } }],
  ])('%s: sent once, send_error reported once the ingest recovers', async (_name, failure) => {
    let failing = true;
    const rec = await receiverWith(() => (failing ? failure : undefined));
    harness = createHarness(rec.dsn, { maxRetries: 2 });
    const lost = harness.client.captureException(new Error('during the outage'));
    await harness.client.flush(5000);
    expect(harness.attempts.get(lost)).toBe(1);
    failing = false;
    const kept = harness.client.captureException(new Error('after the outage'));
    expect(await harness.client.flush(5000)).toBe(true);
    expect(rec.acceptedEvents().map((e) => e.event_id)).toEqual([kept]);
    expect(rec.acceptedDrops()).toEqual({ 'send_error:error': 1 });
  });

  it('a slow ingest: every event the queue bound kept arrives, the overflow is counted', async () => {
    const rec = await receiverWith((_request, index) => (index < 2 ? { delayMs: 400 } : undefined));
    harness = createHarness(rec.dsn, { maxQueueSize: 5, concurrency: 2 });
    const ids = Array.from({ length: 10 }, (_, i) =>
      harness?.client.captureException(new Error(`burst ${i}`)),
    );
    expect(await harness.client.flush(5000)).toBe(true);
    // Two sends run at once, so arrival order among the kept five is not fixed.
    const arrived = rec.acceptedEvents().map((e) => e.event_id);
    expect(arrived.sort()).toEqual(ids.slice(0, 5).sort());
    expect(rec.acceptedDrops()).toEqual({ 'queue_overflow:error': 5 });
  });

  it('an ingest that never answers: flush and close stay bounded, the event stays pending', async () => {
    const rec = await receiverWith(() => ({ hang: true }));
    harness = createHarness(rec.dsn);
    const id = harness.client.captureException(new Error('into the void'));
    await rec.waitFor(1);
    expect(await harness.client.flush(100)).toBe(false);
    // The app keeps capturing meanwhile.
    expect(harness.client.captureMessage('still alive')).toMatch(/^[0-9a-f]{32}$/);
    const pending = harness.client.getTransport()?.takePending() ?? [];
    const text = pending.map((bytes) => new TextDecoder().decode(bytes)).join('\n');
    expect(text).toContain(id);
    expect(await harness.client.close(100)).toBe(true);
  });

  it('429 with Retry-After: not retried, not reported; local drops reported after the limit', async () => {
    const rec = await receiverWith((_request, index) =>
      index === 0 ? { status: 429, headers: { 'retry-after': '60' } } : undefined,
    );
    harness = createHarness(rec.dsn);
    const { client } = harness;
    const limited = client.captureException(new Error('hits the limit'));
    await client.flush(2000);
    expect(harness.attempts.get(limited)).toBe(1);
    client.captureException(new Error('dropped locally'));
    client.captureCheckIn({ monitorSlug: 'job', status: 'ok' });
    await client.flush(2000);
    expect(rec.requests).toHaveLength(1);

    harness.advance(61_000);
    const after = client.captureException(new Error('after the limit'));
    expect(await client.flush(2000)).toBe(true);
    expect(rec.acceptedEvents().map((e) => e.event_id)).toEqual([after]);
    expect(rec.acceptedDrops()).toEqual({ 'ratelimit_backoff:error': 1, 'ratelimit_backoff:monitor': 1 });
  });

  it('X-Sentry-Rate-Limits on a 200: only the named category waits, its drops are reported', async () => {
    const rec = await receiverWith((_request, index) =>
      index === 0 ? { headers: { 'x-sentry-rate-limits': '60:error:key' } } : undefined,
    );
    harness = createHarness(rec.dsn);
    const { client } = harness;
    const first = client.captureException(new Error('announces the limit'));
    await client.flush(2000);
    client.captureException(new Error('limited'));
    client.captureMessage('limited too', 'error');
    const checkInId = client.captureCheckIn({ monitorSlug: 'job', status: 'ok' });
    await client.flush(2000);
    expect(rec.checkIns().map((c) => c.check_in_id)).toEqual([checkInId]);

    harness.advance(61_000);
    const after = client.captureException(new Error('after the limit'));
    expect(await client.flush(2000)).toBe(true);
    expect(rec.acceptedEvents().map((e) => e.event_id)).toEqual([first, after]);
    expect(rec.acceptedDrops()).toEqual({ 'ratelimit_backoff:error': 2 });
  });

  it('413: never retried, counted as send_error in the next envelope', async () => {
    const rec = await receiverWith((request) =>
      messageOf(request) === 'too big' ? { status: 413 } : undefined,
    );
    harness = createHarness(rec.dsn);
    const big = harness.client.captureException(new Error('too big'));
    await harness.client.flush(2000);
    const next = harness.client.captureException(new Error('fits'));
    expect(await harness.client.flush(2000)).toBe(true);
    expect(harness.attempts.get(big)).toBe(1);
    expect(rec.acceptedEvents().map((e) => e.event_id)).toEqual([next]);
    expect(rec.acceptedDrops()).toEqual({ 'send_error:error': 1 });
  });

  it('the whole sequence against one client: refused-like resets, hang, 429, 413, 500, then recovery', async () => {
    const script: Array<ReceiverResponse | undefined> = [
      { destroy: true },
      { delayMs: 300 },
      { status: 429, headers: { 'x-sentry-rate-limits': '30::organization' } },
    ];
    const rec = await receiverWith((request, index) => {
      if (messageOf(request) === 'rejected') return { status: 413 };
      if (messageOf(request) === 'broken') return { status: 500 };
      return script[index];
    });
    harness = createHarness(rec.dsn, { maxRetries: 1 });
    const { client } = harness;
    const a = client.captureException(new Error('reset then slow'));
    await client.flush(3000);
    const b = client.captureException(new Error('rate limited'));
    await client.flush(3000);
    client.captureException(new Error('dropped while limited'));
    harness.advance(31_000);
    client.captureException(new Error('rejected'));
    const broken = client.captureException(new Error('broken'));
    await client.flush(3000);
    const z = client.captureException(new Error('recovered'));
    expect(await client.flush(3000)).toBe(true);

    expect(harness.attempts.get(a)).toBe(2);
    expect(harness.attempts.get(b)).toBe(1);
    expect(harness.attempts.get(broken)).toBe(1);
    expect(rec.acceptedEvents().map((e) => e.event_id)).toEqual([a, z]);
    expect(rec.acceptedDrops()).toEqual({ 'ratelimit_backoff:error': 1, 'send_error:error': 2 });
  });

  it('an error storm with the ingest down keeps memory bounded and accounts for every event', async () => {
    harness = createHarness(await refusedDsn(), { maxQueueSize: 30, maxRetries: 1 });
    const { client } = harness;
    // 16 KiB of context on every event: 4,000 of them unbounded would keep ~64 MiB alive.
    client.getScope().setExtra('payload', 'x'.repeat(16 * 1024));
    const count = 4000;
    const before = retainedHeap();
    for (let i = 0; i < count; i++) client.captureException(new Error(`storm ${i}`));
    const retained = retainedHeap() - before;
    await client.flush(5000);
    const pending = client.getTransport()?.takePending() ?? [];
    // The loop is synchronous: 30 envelopes were queued, the rest overflowed; the 30 then
    // failed against the closed port. Every capture is accounted for.
    expect(dropTotals(reportsIn(pending))).toEqual({
      'queue_overflow:error': count - 30,
      'network_error:error': 30,
    });
    expect(retained).toBeLessThan(16 * 1024 * 1024);
  });
});
