import { parseEnvelope as sentryParseEnvelope } from '@sentry/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type Receiver,
  type ReceiverResponse,
  refusedUrl,
  startReceiver,
} from '../../../test-utils/receiver.js';
import { createCheckInEnvelope, createEventEnvelope, type Envelope, parseEnvelope } from './envelope.js';
import { createFetchExecutor } from './fetch-executor.js';
import { uuid4 } from './ids.js';
import {
  createTransport,
  type Transport,
  type TransportExecutor,
  type TransportOptions,
} from './transport.js';
import type { ClientReport } from './types.js';

const META = { sdk: { name: 'faultline.test', version: '0.0.0' } };

function eventEnvelope(message = 'boom'): Envelope {
  return createEventEnvelope(
    {
      event_id: uuid4(),
      timestamp: 1_700_000_000,
      platform: 'node',
      level: 'error',
      message,
      sdk: META.sdk,
    },
    META,
  );
}

function checkInEnvelope(): Envelope {
  return createCheckInEnvelope({ check_in_id: uuid4(), monitor_slug: 'nightly', status: 'ok' }, META);
}

/** Sums `reason:category` over reports. */
function totals(reports: ClientReport[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const report of reports) {
    for (const { reason, category, quantity } of report.discarded_events) {
      out[`${reason}:${category}`] = (out[`${reason}:${category}`] ?? 0) + quantity;
    }
  }
  return out;
}

function reportsIn(envelopes: Uint8Array[]): ClientReport[] {
  return envelopes.flatMap((bytes) =>
    parseEnvelope(bytes)
      .items.filter(([headers]) => headers.type === 'client_report')
      .map(([, payload]) => payload as ClientReport),
  );
}

function hasEvent(envelope: Envelope): boolean {
  return envelope.items.some(([headers]) => headers.type === 'event');
}

const receivers: Receiver[] = [];
const transports: Transport[] = [];

async function receiver(
  respond?: (request: {
    envelope: Envelope;
  }) => ReceiverResponse | undefined | Promise<ReceiverResponse | undefined>,
): Promise<Receiver> {
  const started = await startReceiver(respond ? { respond } : {});
  receivers.push(started);
  return started;
}

function transportTo(url: string, options: TransportOptions = {}): Transport {
  const transport = createTransport(
    { retryBaseMs: 5, envelopeMeta: META, ...options },
    createFetchExecutor({ url: `${url}/api/1/envelope/` }),
  );
  transports.push(transport);
  return transport;
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});

afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

afterEach(async () => {
  for (const transport of transports.splice(0)) transport.takePending();
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  expect(unhandled).toEqual([]);
});

describe('createTransport over HTTP', () => {
  it('delivers an envelope on a 200', async () => {
    const server = await receiver();
    const transport = transportTo(server.url);
    transport.send(eventEnvelope('hello'));
    expect(await transport.flush(5000)).toBe(true);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.headers['content-type']).toBe('application/x-sentry-envelope');
    expect(server.events().map((e) => e.message)).toEqual(['hello']);
    expect(server.clientReports()).toEqual([]);
  });

  it('opens no connection inside the call that queued, and one per macrotask after it', async () => {
    const server = await receiver();
    const sent: number[] = [];
    const executor = createFetchExecutor({ url: `${server.url}/api/1/envelope/` });
    const transport = createTransport(
      { envelopeMeta: META },
      {
        send: (body, written) => {
          sent.push(body.length);
          return executor.send(body, written);
        },
      },
    );
    transports.push(transport);
    transport.send(eventEnvelope('one'));
    transport.send(eventEnvelope('two'));
    expect(sent).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(sent).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(sent).toHaveLength(2);
    expect(await transport.flush(5000)).toBe(true);
    expect(server.events().map((e) => e.message)).toEqual(['one', 'two']);
  });

  it('attaches pending drop counts to the next envelope', async () => {
    const server = await receiver();
    const transport = transportTo(server.url);
    transport.recordDroppedEvent('sample_rate', 'error', 2);
    transport.send(eventEnvelope());
    expect(await transport.flush(5000)).toBe(true);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.envelope.items.map(([h]) => h.type)).toEqual(['event', 'client_report']);
    expect(totals(server.clientReports())).toEqual({ 'sample_rate:error': 2 });
  });

  it('sends pending drop counts on their own at flush', async () => {
    const server = await receiver();
    const transport = transportTo(server.url);
    transport.recordDroppedEvent('before_send', 'monitor');
    expect(await transport.flush(5000)).toBe(true);
    expect(server.requests).toHaveLength(1);
    expect(totals(server.clientReports())).toEqual({ 'before_send:monitor': 1 });
    expect(await transport.flush(5000)).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('does not send a refused report again at every flush; a report riding on a refused event goes once more alone', async () => {
    const server = await receiver(() => ({ status: 403 }));
    const transport = transportTo(server.url);
    transport.send(eventEnvelope('refused'));
    expect(await transport.flush(5000)).toBe(true);
    // The event, then the report of its send_error on its own: both refused.
    expect(server.requests).toHaveLength(2);
    expect(totals(server.clientReports())).toEqual({ 'send_error:error': 1 });
    for (let i = 0; i < 3; i++) expect(await transport.flush(5000)).toBe(true);
    expect(server.requests).toHaveLength(2);
    // A report that rode on a refused event is not lost with it: it goes once more, alone.
    transport.recordDroppedEvent('before_send', 'error');
    transport.send(eventEnvelope('refused too'));
    expect(await transport.flush(5000)).toBe(true);
    const reports = server.requests.slice(2).map((r) => totals(reportsIn([r.body])));
    expect(reports).toEqual([{ 'before_send:error': 1 }, { 'before_send:error': 1, 'send_error:error': 1 }]);
    expect(await transport.flush(5000)).toBe(true);
    expect(server.requests).toHaveLength(4);
  });

  it('honours 429 + Retry-After: no retry, no report, category blocked until the time passes', async () => {
    let clock = 1_000_000;
    let limited = true;
    const server = await receiver(() =>
      limited ? { status: 429, headers: { 'Retry-After': '30' } } : undefined,
    );
    const transport = transportTo(server.url, { now: () => clock });
    transport.send(eventEnvelope('limited'));
    expect(await transport.flush(5000)).toBe(true);
    expect(server.requests).toHaveLength(1);

    limited = false;
    clock += 29_000;
    transport.send(eventEnvelope('dropped locally'));
    transport.send(checkInEnvelope());
    expect(await transport.flush(5000)).toBe(true);
    expect(server.requests).toHaveLength(1);

    clock += 1_001;
    transport.send(eventEnvelope('after'));
    expect(await transport.flush(5000)).toBe(true);
    expect(server.requests).toHaveLength(2);
    expect(server.events().map((e) => e.message)).toEqual(['limited', 'after']);
    expect(totals(server.clientReports())).toEqual({
      'ratelimit_backoff:error': 1,
      'ratelimit_backoff:monitor': 1,
    });
  });

  it('reads Retry-After as an HTTP date', async () => {
    let clock = Date.parse('2030-01-01T00:00:00Z');
    const server = await receiver((r) =>
      hasEvent(r.envelope) && server.requests.length === 1
        ? { status: 429, headers: { 'Retry-After': 'Tue, 01 Jan 2030 00:02:00 GMT' } }
        : undefined,
    );
    const transport = transportTo(server.url, { now: () => clock });
    transport.send(eventEnvelope());
    await transport.flush(5000);
    clock += 119_000;
    transport.send(eventEnvelope());
    await transport.flush(5000);
    expect(server.events()).toHaveLength(1);
    clock += 2_000;
    transport.send(eventEnvelope());
    await transport.flush(5000);
    expect(server.events()).toHaveLength(2);
  });

  it('limits only the categories named by X-Sentry-Rate-Limits on a 429', async () => {
    const server = await receiver((r) =>
      hasEvent(r.envelope) ? { status: 429, headers: { 'X-Sentry-Rate-Limits': '60:error:key' } } : undefined,
    );
    const transport = transportTo(server.url);
    transport.send(eventEnvelope());
    expect(await transport.flush(5000)).toBe(true);
    expect(transport.wouldDrop?.('error')).toBe('ratelimit_backoff');
    expect(transport.wouldDrop?.('monitor')).toBeUndefined();
    transport.send(eventEnvelope('blocked'));
    transport.send(checkInEnvelope());
    expect(await transport.flush(5000)).toBe(true);
    expect(server.requests).toHaveLength(2);
    expect(server.checkIns()).toHaveLength(1);
    // The drop is reported with the next envelope (or at the next flush).
    transport.send(checkInEnvelope());
    expect(await transport.flush(5000)).toBe(true);
    expect(server.checkIns()).toHaveLength(2);
    expect(totals(server.clientReports())).toEqual({ 'ratelimit_backoff:error': 1 });
  });

  it('applies X-Sentry-Rate-Limits announced on a 200', async () => {
    const server = await receiver((r) =>
      server.requests.length === 1 && hasEvent(r.envelope)
        ? { status: 200, headers: { 'X-Sentry-Rate-Limits': '120:monitor:organization:quota_exceeded' } }
        : undefined,
    );
    const transport = transportTo(server.url);
    transport.send(eventEnvelope('first'));
    expect(await transport.flush(5000)).toBe(true);
    transport.send(checkInEnvelope());
    transport.send(eventEnvelope('second'));
    expect(await transport.flush(5000)).toBe(true);
    expect(server.checkIns()).toHaveLength(0);
    expect(server.events().map((e) => e.message)).toEqual(['first', 'second']);
    expect(totals(server.clientReports())).toEqual({ 'ratelimit_backoff:monitor': 1 });
  });

  it('treats a bare 429 as 60 s for every category', async () => {
    let clock = 5_000_000;
    const server = await receiver(() => (server.requests.length === 1 ? { status: 429 } : undefined));
    const transport = transportTo(server.url, { now: () => clock });
    transport.send(eventEnvelope());
    expect(await transport.flush(5000)).toBe(true);
    clock += 59_999;
    transport.send(eventEnvelope());
    transport.send(checkInEnvelope());
    transport.recordDroppedEvent('sample_rate', 'error');
    // Client reports wait too: everything is limited.
    expect(await transport.flush(5000)).toBe(true);
    expect(server.requests).toHaveLength(1);
    clock += 2;
    expect(await transport.flush(5000)).toBe(true);
    expect(server.requests).toHaveLength(2);
    expect(totals(server.clientReports())).toEqual({
      'ratelimit_backoff:error': 1,
      'ratelimit_backoff:monitor': 1,
      'sample_rate:error': 1,
    });
  });

  it('never retries a 413 and counts it as send_error', async () => {
    const server = await receiver((r) => (hasEvent(r.envelope) ? { status: 413 } : undefined));
    const transport = transportTo(server.url);
    transport.send(eventEnvelope('too big'));
    expect(await transport.flush(5000)).toBe(true);
    expect(server.events()).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
    expect(totals(server.clientReports())).toEqual({ 'send_error:error': 1 });
  });

  it('counts other 4xx as send_error without retrying', async () => {
    const server = await receiver((r) => (hasEvent(r.envelope) ? { status: 400 } : undefined));
    const transport = transportTo(server.url);
    transport.send(eventEnvelope());
    expect(await transport.flush(5000)).toBe(true);
    expect(server.events()).toHaveLength(1);
    expect(totals(server.clientReports())).toEqual({ 'send_error:error': 1 });
  });

  it('discards what a 500 or 503 answered, once each, and counts send_error (no retry)', async () => {
    let answered = 0;
    const server = await receiver((r) =>
      hasEvent(r.envelope) ? { status: answered++ ? 503 : 500 } : undefined,
    );
    const transport = transportTo(server.url, { maxRetries: 3 });
    transport.send(eventEnvelope());
    transport.send(eventEnvelope());
    expect(await transport.flush(5000)).toBe(true);
    expect(server.events()).toHaveLength(2);
    expect(totals(server.clientReports())).toEqual({ 'send_error:error': 2 });
  });

  it('returns false from flush on timeout, then true once the slow answer arrives', async () => {
    const server = await receiver(() => ({ delayMs: 1500 }));
    const transport = transportTo(server.url);
    transport.send(eventEnvelope());
    const started = Date.now();
    expect(await transport.flush(100)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1400);
    expect(await transport.flush(10_000)).toBe(true);
    expect(server.events()).toHaveLength(1);
  });

  it('counts network_error after retrying a dropped connection, and reports it', async () => {
    const server = await receiver((r) => (hasEvent(r.envelope) ? { destroy: true } : undefined));
    const transport = transportTo(server.url, { maxRetries: 2 });
    transport.send(eventEnvelope());
    expect(await transport.flush(5000)).toBe(true);
    expect(server.events()).toHaveLength(3);
    expect(totals(server.clientReports())).toEqual({ 'network_error:error': 1 });
  });

  it('stamps sent_at when the bytes leave: a retry, an envelope kept offline, a hand-over', async () => {
    // The server corrects an event's clock by sent_at: a stale one would move the event in time.
    let clock = Date.parse('2026-01-01T10:00:00.000Z');
    let first = true;
    const server = await receiver(() => {
      if (!first) return undefined;
      first = false;
      // The first attempt gets no answer; the retry leaves an hour later.
      clock += 3_600_000;
      return { destroy: true };
    });
    const transport = transportTo(server.url, { now: () => clock, maxRetries: 2 });
    transport.send(eventEnvelope('retried'));
    expect(await transport.flush(5000)).toBe(true);
    const sentAt = server.requests.map((request) => request.envelope.headers.sent_at);
    expect(sentAt).toEqual(['2026-01-01T10:00:00.000Z', '2026-01-01T11:00:00.000Z']);

    // Bytes serialized by an earlier page (kept offline), then sent as they are.
    const kept = createTransport({ envelopeMeta: META, now: () => clock }, createFetchExecutor({ url: 'x' }));
    kept.send(eventEnvelope('kept'));
    clock += 60_000;
    const [offline] = kept.takePending();
    expect(parseEnvelope(offline!).headers.sent_at).toBe('2026-01-01T11:01:00.000Z');
    clock += 86_400_000;
    (transport as ReturnType<typeof createTransport>).send(offline!);
    expect(await transport.flush(5000)).toBe(true);
    const last = server.requests.at(-1)!.envelope;
    expect(last.headers.sent_at).toBe('2026-01-02T11:01:00.000Z');
    // Only sent_at changed: the event and its id are as they were, and Sentry's parser reads it.
    expect(last.headers.event_id).toBe(parseEnvelope(offline!).headers.event_id);
    expect((last.items[0]?.[1] as { message?: string } | undefined)?.message).toBe('kept');
    const text = new TextDecoder().decode(server.requests.at(-1)!.body);
    expect(text.split('\n')[0]!.match(/"sent_at"/g)).toHaveLength(1);
    expect(sentryParseEnvelope(server.requests.at(-1)!.body)[0]).toMatchObject({
      sent_at: '2026-01-02T11:01:00.000Z',
    });
  });

  it('survives a refused connection: counts network_error and keeps the unsent report', async () => {
    const transport = transportTo(await refusedUrl(), { maxRetries: 2 });
    transport.send(eventEnvelope());
    transport.send(checkInEnvelope());
    expect(await transport.flush(5000)).toBe(true);
    // The report could not be delivered either; its counts are still there.
    const pending = transport.takePending();
    expect(totals(reportsIn(pending))).toEqual({ 'network_error:error': 1, 'network_error:monitor': 1 });
    expect(transport.takePending()).toEqual([]);
  });

  it('bounds the queue under a burst and counts every overflow', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const server = await receiver(async () => {
      await gate;
      return undefined;
    });
    const transport = transportTo(server.url, { maxQueueSize: 30, concurrency: 2 });
    expect(transport.wouldDrop?.('error')).toBeUndefined();
    for (let i = 0; i < 1000; i += 1) transport.send(eventEnvelope(`burst ${i}`));
    // The client asks this before building an event, so a storm costs nothing once full.
    expect(transport.wouldDrop?.('error')).toBe('queue_overflow');
    await server.waitFor(2);
    expect(await transport.flush(50)).toBe(false);
    release();
    expect(await transport.flush(10_000)).toBe(true);
    const accepted = server.events().length;
    expect(accepted).toBe(30);
    // Read the report from the raw bytes with the official SDK's parser, not ours.
    const reports = server.requests.flatMap((request) =>
      sentryParseEnvelope(request.body)[1]
        .filter(([headers]) => headers.type === 'client_report')
        // With a `length` header, the official parser hands back the payload bytes.
        .map(
          ([, payload]) =>
            JSON.parse(new TextDecoder().decode(payload as unknown as Uint8Array)) as ClientReport,
        ),
    );
    expect(totals(reports)).toEqual({ 'queue_overflow:error': 1000 - accepted });
  });

  it('delivers a burst of 60 events captured in one task with default options, every one', async () => {
    const server = await receiver(() => undefined);
    const transport = transportTo(server.url);
    for (let i = 0; i < 60; i += 1) transport.send(eventEnvelope(`batch item ${i} failed`));
    expect(await transport.flush(10_000)).toBe(true);
    expect(server.events()).toHaveLength(60);
  });

  it('caps the queued bytes', async () => {
    const server = await receiver(() => ({ hang: true }));
    const one = new TextEncoder().encode(JSON.stringify(eventEnvelope('x'.repeat(1000)))).length;
    const transport = transportTo(server.url, { maxQueueBytes: one * 5, maxQueueSize: 1000 });
    for (let i = 0; i < 100; i += 1) transport.send(eventEnvelope('x'.repeat(1000)));
    await server.waitFor(2);
    const pending = transport.takePending();
    const events = pending.filter((bytes) => hasEvent(parseEnvelope(bytes)));
    const queuedBytes = events.reduce((sum, bytes) => sum + bytes.length, 0);
    expect(queuedBytes).toBeLessThanOrEqual(one * 5);
    expect(events.length).toBeGreaterThan(0);
    expect(totals(reportsIn(pending))).toEqual({ 'queue_overflow:error': 100 - events.length });
  });

  it('hands over unacknowledged envelopes once, without counting them later', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const server = await receiver(async () => {
      await gate;
      return { status: 500 };
    });
    const transport = transportTo(server.url, { concurrency: 1 });
    transport.send(eventEnvelope('a'));
    transport.send(eventEnvelope('b'));
    await server.waitFor(1);
    const pending = transport.takePending();
    expect(
      pending.map(
        (bytes) => (parseEnvelope(bytes).items[0]?.[1] as { message?: string } | undefined)?.message,
      ),
    ).toEqual(['a', 'b']);
    expect(transport.takePending()).toEqual([]);
    release();
    expect(await transport.flush(5000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.requests).toHaveLength(1);
    expect(transport.takePending()).toEqual([]);
  });

  it('ignores sends after close', async () => {
    const server = await receiver();
    const transport = transportTo(server.url);
    transport.send(eventEnvelope('before'));
    expect(await transport.close(5000)).toBe(true);
    transport.send(eventEnvelope('after'));
    expect(await transport.flush(1000)).toBe(true);
    expect(server.events().map((e) => e.message)).toEqual(['before']);
  });
});

describe('createTransport with a broken executor', () => {
  const broken: Array<[string, TransportExecutor]> = [
    [
      'throws synchronously',
      {
        send: () => {
          throw new Error('sync');
        },
      },
    ],
    ['returns garbage', { send: () => 42 as unknown as Promise<never> }],
    ['resolves garbage', { send: () => Promise.resolve({ nope: true } as never) }],
    ['resolves null', { send: () => Promise.resolve(null as never) }],
  ];

  for (const [name, executor] of broken) {
    it(`keeps going when the executor ${name}`, async () => {
      const transport = createTransport({ retryBaseMs: 1, maxRetries: 1 }, executor);
      transport.send(eventEnvelope());
      expect(await transport.flush(5000)).toBe(true);
      expect(totals(reportsIn(transport.takePending()))).toEqual({ 'network_error:error': 1 });
      expect(await transport.close(1000)).toBe(true);
    });
  }

  it('while the receiver cannot be reached, one envelope at a time tries it; every envelope is still counted', async () => {
    let inFlight = 0;
    let failed = false;
    let overlapAfterFailure = 0;
    const refusing: TransportExecutor = {
      send() {
        inFlight += 1;
        if (failed) overlapAfterFailure = Math.max(overlapAfterFailure, inFlight);
        return new Promise((_, reject) =>
          setTimeout(() => {
            inFlight -= 1;
            failed = true;
            reject(new Error('connect ECONNREFUSED'));
          }, 1),
        );
      },
    };
    const transport = createTransport({ retryBaseMs: 1, maxRetries: 2, concurrency: 2 }, refusing);
    for (let i = 0; i < 6; i++) transport.send(eventEnvelope(`down ${i}`));
    expect(await transport.flush(5000)).toBe(true);
    expect(overlapAfterFailure).toBe(1);
    expect(totals(reportsIn(transport.takePending()))).toEqual({ 'network_error:error': 6 });
  });

  it('counts an envelope that cannot be serialized as internal_sdk_error', async () => {
    const bodies: Uint8Array[] = [];
    const transport = createTransport(
      {},
      {
        send: (body) => {
          bodies.push(body);
          return Promise.resolve({ status: 200, headers: {} });
        },
      },
    );
    const envelope = eventEnvelope();
    (envelope.items[0]?.[1] as Record<string, unknown>).big = 1n;
    transport.send(envelope);
    transport.send(null as unknown as Envelope);
    expect(await transport.flush(1000)).toBe(true);
    expect(bodies).toHaveLength(1);
    expect(totals(reportsIn(bodies))).toEqual({ 'internal_sdk_error:error': 1 });
  });

  it('bounds close when the executor never closes', async () => {
    const transport = createTransport(
      {},
      {
        send: () => Promise.resolve({ status: 200, headers: {} }),
        close: () => new Promise(() => undefined),
      },
    );
    expect(await transport.close(50)).toBe(true);
  });
});
