import { close, init } from '@faultline/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../../../test-utils/receiver.js';
import { heartbeat, withMonitor } from '../src/index.js';

let receiver: Receiver;

beforeEach(async () => {
  receiver = await startReceiver();
  init({ dsn: receiver.dsn, captureUnhandled: false, breadcrumbs: { console: false } });
});

afterEach(async () => {
  await close(2000);
  await receiver.close();
});

const throwingProxy = (): object =>
  new Proxy(
    {},
    {
      get() {
        throw new Error('trap');
      },
    },
  );

const SLUGS: Array<[string, unknown]> = [
  [
    'a slug whose toString throws',
    {
      toString: () => {
        throw new Error('no string');
      },
    },
  ],
  ['a Proxy slug', throwingProxy()],
  ['a Symbol slug', Symbol('job')],
  ['an undefined slug', undefined],
];

const THROWN: Array<[string, unknown]> = [
  ['undefined', undefined],
  ['a Symbol', Symbol('failed')],
  ['a BigInt', 10n],
  ['a function', function failed() {}],
  ['a Proxy', throwingProxy()],
];

describe('withMonitor given hostile input', () => {
  for (const [name, slug] of SLUGS) {
    it(`${name}: the job still runs once and its value comes back`, () => {
      let runs = 0;
      expect(withMonitor(slug as string, () => ++runs)).toBe(1);
      expect(runs).toBe(1);
      expect(() => heartbeat(slug as string)).not.toThrow();
    });
  }

  for (const [name, value] of THROWN) {
    it(`a job that throws ${name}: the same value is rethrown, sync or async`, async () => {
      let caught: unknown = 'nothing';
      try {
        withMonitor('throws-non-error', () => {
          throw value;
        });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBe(value);
      await expect(withMonitor('rejects-non-error', () => Promise.reject(value))).rejects.toBe(value);
    });
  }

  it('a job returning an object whose then cannot be read: the same object comes back, ok check-in', async () => {
    const result = throwingProxy();
    expect(withMonitor('unreadable-result', () => result)).toBe(result);
    await close(2000);
    const statuses = receiver.checkIns().filter((c) => c.monitor_slug === 'unreadable-result');
    expect(statuses.map((c) => c.status)).toEqual(['in_progress', 'ok']);
  });

  it('a job returning a rejected thenable: error check-in, the reason rethrown', async () => {
    const reason = new Error('thenable rejected');
    // biome-ignore lint/suspicious/noThenProperty: a non-native thenable is what this test is about
    const thenable = { then: (_: unknown, reject: (e: unknown) => void) => reject(reason) };
    await expect(withMonitor('thenable-job', () => thenable)).rejects.toBe(reason);
    await close(2000);
    const statuses = receiver.checkIns().filter((c) => c.monitor_slug === 'thenable-job');
    expect(statuses.map((c) => c.status)).toEqual(['in_progress', 'error']);
  });
});
