import { describe, expect, it } from 'vitest';
import { type ClientRuntime, createClient } from './client.js';
import type { Envelope } from './envelope.js';
import { createStormGuard, issueKey, type StormGuardOptions } from './storm-guard.js';
import type { Transport } from './transport.js';
import type { WireEvent } from './types.js';

const runtime: ClientRuntime = {
  platform: 'node',
  sdk: { name: 'faultline.test', version: '0.0.0' },
  createStormGuard,
};

function recordingClient(stormGuard?: false | StormGuardOptions) {
  const envelopes: Envelope[] = [];
  const drops = new Map<string, number>();
  const transport: Transport = {
    send: (envelope) => void envelopes.push(envelope),
    recordDroppedEvent: (reason, category, quantity = 1) =>
      void drops.set(`${reason}:${category}`, (drops.get(`${reason}:${category}`) ?? 0) + quantity),
    flush: async () => true,
    close: async () => true,
    takePending: () => [],
  };
  const options = stormGuard === undefined ? {} : { stormGuard };
  const client = createClient({ transport: () => transport, ...options }, runtime);
  const events = () =>
    envelopes.flatMap((e) => e.items.filter(([h]) => h.type === 'event').map(([, p]) => p as WireEvent));
  return { client, drops, events };
}

function failAt(n: number): Error {
  return new TypeError(`order ${n} failed`);
}
function failElsewhere(n: number): Error {
  return new TypeError(`order ${n} failed`);
}

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('storm guard', () => {
  it('keys an issue by type and top in-app frame, not by message', () => {
    expect(issueKey(failAt(1))).toBe(issueKey(failAt(2)));
    expect(issueKey(failAt(1))).not.toBe(issueKey(failElsewhere(1)));
    expect(issueKey(new RangeError('x'))).not.toBe(issueKey(new TypeError('x')));
    expect(issueKey('a string')).toBe(issueKey('another'));
  });

  it('sends a burst of one issue, counts the rest, and the next event carries how many', async () => {
    let t = 1_000_000;
    const guard = createStormGuard({ burst: 3, perSecond: 1, perTask: 100, now: () => t });
    const admitted = [];
    for (let i = 0; i < 1000; i++) admitted.push(guard.admit(failAt(i)));
    expect(admitted.filter(Boolean)).toHaveLength(3);
    expect(admitted.slice(0, 3)).toEqual([{ suppressed: 0 }, { suppressed: 0 }, { suppressed: 0 }]);
    await nextTask();
    t += 1000; // one second later: one more token
    expect(guard.admit(failAt(5000))).toEqual({
      suppressed: 997,
      since: new Date(1_000_000).toISOString(),
    });
    expect(guard.admit(failAt(5001))).toBeUndefined();
    // Another issue has a burst of its own.
    expect(guard.admit(failElsewhere(1))).toEqual({ suppressed: 0 });
  });

  it('builds at most perTask events per synchronous run, over all issues', async () => {
    const guard = createStormGuard({ burst: 1000, perTask: 5 });
    const errors = Array.from({ length: 50 }, (_, i) => new Error(`e${i}`));
    expect(errors.map((e) => guard.admit(e)).filter(Boolean)).toHaveLength(5);
    await nextTask();
    expect(errors.map((e) => guard.admit(e)).filter(Boolean)).toHaveLength(5);
  });

  it('in a client: every capture of a storm is sent or counted, and the count reaches the backend', async () => {
    let t = 5_000_000;
    const { client, drops, events } = recordingClient({ now: () => t });
    for (let i = 0; i < 10_000; i++) client.captureException(failAt(i));
    const sent = events();
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.length).toBeLessThanOrEqual(25);
    expect(sent.length + (drops.get('backpressure:error') ?? 0)).toBe(10_000);
    // The next capture after the burst's rate allows one more: it says how many were counted.
    await nextTask();
    t += 1000;
    client.captureException(failAt(-1));
    const last = events().at(-1);
    expect(events()).toHaveLength(sent.length + 1);
    expect(last?.contexts?.repeats).toMatchObject({ suppressed: 10_000 - sent.length });
  });

  it('is off with stormGuard: false', () => {
    const { client, events } = recordingClient(false);
    for (let i = 0; i < 40; i++) client.captureException(failAt(i));
    expect(events()).toHaveLength(40);
  });
});

describe('storm guard and users', () => {
  it('counts one user repeating an error, but builds the same error for many users', async () => {
    const { client, drops, events } = recordingClient({ burst: 2, perSecond: 0, perTask: 100 });
    // One user in a loop: the burst, then counted.
    for (let n = 0; n < 5; n++) {
      client.withScope((scope) => {
        scope.setUser({ id: 'looping' });
        client.captureException(failAt(n));
      });
      await nextTask();
    }
    expect(events()).toHaveLength(2);
    expect(drops.get('backpressure:error')).toBe(3);
    // Many users at once: an outage whose reach must be counted, one event each.
    for (let n = 0; n < 5; n++) {
      client.withScope((scope) => {
        scope.setUser({ id: `user-${n}` });
        client.captureException(failAt(n));
      });
      await nextTask();
    }
    expect(events().map((e) => e.user?.id)).toEqual([
      'looping',
      'looping',
      'user-0',
      'user-1',
      'user-2',
      'user-3',
      'user-4',
    ]);
  });
});

describe('storm guard issue keys of repeats', () => {
  it('one stack text thrown as two types is two issues, and each repeat is counted', () => {
    const stack = new Error('x').stack ?? '';
    const thrown = (name: string) => ({ name, message: 'x', stack });
    const guard = createStormGuard({ burst: 1, perSecond: 0, perTask: 100, now: () => 0 });
    expect(guard.admit(thrown('RangeError'))).toEqual({ suppressed: 0 });
    expect(guard.admit(thrown('RangeError'))).toBeUndefined();
    expect(guard.admit(thrown('TypeError'))).toEqual({ suppressed: 0 });
    expect(guard.admit(thrown('TypeError'))).toBeUndefined();
    expect(guard.admit(thrown('RangeError'))).toBeUndefined();
  });
});
