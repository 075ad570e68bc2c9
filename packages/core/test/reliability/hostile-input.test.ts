/**
 * Hostile values thrown or attached by an app, end to end through `createClient` to a real
 * receiver: capture never throws, the app keeps running, and each event is either delivered
 * (a valid envelope under the ingest's 1 MiB limit) or dropped with a count in a client report.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../../../../test-utils/receiver.js';
import { createHarness, dropTotals, type Harness, watchProcessErrors } from './harness.js';

watchProcessErrors();

let receiver: Receiver | undefined;
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.client.close(500);
  await receiver?.close();
  harness = undefined;
  receiver = undefined;
});

const MAX_EVENT_BYTES = 1024 * 1024;

function throwingGetters(): Error {
  const error = new Error('getters throw');
  for (const key of ['stack', 'message', 'name', 'cause', 'errors']) {
    Object.defineProperty(error, key, {
      get() {
        throw new Error(`getter ${key}`);
      },
      enumerable: true,
    });
  }
  return error;
}

function cyclicCauses(): Error {
  const a = new Error('a');
  const b = new Error('b', { cause: a });
  const c = new AggregateError([a, b], 'c', { cause: b });
  (a as { cause?: unknown }).cause = c;
  return c;
}

function deepObject(depth: number): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let node = root;
  for (let i = 0; i < depth; i++) {
    const next: Record<string, unknown> = {};
    node.child = next;
    node = next;
  }
  return root;
}

function hostileProxy(): object {
  return new Proxy(
    {},
    {
      get() {
        throw new Error('proxy get');
      },
      has() {
        throw new Error('proxy has');
      },
      ownKeys() {
        throw new Error('proxy ownKeys');
      },
      getOwnPropertyDescriptor() {
        throw new Error('proxy descriptor');
      },
      getPrototypeOf() {
        throw new Error('proxy prototype');
      },
    },
  );
}

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable(new Error('revoked'), {});
  revoke();
  return proxy;
}

/** Values an app may throw, one per capture. */
const thrown: Array<[string, () => unknown]> = [
  ['an error whose getters throw', throwingGetters],
  ['cyclic causes through AggregateError', cyclicCauses],
  ['a 10 MB message', () => new Error('m'.repeat(10 * 1024 * 1024))],
  ['a 10,000-deep object', () => deepObject(10_000)],
  ['a Proxy whose every trap throws', hostileProxy],
  ['a revoked Proxy', revokedProxy],
  ['a frozen error', () => Object.freeze(new TypeError('frozen'))],
  ['a frozen object', () => Object.freeze({ code: 'E_FROZEN', nested: Object.freeze({ a: 1 }) })],
  ['a string', () => 'plain string'],
  ['a number', () => 42],
  ['null', () => null],
  ['undefined', () => undefined],
  ['a Symbol', () => Symbol('thrown')],
  ['a BigInt', () => 10n ** 30n],
  ['a function', () => function namedThrowable() {}],
  ['an object with a throwing toJSON and toString', () => ({ toJSON: boom, toString: boom, valueOf: boom })],
  ['an error with a huge cause chain', () => chain(10_000)],
  [
    'an error whose stack is not a string',
    () => Object.assign(new Error('odd stack'), { stack: { lines: 1 } }),
  ],
];

function boom(): never {
  throw new Error('boom');
}

function chain(length: number): Error {
  let error = new Error('root');
  for (let i = 0; i < length; i++) error = new Error(`link ${i}`, { cause: error });
  return error;
}

/** Context an app may attach to the scope. */
const context: Array<[string, unknown]> = [
  ['deep', deepObject(10_000)],
  ['proxy', hostileProxy()],
  ['frozen', Object.freeze({ list: Object.freeze([1, 2, 3]) })],
  ['huge', 'h'.repeat(10 * 1024 * 1024)],
  ['getter', Object.defineProperty({}, 'x', { get: boom, enumerable: true })],
];

describe('hostile input through createClient', () => {
  it('never throws into the app; every capture is delivered or counted', async () => {
    receiver = await startReceiver();
    harness = createHarness(receiver.dsn, { maxQueueSize: 100 });
    const { client } = harness;
    const ids: string[] = [];

    for (const [, make] of thrown) {
      const value = make();
      expect(() => ids.push(client.captureException(value))).not.toThrow();
    }
    client.withScope((scope) => {
      for (const [key, value] of context) scope.setExtra(key, value);
      scope.setTag('hostile', 'x'.repeat(100_000));
      scope.setContext('runtime', { nested: hostileProxy(), deep: deepObject(10_000) });
      ids.push(client.captureException(new Error('with hostile context')));
      ids.push(client.captureMessage('m'.repeat(10 * 1024 * 1024)));
      ids.push(client.captureEvent({ message: 'hostile event', extra: { deep: deepObject(10_000) } }));
    });
    // The app keeps running and the SDK keeps working.
    const last = client.captureException(new Error('business as usual'));
    ids.push(last);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);

    expect(await client.flush(10_000)).toBe(true);
    for (const request of receiver.requests) {
      expect(request.envelopeError).toBeUndefined();
      for (const [headers] of request.envelope.items) {
        if (headers.type === 'event') expect(headers.length).toBeLessThanOrEqual(MAX_EVENT_BYTES);
      }
    }
    const delivered = new Set(receiver.events().map((e) => e.event_id));
    expect(delivered.has(last)).toBe(true);
    const counted = Object.entries(dropTotals(receiver.clientReports()))
      .filter(([key]) => key.endsWith(':error'))
      .reduce((sum, [, quantity]) => sum + quantity, 0);
    expect(ids.filter((id) => delivered.has(id)).length + counted).toBe(ids.length);
  });

  // Scope setters copy their argument (`{ ...user }`, `String(value)`); a hostile value must
  // not throw into the app at the call.
  it('scope setters given hostile values do not throw into the app', async () => {
    receiver = await startReceiver();
    harness = createHarness(receiver.dsn);
    const scope = harness.client.getScope();
    expect(() => scope.setUser(hostileProxy() as never)).not.toThrow();
    expect(() => scope.setContext('runtime', hostileProxy() as never)).not.toThrow();
    expect(() => scope.setTags(hostileProxy() as never)).not.toThrow();
    expect(() => scope.setTag('symbol', Symbol('s') as never)).not.toThrow();
    expect(() => scope.setFingerprint(hostileProxy() as never)).not.toThrow();
  });

  it('captureMessage and captureCheckIn given values that cannot be read do not throw into the app', async () => {
    receiver = await startReceiver();
    harness = createHarness(receiver.dsn);
    const { client } = harness;
    const unreadable: unknown[] = [hostileProxy(), Object.create(null), { toString: boom }, Symbol('s')];
    const ids: string[] = [];
    for (const value of unreadable) {
      expect(() => ids.push(client.captureMessage(value as string))).not.toThrow();
      expect(() => ids.push(client.captureCheckIn(value as never))).not.toThrow();
    }
    expect(() => ids.push(client.captureCheckIn(undefined as never))).not.toThrow();
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(await client.flush(5000)).toBe(true);
    // Messages arrive with a placeholder text (repeats of it dropped as duplicates, counted);
    // broken check-ins are counted, never sent.
    const messages = receiver.events().map((e) => e.message);
    expect(messages).toEqual(['[unprintable message]', 'Symbol(s)']);
    expect(receiver.checkIns()).toEqual([]);
    expect(dropTotals(receiver.clientReports())).toEqual({
      'event_processor:error': 2,
      'insufficient_data:monitor': unreadable.length + 1,
    });
    for (const request of receiver.requests) expect(request.envelopeError).toBeUndefined();
  });

  it('an event the app edits into something hostile in beforeSend is still sent safely', async () => {
    receiver = await startReceiver();
    harness = createHarness(
      receiver.dsn,
      {},
      {
        beforeSend: (event) => {
          const cyclic: Record<string, unknown> = { big: 10n };
          cyclic.self = cyclic;
          event.extra = { cyclic, proxy: hostileProxy(), deep: deepObject(10_000) };
          event.tags = { bad: hostileProxy() as never };
          return event;
        },
      },
    );
    const id = harness.client.captureException(new Error('edited'));
    expect(await harness.client.flush(5000)).toBe(true);
    const events = receiver.events();
    const counted = dropTotals(receiver.clientReports());
    expect(events.some((e) => e.event_id === id) || Object.keys(counted).length > 0).toBe(true);
    for (const request of receiver.requests) expect(request.envelopeError).toBeUndefined();
  });
});
