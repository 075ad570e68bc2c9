// Huge values through every public call: what the SDK keeps and sends is bounded by its limits
// (keys per object, string length, event size), whatever the app hands over. The time these
// calls take is reported by bench/bounded-input.mjs, not asserted here.
import { createTestTransport, type TestTransport } from '@faultline/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addBreadcrumb,
  captureEvent,
  captureException,
  captureMessage,
  close,
  getClient,
  init,
  setContext,
  setExtra,
  setTag,
  setTags,
  setUser,
  withScope,
} from '../src/index.js';

const MiB = 1024 * 1024;
const EVENT_LIMIT = MiB;
const MAX_STRING = 16_384;
// What the scope keeps of a string: the event's limit and the 4 KiB the scrubber scans past it.
const MAX_COPIED_STRING = MAX_STRING + 4_096;
// 100 kept, one saying how many more, and the few keys this test sets by name beside them.
const MAX_KEYS = 110;

const typed = new Uint8Array(50 * MiB);
const buffer = Buffer.alloc(50 * MiB);
const bigArray = new Array<number>(1_000_000).fill(7);
const bigString = 'x'.repeat(10_000_000);
let manyKeys: Record<string, number>;

let transport: TestTransport;
beforeAll(() => {
  manyKeys = {};
  for (let i = 0; i < 1_000_000; i++) manyKeys[`k${i}`] = i;
  transport = createTestTransport();
  init({
    dsn: 'https://public@example.invalid/1',
    transport: () => transport,
    dedupe: false,
    stormGuard: false,
  });
});
afterAll(async () => {
  await close(0);
});

/**
 * Every object in `value` has at most MAX_KEYS keys and every string at most `maxString` chars.
 * A typed array is one value: the scope may hold the app's own (no copy), and an event shows it
 * as `[Uint8Array(n)]`.
 */
function expectBounded(value: unknown, path = '$', maxString = MAX_STRING): void {
  if (ArrayBuffer.isView(value)) return;
  if (typeof value === 'string') {
    expect(value.length, path).toBeLessThanOrEqual(maxString);
  } else if (Array.isArray(value)) {
    expect(value.length, path).toBeLessThanOrEqual(MAX_KEYS);
    for (const [i, item] of value.entries()) expectBounded(item, `${path}[${i}]`, maxString);
  } else if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value);
    expect(keys.length, path).toBeLessThanOrEqual(MAX_KEYS);
    for (const key of keys)
      expectBounded((value as Record<string, unknown>)[key], `${path}.${key}`, maxString);
  }
}

/** The one event the call sent: within the ingest's size limit and bounded everywhere. */
function lastEvent(before: number) {
  const sent = transport.raw.slice(before);
  expect(sent.length).toBeGreaterThan(0);
  for (const bytes of sent) expect(bytes.byteLength).toBeLessThanOrEqual(EVENT_LIMIT);
  const event = transport.events().at(-1);
  expectBounded(event);
  return event;
}

/** What the scope keeps: bounded too, so that no later event pays for the huge value again. */
function expectScopeBounded(): void {
  expectBounded(getClient()?.getScope().getData(), '$', MAX_COPIED_STRING);
}

const VALUES: Array<[string, () => unknown]> = [
  ['a 50 MiB typed array', () => typed],
  ['a 50 MiB Buffer', () => buffer],
  ['a 1e6-item array', () => bigArray],
  ['a 1e6-key object', () => manyKeys],
  ['a 10 MB string', () => bigString],
];

describe('every public call stays bounded by the SDK limits, not by the input', () => {
  it.each(VALUES)('captureException of %s', (_name, value) => {
    const before = transport.raw.length;
    captureException(value());
    const event = lastEvent(before);
    expect(event?.exception?.values.at(-1)?.value?.length).toBeLessThanOrEqual(8192);
  });

  it('captureException of an error carrying huge properties and a huge message', () => {
    const error = Object.assign(new Error(bigString), { payload: typed, keys: manyKeys, text: bigString });
    const before = transport.raw.length;
    captureException(error);
    lastEvent(before);
  });

  it('captureMessage of a 10 MB string', () => {
    const before = transport.raw.length;
    captureMessage(bigString);
    expect(lastEvent(before)?.message?.length).toBeLessThanOrEqual(8192);
  });

  it('captureEvent with huge tags, extra, contexts and message', () => {
    const before = transport.raw.length;
    captureEvent({
      message: bigString,
      tags: manyKeys,
      extra: { keys: manyKeys, typed, text: bigString },
      contexts: { big: manyKeys, typed: { typed } },
    });
    lastEvent(before);
  });

  it.each(VALUES)(
    'scope setters given %s keep a bounded copy, and the next event is bounded',
    (_n, value) => {
      const v = value();
      setUser(v as never);
      setUser({ id: bigString, data: v } as never);
      setTag('big', bigString);
      setTags(v as never);
      setContext('big', v as never);
      setContext('nested', { inner: v } as never);
      setExtra('big', v);
      expectScopeBounded();
      const before = transport.raw.length;
      captureException(new Error('after the setters'));
      lastEvent(before);
    },
  );

  it.each(VALUES)('addBreadcrumb given %s keeps a bounded breadcrumb', (_n, value) => {
    const v = value();
    addBreadcrumb({ message: bigString, data: { v, text: bigString } });
    addBreadcrumb({ data: v as never });
    addBreadcrumb(v as never);
    expectScopeBounded();
    const before = transport.raw.length;
    captureException(new Error('after the breadcrumbs'));
    lastEvent(before);
  });

  it('withScope with huge values set inside', () => {
    const before = transport.raw.length;
    withScope((scope) => {
      scope.setContext('big', manyKeys).setUser({ id: bigString }).setExtra('typed', typed);
      expectBounded(scope.getData(), '$', MAX_COPIED_STRING);
      captureException(new Error('in the scope'));
    });
    lastEvent(before);
  });

  it('a string or typed array given where an object belongs is kept whole-valued, not split up', () => {
    setContext('str', 'abc' as never);
    setContext('typed', new Uint8Array(4) as never);
    const contexts = getClient()?.getScope().getData().contexts;
    expect(contexts?.str).toEqual({ value: 'abc' });
    expect(Object.keys(contexts?.typed ?? {})).toEqual(['value']);
  });
});
