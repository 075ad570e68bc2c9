import { afterEach, describe, expect, it } from 'vitest';
import { type Receiver, type ReceiverOptions, startReceiver } from '../../../test-utils/receiver.js';
import { createCheckInEnvelope, createEventEnvelope } from './envelope.js';
import type { Transport } from './transport.js';
import type { WireEvent } from './types.js';
import { createWebhookTransport, slackSummary } from './webhook.js';

const SDK = { name: 'faultline.test', version: '0.0.0' };

const EVENT: WireEvent = {
  event_id: 'a'.repeat(32),
  timestamp: 1_700_000_000,
  platform: 'node',
  level: 'error',
  exception: {
    values: [
      {
        type: 'TypeError',
        value: 'x is <undefined> & broken',
        mechanism: { type: 'generic', handled: true },
      },
    ],
  },
  transaction: 'GET /users/:id',
  release: 'api@1.2.3',
  environment: 'production',
  sdk: SDK,
};

const receivers: Receiver[] = [];
const transports: Transport[] = [];

afterEach(async () => {
  for (const transport of transports.splice(0)) await transport.close(1000);
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function receiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const started = await startReceiver(options);
  receivers.push(started);
  return started;
}

function webhook(options: Parameters<typeof createWebhookTransport>[0]): Transport {
  const transport = createWebhookTransport(options);
  transports.push(transport);
  return transport;
}

describe('createWebhookTransport', () => {
  it('posts each event and check-in as JSON', async () => {
    const server = await receiver();
    const transport = webhook({ url: `${server.url}/hook`, headers: { Authorization: 'Bearer t' } });
    transport.send(createEventEnvelope(EVENT, { sdk: SDK }));
    const checkIn = { check_in_id: 'b'.repeat(32), monitor_slug: 'nightly', status: 'ok' as const };
    transport.send(createCheckInEnvelope(checkIn, { sdk: SDK }));
    expect(await transport.flush(5000)).toBe(true);
    expect(server.requests.map((r) => r.path)).toEqual(['/hook', '/hook']);
    expect(server.requests.map((r) => r.headers['content-type'])).toEqual([
      'application/json',
      'application/json',
    ]);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer t');
    const bodies = server.requests.map((r) => r.json);
    expect(bodies).toContainEqual(EVENT);
    expect(bodies).toContainEqual(checkIn);
  });

  it('posts a Slack-style summary of events', async () => {
    const server = await receiver();
    const transport = webhook({ url: server.url, format: 'slack' });
    transport.send(createEventEnvelope(EVENT, { sdk: SDK }));
    expect(await transport.flush(5000)).toBe(true);
    expect(server.requests[0]?.json).toEqual({
      text: `*[error] TypeError: x is &lt;undefined&gt; &amp; broken* — GET /users/:id — api@1.2.3/production — ${'a'.repeat(32)}`,
    });
  });

  it('delivers through the shared transport policy: a lost connection retried, a 502 not', async () => {
    const server = await receiver({
      respond: () => (server.requests.length === 1 ? { destroy: true } : { status: 502 }),
    });
    const transport = webhook({ url: server.url, transportOptions: { retryBaseMs: 5 } });
    transport.send(createEventEnvelope(EVENT, { sdk: SDK }));
    expect(await transport.flush(5000)).toBe(true);
    expect(server.requests).toHaveLength(2);
    transport.send(createEventEnvelope(EVENT, { sdk: SDK }));
    expect(await transport.flush(5000)).toBe(true);
    expect(server.requests).toHaveLength(3);
  });

  it('posts nothing for envelopes without events or check-ins', async () => {
    const server = await receiver();
    const transport = webhook({ url: server.url });
    transport.recordDroppedEvent('sample_rate', 'error');
    expect(await transport.flush(5000)).toBe(true);
    expect(server.requests).toHaveLength(0);
  });
});

describe('slackSummary', () => {
  it('summarizes a message event, leaving out what it lacks', () => {
    expect(slackSummary({ level: 'warning', message: 'disk almost full', event_id: 'c'.repeat(32) })).toBe(
      `*[warning] disk almost full* — ${'c'.repeat(32)}`,
    );
    expect(slackSummary({})).toBe('*[error] Event*');
    expect(slackSummary({ release: '1.0' })).toBe('*[error] Event* — 1.0/-');
  });
});
