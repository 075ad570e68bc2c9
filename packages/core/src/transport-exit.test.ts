import { describe, expect, it } from 'vitest';
import { createEventEnvelope, type Envelope, parseEnvelope } from './envelope.js';
import { uuid4 } from './ids.js';
import { createTransport, type TransportExecutor, type TransportResponse } from './transport.js';

// What the exit path takes from the transport: each envelope must reach the receiver once.

const META = { sdk: { name: 'faultline.test', version: '0.0.0' } };

function eventEnvelope(message: string): Envelope {
  return createEventEnvelope(
    { event_id: uuid4(), timestamp: 1, platform: 'node', level: 'error', message, sdk: META.sdk },
    META,
  );
}

const messagesIn = (pending: Uint8Array[]): unknown[] =>
  pending.flatMap((bytes) =>
    parseEnvelope(bytes)
      .items.filter(([h]) => h.type === 'event')
      .map(([, payload]) => (payload as { message?: string }).message),
  );
const typesIn = (pending: Uint8Array[]): string[] =>
  pending.flatMap((bytes) => parseEnvelope(bytes).items.map(([h]) => h.type));

/** An executor whose requests stay unanswered; `write` says which bodies reach the wire. */
function hangingExecutor(write: (body: Uint8Array) => boolean): TransportExecutor {
  return {
    send(body, written) {
      if (write(body)) written?.();
      return new Promise<TransportResponse>(() => undefined);
    },
  };
}

describe('takePending at exit', () => {
  it('leaves out an envelope already written to the network, keeps one not yet written', async () => {
    const transport = createTransport(
      { envelopeMeta: META, concurrency: 2 },
      hangingExecutor((body) => new TextDecoder().decode(body).includes('on the wire')),
    );
    transport.send(eventEnvelope('on the wire'));
    transport.send(eventEnvelope('still connecting'));
    transport.send(eventEnvelope('queued'));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(messagesIn(transport.takePending())).toEqual(['still connecting', 'queued']);
    expect(transport.takePending()).toEqual([]);
  });

  it('sends no client report while reports are rate limited (429 Retry-After)', async () => {
    let answered = 0;
    const transport = createTransport(
      { envelopeMeta: META },
      {
        async send() {
          answered += 1;
          return { status: 429, headers: { 'retry-after': '60' } };
        },
      },
    );
    transport.send(eventEnvelope('limited'));
    expect(await transport.flush(1000)).toBe(true);
    expect(answered).toBe(1);
    transport.recordDroppedEvent('sample_rate', 'error');
    transport.send(eventEnvelope('dropped while limited'));
    expect(typesIn(transport.takePending())).toEqual([]);
  });

  it('hands over the pending client report when nothing limits it', () => {
    const transport = createTransport(
      { envelopeMeta: META },
      hangingExecutor(() => false),
    );
    transport.recordDroppedEvent('sample_rate', 'error');
    expect(typesIn(transport.takePending())).toEqual(['client_report']);
  });
});

describe('takePending with a hand-over (a page going away)', () => {
  const reportsIn = (pending: Uint8Array[]) =>
    pending.flatMap((bytes) =>
      parseEnvelope(bytes)
        .items.filter(([h]) => h.type === 'client_report')
        .flatMap(([, payload]) => (payload as { discarded_events: unknown[] }).discarded_events),
    );

  it('counts a body the hand-over refuses as network_error and reports it with the next one taken', async () => {
    const transport = createTransport(
      { envelopeMeta: META, concurrency: 1 },
      hangingExecutor(() => false),
    );
    transport.send(eventEnvelope('in flight'));
    transport.send(eventEnvelope('refused'));
    transport.send(eventEnvelope('taken'));
    await new Promise((resolve) => setTimeout(resolve, 0));
    const offered: unknown[] = [];
    const taken = transport.takePending((body) => {
      const [message] = messagesIn([body]);
      offered.push(message ?? 'report');
      return message !== 'refused';
    });
    expect(offered).toEqual(['in flight', 'refused', 'taken', 'report']);
    expect(messagesIn(taken)).toEqual(['in flight', 'taken']);
    expect(reportsIn(taken)).toEqual([{ reason: 'network_error', category: 'error', quantity: 1 }]);
  });

  it('keeps a refused report for later instead of losing its counts', async () => {
    const transport = createTransport(
      { envelopeMeta: META },
      hangingExecutor(() => false),
    );
    transport.recordDroppedEvent('sample_rate', 'error', 2);
    expect(transport.takePending(() => false)).toEqual([]);
    expect(reportsIn(transport.takePending())).toEqual([
      { reason: 'sample_rate', category: 'error', quantity: 2 },
    ]);
  });
});

describe('send with bytes serialized earlier', () => {
  it('delivers them as they were but for sent_at, the moment each attempt leaves, with retries', async () => {
    const bodies: Uint8Array[] = [];
    let attempts = 0;
    let clock = Date.parse('2026-03-01T00:00:00.000Z');
    const transport = createTransport(
      { envelopeMeta: META, retryBaseMs: 0, now: () => clock },
      {
        async send(body) {
          bodies.push(body);
          clock += 5000;
          // The first attempt gets no answer (a reset connection): retried.
          if (++attempts === 1) throw new Error('socket hang up');
          return { status: 200, headers: {} };
        },
      },
    );
    const kept = new TextEncoder().encode('{}\n{"type":"event","length":2}\n{}\n');
    transport.send(kept);
    expect(await transport.flush(1000)).toBe(true);
    const text = bodies.map((body) => new TextDecoder().decode(body));
    expect(text).toEqual([
      '{"sent_at":"2026-03-01T00:00:00.000Z"}\n{"type":"event","length":2}\n{}\n',
      '{"sent_at":"2026-03-01T00:00:05.000Z"}\n{"type":"event","length":2}\n{}\n',
    ]);
  });
});
