import { afterEach, describe, expect, it } from 'vitest';
import { type Receiver, type ReceiverOptions, startReceiver } from '../../../test-utils/receiver.js';
import { createEventEnvelope, parseEnvelope } from './envelope.js';
import { createFetchExecutor } from './fetch-executor.js';
import { multiplexTransport } from './multiplex.js';
import { createTransport, type Transport } from './transport.js';

const SDK = { name: 'faultline.test', version: '0.0.0' };
const envelope = () =>
  createEventEnvelope(
    {
      event_id: 'd'.repeat(32),
      timestamp: 1_700_000_000,
      platform: 'node',
      level: 'error',
      message: 'm',
      sdk: SDK,
    },
    { sdk: SDK },
  );

const receivers: Receiver[] = [];

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function receiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const started = await startReceiver(options);
  receivers.push(started);
  return started;
}

const to = (server: Receiver): Transport =>
  createTransport({ retryBaseMs: 5 }, createFetchExecutor({ url: `${server.url}/api/1/envelope/` }));

describe('multiplexTransport', () => {
  it('delivers to every transport and records drops on all', async () => {
    const [a, b] = [await receiver(), await receiver()];
    const transport = multiplexTransport([to(a), to(b)]);
    transport.send(envelope());
    transport.recordDroppedEvent('before_send', 'error', 3);
    expect(await transport.flush(5000)).toBe(true);
    for (const server of [a, b]) {
      expect(server.events()).toHaveLength(1);
      expect(server.clientReports().flatMap((r) => r.discarded_events)).toEqual([
        { reason: 'before_send', category: 'error', quantity: 3 },
      ]);
    }
    expect(await transport.close(1000)).toBe(true);
  });

  it('flushes true only when every transport does', async () => {
    const fast = await receiver();
    const slow = await receiver({ respond: () => ({ delayMs: 1000 }) });
    const transport = multiplexTransport([to(fast), to(slow)]);
    transport.send(envelope());
    expect(await transport.flush(100)).toBe(false);
    expect(await transport.flush(5000)).toBe(true);
  });

  it('hands over the pending envelopes of every transport', async () => {
    const hanging = await receiver({ respond: () => ({ hang: true }) });
    const transport = multiplexTransport([to(hanging), to(hanging)]);
    transport.send(envelope());
    const pending = transport.takePending();
    expect(pending.map((bytes) => parseEnvelope(bytes).headers.event_id)).toEqual([
      'd'.repeat(32),
      'd'.repeat(32),
    ]);
  });

  it('keeps going when one transport throws', async () => {
    const server = await receiver();
    const broken: Transport = {
      send: () => {
        throw new Error('send');
      },
      recordDroppedEvent: () => {
        throw new Error('record');
      },
      flush: () => Promise.reject(new Error('flush')),
      close: () => {
        throw new Error('close');
      },
      takePending: () => {
        throw new Error('take');
      },
    };
    const transport = multiplexTransport([broken, to(server)]);
    transport.send(envelope());
    transport.recordDroppedEvent('sample_rate', 'error');
    expect(await transport.flush(5000)).toBe(false);
    expect(server.events()).toHaveLength(1);
    expect(transport.takePending()).toEqual([]);
    expect(await transport.close(1000)).toBe(false);
  });

  it('is a no-op over no transports', async () => {
    const transport = multiplexTransport([]);
    transport.send(envelope());
    expect(await transport.flush(10)).toBe(true);
  });
});
