import type { FaultlineEvent } from '@faultline/core';
import { normalizeEventEssentials } from '@faultline/core/protocol';
import { describe, expect, it } from 'vitest';
import { type Bounds, clean, MAX_EVENT_BYTES, sanitizeEvent, truncate } from './sanitize.js';

/** Depth, breadth, string length, values in all. */
const BOUNDS: Bounds = [4, 3, 10, 1000];

function event(extra: Partial<FaultlineEvent> = {}): FaultlineEvent {
  return {
    event_id: 'f'.repeat(32),
    timestamp: 1,
    platform: 'javascript',
    level: 'error',
    contexts: {},
    tags: {},
    extra: {},
    breadcrumbs: [],
    sdk: { name: 'faultline.browser', version: '0.0.0' },
    ...extra,
  };
}

describe('clean: bounded, JSON-safe, scrubbed copies', () => {
  it('bounds depth, breadth (keeping the newest items) and string length', () => {
    expect(clean({ a: { b: { c: { d: { e: 1 } } } } }, BOUNDS)).toEqual({
      a: { b: { c: { d: '[Object]' } } },
    });
    expect(clean([1, 2, 3, 4, 5], BOUNDS)).toEqual(['[2 more items]', 3, 4, 5]);
    expect(clean({ a: 1, b: 2, c: 3, d: 4 }, BOUNDS)).toEqual({ a: 1, b: 2, c: 3, '…': '[1 more keys]' });
    expect(clean('abcdefghijklmnop', BOUNDS)).toBe('abcdefghi…');
    expect(truncate('abcdefgh😀x', 10)).toBe('abcdefgh…');
  });

  it('marks cycles, special values, throwing getters, and stops at the node budget', () => {
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic.self = cyclic;
    expect(clean(cyclic, BOUNDS)).toEqual({ name: 'x', self: '[Circular]' });
    const hostile = {
      get boom() {
        throw new Error('no');
      },
    };
    expect(clean({ n: Number.NaN, f() {}, u: undefined, d: new Date(0), hostile }, [4, 9, 30, 1000])).toEqual(
      {
        n: '[NaN]',
        f: '[Function: f]',
        d: '1970-01-01T00:00:00.000Z',
        hostile: { boom: '[Threw]' },
      },
    );
    expect(
      JSON.stringify(
        clean(
          Array.from({ length: 50 }, () => [1, 2, 3]),
          [4, 50, 10, 20],
        ),
      ),
    ).toContain('[Truncated]');
    const error = clean(new Error('bad'), [4, 3, 100, 1000]) as Record<string, unknown>;
    expect(error).toMatchObject({ name: 'Error', message: 'bad' });
  });

  it('filters values under sensitive keys and secrets in strings, keys and card-number numbers', () => {
    expect(
      clean(
        { password: 'x', token: null, ok: true, card: 4111111111111111, note: 'mail a@b.co' },
        [4, 9, 50, 1000],
      ),
    ).toEqual({ password: '[Filtered]', token: null, ok: true, card: '[Filtered]', note: 'mail [email]' });
    const proto = clean(JSON.parse('{"__proto__": {"polluted": 1}}'), BOUNDS) as Record<string, unknown>;
    expect(Object.keys(proto)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('sanitizeEvent', () => {
  it('applies field limits and sends user PII only with sendDefaultPii', () => {
    // As the client sends it: sanitized, then the protocol step.
    const wire = normalizeEventEssentials(
      sanitizeEvent(
        event({
          environment: 'e'.repeat(100),
          tags: { line: 'a\nb', session_id: 'abc' },
          user: { id: 7, email: 'jane@example.com', username: 'jane' },
        }),
      ),
    );
    // The ingest's limit is 64 bytes of UTF-8 (the cut's ellipsis counts 3).
    expect(new TextEncoder().encode(wire.environment).length).toBeLessThanOrEqual(64);
    expect(wire.environment).toMatch(/^e{60,}/);
    expect(wire.tags).toEqual({ line: 'a b', session_id: '[Filtered]' });
    expect(wire.user).toEqual({ id: 7 });
    const pii = sanitizeEvent(event({ user: { id: 7, email: 'jane@example.com' } }), {
      sendDefaultPii: true,
    });
    expect(pii.user).toEqual({ id: 7, email: 'jane@example.com' });
  });

  it('fits an event under the size limit, dropping breadcrumbs and extra data first', () => {
    const big = 'x'.repeat(8000);
    const wire = sanitizeEvent(
      event({
        message: 'kept',
        breadcrumbs: Array.from({ length: 100 }, () => ({ message: big })),
        extra: { blob: Array.from({ length: 100 }, () => big) },
        contexts: { app: { blob: Array.from({ length: 100 }, () => big) } },
      }),
    );
    expect(new TextEncoder().encode(JSON.stringify(wire)).length).toBeLessThanOrEqual(MAX_EVENT_BYTES);
    expect(wire.message).toBe('kept');
    expect(wire.breadcrumbs).toBeUndefined();
    expect(wire.extra).toBeUndefined();
  });

  it('repairs what beforeSend may have broken', () => {
    const wire = normalizeEventEssentials(
      sanitizeEvent({
        ...event(),
        event_id: 'nope',
        level: 'loud' as never,
        timestamp: 'now' as never,
      }),
    );
    expect(wire.event_id).toMatch(/^[\da-f]{32}$/);
    expect(wire.level).toBe('error');
    expect(typeof wire.timestamp).toBe('number');
  });
});
