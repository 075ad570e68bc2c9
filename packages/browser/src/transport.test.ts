import { createStackScopeStore, type Envelope, type Logger } from '@faultline/core';
import { parseEnvelope } from '@sentry/core';
import { describe, expect, it } from 'vitest';
import { createClient } from './client.js';
import type { SendResult } from './delivery.js';
import { serializeEnvelope } from './envelope.js';
import { createOfflineQueue } from './offline-queue.js';
import { createScope } from './scope.js';
import { createTransport } from './transport.js';

/** The scopes a client reads: in the page, the front's (init.ts). */
const store = () => createStackScopeStore(createScope());

const logger: Logger = { enabled: false, debug() {}, warn() {}, error() {} };

/** A fake server: records what it receives (parsed by @sentry/core) and answers what `answer` says. */
function server(answer: (n: number, types: string[]) => SendResult | Error = () => ok()) {
  const received: Array<{ type: string; payload: any }[]> = [];
  const send = async (body: Uint8Array) => {
    const [, items] = parseEnvelope(body);
    received.push(
      items.map(([h, p]) => ({
        type: h.type as string,
        payload: JSON.parse(p instanceof Uint8Array ? new TextDecoder().decode(p) : String(p)),
      })),
    );
    const result = answer(
      received.length,
      items.map(([h]) => h.type as string),
    );
    if (result instanceof Error) throw result;
    return result;
  };
  const reports = () =>
    received
      .flat()
      .filter((i) => i.type === 'client_report')
      .flatMap((i) => i.payload.discarded_events)
      .reduce((sum: Record<string, number>, d: any) => {
        sum[`${d.reason}:${d.category}`] = (sum[`${d.reason}:${d.category}`] ?? 0) + d.quantity;
        return sum;
      }, {});
  const events = () =>
    received
      .flat()
      .filter((i) => i.type === 'event')
      .map((i) => i.payload);
  return { send, received, reports, events };
}

const event = (message: string): Envelope => ({ headers: {}, items: [[{ type: 'event' }, { message }]] });

function ok(status = 200, headers: Record<string, string> = {}): SendResult {
  return { status, headers: { get: (name) => headers[name] ?? null } };
}

describe('browser transport and client', () => {
  it('counts every dropped event by reason in a client report', async () => {
    const fake = server();
    const transport = createTransport(fake.send, { maxRetries: 0 }, {}, logger);
    const client = createClient(
      { sampleRate: 1, ignoreErrors: ['ignored'], beforeSend: (e) => (e.message === 'drop me' ? null : e) },
      transport,
      [{ name: 'Filter', processEvent: (e) => (e.message === 'filtered' ? null : e) }],
      {},
      logger,
      store(),
    );
    client.captureMessage('sent', 'error');
    client.captureMessage('ignored', 'error');
    client.captureMessage('drop me', 'error');
    client.captureMessage('filtered', 'error');
    const error = new Error('once');
    client.captureException(error);
    client.captureException(error);
    expect(await client.flush(2000)).toBe(true);
    expect(fake.events().map((e) => e.message ?? e.exception.values[0].value)).toEqual(['sent', 'once']);
    expect(fake.reports()).toEqual({ 'event_processor:error': 2, 'before_send:error': 1 });
  });

  it('honours 429 with Retry-After: later events are dropped locally and counted', async () => {
    const fake = server((n) => (n === 1 ? ok(429, { 'retry-after': '60' }) : ok()));
    const transport = createTransport(fake.send, {}, {}, logger);
    transport.send({ headers: {}, items: [[{ type: 'event' }, { message: 'first' }]] });
    await transport.flush(1000);
    expect(transport.wouldDrop?.('error')).toBe('ratelimit_backoff');
    transport.send({ headers: {}, items: [[{ type: 'event' }, { message: 'second' }]] });
    expect(fake.events().map((e) => e.message)).toEqual(['first']);
  });

  it('bounds the queue and retries 5xx and network errors, then counts them', async () => {
    let attempts = 0;
    // Event sends fail by turns with a network error and a 503 (one request at a time, so each
    // event meets the same failure twice); reports go through.
    const fake = server((_, types) =>
      types[0] !== 'event' ? ok() : ++attempts % 2 ? new Error('offline') : ok(503),
    );
    const transport = createTransport(
      fake.send,
      { maxQueueSize: 2, maxRetries: 1, concurrency: 1 },
      {},
      logger,
    );
    for (let i = 0; i < 3; i++)
      transport.send({ headers: {}, items: [[{ type: 'event' }, { message: `m${i}` }]] });
    transport.recordDroppedEvent('sample_rate', 'error');
    expect(await transport.flush(10_000)).toBe(true);
    expect(attempts).toBe(4);
    expect(fake.reports()).toEqual({
      'queue_overflow:error': 1,
      'sample_rate:error': 1,
      'network_error:error': 1,
      'send_error:error': 1,
    });
  });

  it('does not retry a 413 or another 4xx: a 413 is counted, a 429 the server counts itself', async () => {
    const statuses = [413, 429];
    const fake = server((_, types) =>
      types[0] === 'event' ? ok(statuses.shift(), { 'retry-after': '0' }) : ok(),
    );
    const transport = createTransport(fake.send, { concurrency: 1 }, {}, logger);
    transport.send(event('a'));
    transport.send(event('b'));
    expect(await transport.flush(1000)).toBe(true);
    expect(fake.events().map((e) => e.message)).toEqual(['a', 'b']);
    const last = fake.received.at(-1)!;
    expect(last.map((i) => i.type)).toEqual(['client_report']);
    expect(last[0]!.payload.discarded_events).toEqual([
      { reason: 'send_error', category: 'error', quantity: 1 },
    ]);
  });

  it('applies X-Sentry-Rate-Limits from any response, to the categories it names', async () => {
    const fake = server(() => ok(200, { 'x-sentry-rate-limits': '60:error:organization' }));
    const transport = createTransport(fake.send, {}, {}, logger);
    transport.send(event('a'));
    expect(await transport.flush(1000)).toBe(true);
    expect(transport.wouldDrop?.('error')).toBe('ratelimit_backoff');
    transport.send(event('b'));
    expect(await transport.flush(1000)).toBe(true);
    expect(fake.events().map((e) => e.message)).toEqual(['a']);
    expect(fake.reports()).toEqual({ 'ratelimit_backoff:error': 1 });
  });

  it('asks for keepalive for bodies up to 60 KB only', async () => {
    const flags: boolean[] = [];
    const send = async (_body: Uint8Array, keepalive: boolean) => {
      flags.push(keepalive);
      return ok();
    };
    const transport = createTransport(send, { concurrency: 1 }, {}, logger);
    transport.send(event('small'));
    transport.send(event('x'.repeat(70_000)));
    expect(await transport.flush(1000)).toBe(true);
    expect(flags).toEqual([true, false]);
  });

  it('gives up a flush at its deadline, and queues nothing once closed', async () => {
    let calls = 0;
    const transport = createTransport(
      () => {
        calls++;
        return new Promise(() => {});
      },
      {},
      {},
      logger,
    );
    transport.send(event('a'));
    expect(await transport.flush(100)).toBe(false);
    expect(await transport.close(0)).toBe(false);
    transport.send(event('b'));
    expect(calls).toBe(1);
  });

  it('sends linked errors innermost first with chained mechanisms', async () => {
    const fake = server();
    const client = createClient({}, createTransport(fake.send, {}, {}, logger), [], {}, logger, store());
    const root = new Error('root');
    const group = new AggregateError([new TypeError('a'), root], 'group');
    client.captureException(new Error('top', { cause: group }));
    await client.flush(1000);
    const values = fake.events()[0].exception.values;
    expect(values.map((v: any) => v.value)).toEqual(['root', 'a', 'group', 'top']);
    expect(values[3].mechanism).toMatchObject({ type: 'generic', handled: true, exception_id: 0 });
    expect(values[2].mechanism).toMatchObject({
      type: 'chained',
      source: 'cause',
      parent_id: 0,
      is_exception_group: true,
    });
    expect(values[0].mechanism).toMatchObject({ source: 'errors[1]', exception_id: 3, parent_id: 1 });
  });
});

describe('page hide', () => {
  it('counts an envelope that neither a beacon nor an offline queue takes, and reports it', async () => {
    // The page's globals the lifecycle integration listens on; this runtime has no sendBeacon,
    // so every beacon is refused, as the browser refuses one over its quota.
    const page = globalThis as { window?: EventTarget; document?: EventTarget & { hidden?: boolean } };
    page.window = new EventTarget();
    page.document = Object.assign(new EventTarget(), { hidden: false });
    try {
      let release = () => {};
      const fake = server();
      const transport = createTransport(
        (body) =>
          fake.received.length
            ? fake.send(body)
            : new Promise<SendResult>((resolve) => {
                release = () => resolve(fake.send(body));
              }),
        { concurrency: 1 },
        {},
        logger,
        'http://127.0.0.1:9/beacon',
      );
      transport.integration.setup?.({} as never);
      transport.send(event('in flight'));
      transport.send(event('waiting'));
      page.window.dispatchEvent(new Event('pagehide'));
      release();
      expect(await transport.flush(1000)).toBe(true);
      expect(fake.events().map((e) => e.message)).toEqual(['in flight']);
      expect(fake.reports()).toEqual({ 'network_error:error': 1 });
      transport.integration.teardown?.();
    } finally {
      delete page.window;
      delete page.document;
    }
  });
});

describe('offline queue', () => {
  it('sends what an earlier page kept and counts what expired in storage unsent', async () => {
    const page = globalThis as { window?: EventTarget; document?: EventTarget & { hidden?: boolean } };
    page.window = new EventTarget();
    page.document = Object.assign(new EventTarget(), { hidden: false });
    const stored = new Map<string, string>();
    const storage = {
      getItem: (k: string) => stored.get(k) ?? null,
      setItem: (k: string, v: string) => void stored.set(k, v),
      removeItem: (k: string) => void stored.delete(k),
    } as Storage;
    const body = (message: string) =>
      new TextDecoder().decode(serializeEnvelope({ headers: {}, items: [[{ type: 'event' }, { message }]] }));
    stored.set(
      'q',
      JSON.stringify([
        { t: Date.now() - 60_000, b: body('too old') },
        { t: Date.now(), b: body('kept') },
      ]),
    );
    try {
      const fake = server();
      const queue = createOfflineQueue({ key: 'q', storage, maxAgeMs: 30_000 });
      const transport = createTransport(fake.send, {}, {}, logger, undefined, queue);
      transport.integration.setup?.({} as never);
      expect(await transport.flush(1000)).toBe(true);
      expect(fake.events().map((e) => e.message)).toEqual(['kept']);
      expect(fake.reports()).toEqual({ 'queue_overflow:error': 1 });
      transport.integration.teardown?.();
    } finally {
      delete page.window;
      delete page.document;
    }
  });
});

describe('client bounds', () => {
  it('counts events held by hooks that never settle, beyond a bounded number', async () => {
    const fake = server();
    const transport = createTransport(fake.send, {}, {}, logger);
    const client = createClient(
      { beforeSend: () => new Promise(() => {}) },
      transport,
      [{ name: 'Odd', processEvent: () => true as never }],
      {},
      logger,
      store(),
    );
    for (let i = 0; i < 105; i++) client.captureMessage(`m${i}`);
    expect(await client.flush(50)).toBe(false);
    expect(await transport.flush(1000)).toBe(true);
    expect(fake.reports()).toEqual({ 'queue_overflow:error': 5 });
  });
});
