import type { Envelope, WireEvent } from '@faultline/core';
import { afterEach, expect, it, vi } from 'vitest';
import * as sdk from './index.js';

/** Values an app may pass by mistake, or that break when read. */
const unreadable = (thrown: unknown) =>
  new Proxy(
    {},
    {
      get: () => {
        throw thrown;
      },
      ownKeys: () => {
        throw thrown;
      },
      has: () => {
        throw thrown;
      },
      getPrototypeOf: () => {
        throw thrown;
      },
    },
  );
const VALUES: unknown[] = [
  undefined,
  null,
  0,
  Number.NaN,
  '',
  Symbol('s'),
  10n,
  () => 1,
  unreadable(new Error('read')),
  unreadable(Symbol('read')),
  Object.create(null),
  new Date(Number.NaN),
  {
    toString() {
      throw new Error('toString');
    },
  },
  {
    toJSON() {
      throw new Error('toJSON');
    },
  },
];

afterEach(async () => {
  await sdk.close(0);
  vi.restoreAllMocks();
});

it('options that throw on every read give one message and a disabled SDK, not a throw', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  expect(sdk.init(unreadable(Symbol('unprintable')) as never).enabled).toBe(false);
  expect(sdk.init(unreadable(new Error('getter broke')) as never).enabled).toBe(false);
  // Said when the pipeline, loaded right after `init`, has checked them.
  await vi.waitFor(() => expect(warn).toHaveBeenCalledTimes(2), { timeout: 10_000 });
  expect(warn.mock.calls.map((call) => call.join(' '))).toEqual([
    '[Faultline] SDK disabled: options must be a readable object',
    '[Faultline] SDK disabled: options must be a readable object',
  ]);
  expect(sdk.getClient()?.enabled).toBe(false);
});

it('no public call throws or rejects on hostile values, and the SDK keeps working', async () => {
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  const envelopes: Envelope[] = [];
  sdk.init({
    transport: () => ({
      send: (envelope: Envelope) => void envelopes.push(envelope),
      recordDroppedEvent() {},
      flush: async () => true,
      close: async () => true,
      takePending: () => [],
    }),
  });
  const calls: Record<string, (value: unknown) => unknown> = {
    captureException: (v) => sdk.captureException(v),
    'captureException hint': (v) => sdk.captureException(new Error('with hint'), v as never),
    captureMessage: (v) => sdk.captureMessage(v as never),
    'captureMessage level': (v) => sdk.captureMessage('m', v as never),
    captureEvent: (v) => sdk.captureEvent(v as never),
    'captureEvent fields': (v) =>
      sdk.captureEvent({ message: 'fields', extra: { v }, tags: { v } as never, user: v as never }),
    setUser: (v) => sdk.setUser(v as never),
    setTag: (v) => sdk.setTag(v as never, v as never),
    setContext: (v) => sdk.setContext('c', v as never),
    setExtra: (v) => sdk.setExtra('x', v),
    addBreadcrumb: (v) => sdk.addBreadcrumb(v as never),
    'addBreadcrumb data': (v) => sdk.addBreadcrumb({ message: 'b', data: { v } as never }),
    flush: (v) => sdk.flush(v as never),
  };
  const escaped: string[] = [];
  for (const [name, call] of Object.entries(calls))
    for (const [i, value] of VALUES.entries()) {
      try {
        await call(value);
      } catch (error) {
        escaped.push(`${name} #${i}: ${String(error)}`);
      }
    }
  expect(escaped).toEqual([]);

  // An unreadable hint is left out, not the event.
  sdk.captureException(new Error('unreadable hint'), unreadable(new Error('read')) as never);
  sdk.captureException(new Error('unreadable symbol hint'), unreadable(Symbol('read')) as never);
  await sdk.flush(2000);
  const values = envelopes.map((e) => (e.items[0]![1] as WireEvent).exception?.values?.at(-1)?.value);
  expect(values).toContain('unreadable hint');
  expect(values).toContain('unreadable symbol hint');
  sdk.setUser(null);
  sdk.captureMessage('still working');
  await sdk.flush(2000);
  const last = envelopes.at(-1)!.items[0]![1] as WireEvent;
  expect(last.message).toBe('still working');
});
