import { describe, expect, it } from 'vitest';
import { createCapturedSet } from './captured-set.js';
import { type ClientRuntime, createClient } from './client.js';
import { createStormGuard } from './storm-guard.js';
import { createTestTransport } from './testing/index.js';

const runtime: ClientRuntime = {
  platform: 'node',
  sdk: { name: 'faultline.test', version: '0.0.0' },
  capturedSet: createCapturedSet,
  createStormGuard,
};

function start() {
  const transport = createTestTransport();
  const client = createClient({ transport: () => transport }, runtime);
  const events = () =>
    transport.envelopes.flatMap((e) => e.items.filter(([h]) => h.type === 'event').map(([, p]) => p));
  return { client, events, dropped: transport.dropped };
}

describe('captured set', () => {
  it('an error captured by the app, then again by a handler, is sent once', () => {
    const { client, events } = start();
    const error = new Error('card declined');
    client.captureException(error);
    client.captureException(error, { mechanism: { type: 'express', handled: false } });
    expect(events()).toHaveLength(1);
    client.captureException(new Error('card declined again'));
    expect(events()).toHaveLength(2);
  });

  it('a repeat counted by the storm guard, captured twice, is counted once', async () => {
    const transport = createTestTransport();
    const client = createClient(
      { transport: () => transport, stormGuard: { burst: 1, perSecond: 0 } },
      runtime,
    );
    const fail = () => new TypeError('order failed');
    client.captureException(fail());
    await new Promise((resolve) => setTimeout(resolve, 0));
    const repeat = fail();
    client.captureException(repeat);
    client.captureException(repeat);
    const counted = transport.dropped.filter((d) => d.reason === 'backpressure');
    expect(counted).toEqual([{ reason: 'backpressure', category: 'error', quantity: 1 }]);
  });

  it('leaves nothing the app can see on the error, and runs no trap of a Proxy', () => {
    const { client, events } = start();
    const error = new RangeError('out of stock');
    const keys = Reflect.ownKeys(error);
    client.captureException(error);
    expect(Reflect.ownKeys(error)).toEqual(keys);
    expect(Object.getOwnPropertySymbols(error)).toEqual([]);

    const traps: string[] = [];
    const proxy = new Proxy(new Error('behind a proxy'), {
      defineProperty: (target, key, descriptor) => {
        traps.push(`defineProperty ${String(key)}`);
        return Reflect.defineProperty(target, key, descriptor);
      },
      set: (target, key, value) => {
        traps.push(`set ${String(key)}`);
        return Reflect.set(target, key, value);
      },
      has: (target, key) => {
        traps.push(`has ${String(key)}`);
        return Reflect.has(target, key);
      },
    });
    client.captureException(proxy);
    client.captureException(proxy);
    expect(traps).toEqual([]);
    expect(events()).toHaveLength(2);
  });

  it('marks frozen errors too', () => {
    const { client, events } = start();
    const error = Object.freeze(new Error('frozen'));
    client.captureException(error);
    client.captureException(error);
    expect(events()).toHaveLength(1);
  });

  it('is per client: what one client captured, another still sends', () => {
    const first = start();
    const second = start();
    const error = new Error('shared');
    first.client.captureException(error);
    second.client.captureException(error);
    expect(first.events()).toHaveLength(1);
    expect(second.events()).toHaveLength(1);
  });

  it('answers false for values that are not objects', () => {
    const set = createCapturedSet();
    for (const value of [undefined, null, 0, 'text', Symbol('s'), 10n, true])
      expect(set.has(value)).toBe(false);
    const fn = () => undefined;
    set.add(fn);
    expect(set.has(fn)).toBe(true);
  });
});
