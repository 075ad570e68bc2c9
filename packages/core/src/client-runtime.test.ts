import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient } from './client.js';
import type { Envelope } from './envelope.js';
import { createScope, recordBreadcrumb } from './scope.js';
import type { Transport } from './transport.js';
import type { WireEvent } from './types.js';

const runtime = { platform: 'javascript', sdk: { name: 'faultline.test', version: '0.0.0' } };

function recording() {
  const envelopes: Envelope[] = [];
  const transport: Transport = {
    send: (envelope) => void envelopes.push(envelope),
    recordDroppedEvent() {},
    flush: async () => true,
    close: async () => true,
    takePending: () => [],
  };
  const events = () =>
    envelopes.flatMap((e) => e.items.filter(([h]) => h.type === 'event').map(([, p]) => p as WireEvent));
  return { transport: () => transport, events };
}

afterEach(() => vi.restoreAllMocks());

describe('a capture made before the client existed', () => {
  it('keeps the id it was given as the hint event_id, for every kind of capture', async () => {
    const sink = recording();
    const client = createClient({ transport: sink.transport, dedupe: false }, runtime);
    const [a, b, c] = ['a', 'b', 'c'].map((x) => x.repeat(32)) as [string, string, string];
    expect(client.captureException(new Error('x'), { event_id: a })).toBe(a);
    expect(client.captureMessage('y', 'info', { event_id: b })).toBe(b);
    expect(client.captureEvent({ message: 'z' }, { event_id: c })).toBe(c);
    // Not an id: a new one, as without a hint.
    const fresh = client.captureMessage('w', 'info', { event_id: 'not-an-id' });
    expect(fresh).toMatch(/^[\da-f]{32}$/);
    await client.flush(1000);
    expect(sink.events().map((e) => e.event_id)).toEqual([a, b, c, fresh]);
  });
});

describe('runtime option rules', () => {
  it('checks a runtime option with the shared ones: one message, then its default', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const sink = recording();
    const client = createClient({ transport: sink.transport, filterNoise: 'yes' } as never, {
      ...runtime,
      optionRules: 'filterNoise:b',
    });
    expect(client.enabled).toBe(true);
    expect((client.options as Record<string, unknown>).filterNoise).toBeUndefined();
    expect(warn.mock.calls.map((c) => c.join(' '))).toEqual([
      '[Faultline] option "filterNoise" must be true or false; using its default',
    ]);
  });
});

describe('recordBreadcrumb', () => {
  it('timestamps, filters through beforeBreadcrumb and keeps at most maxBreadcrumbs', () => {
    const scope = createScope();
    const options = {
      maxBreadcrumbs: 2,
      beforeBreadcrumb: (b: { message?: string }) => (b.message === 'drop' ? null : b),
    };
    for (const message of ['one', 'drop', 'two', 'three']) recordBreadcrumb(scope, { message }, options);
    const crumbs = scope.getData().breadcrumbs;
    expect(crumbs.map((b) => b.message)).toEqual(['two', 'three']);
    expect(crumbs.every((b) => typeof b.timestamp === 'number')).toBe(true);
  });

  it("keeps a breadcrumb's own timestamp, stamps one without, and never keeps the caller's object", () => {
    const scope = createScope();
    const given = { message: 'paid', timestamp: 1_700_000_000.5, data: { order: 7 } };
    const before = Date.now() / 1000;
    recordBreadcrumb(scope, given, {});
    recordBreadcrumb(scope, { category: 'console', message: 'no time' }, {});
    const [own, stamped] = scope.getData().breadcrumbs;
    expect(own).toEqual(given);
    expect(own).not.toBe(given);
    expect(own?.data).not.toBe(given.data);
    expect(stamped?.timestamp).toBeGreaterThanOrEqual(before);
    expect(stamped?.timestamp).toBeLessThanOrEqual(Date.now() / 1000);
    expect(Object.keys(stamped ?? {})).toEqual(['timestamp', 'category', 'message']);
  });
});
