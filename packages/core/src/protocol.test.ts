import { describe, expect, it, vi } from 'vitest';
import { createLogger } from './logger.js';
import { normalizeEvent, normalizeEventEssentials, toLevel, wellFormed } from './protocol.js';
import { sanitizeEvent } from './sanitize.js';
import { createSanitizeMemory } from './sanitize-memory.js';
import { testEvent } from './test-events.js';
import type { FaultlineEvent, WireEvent } from './types.js';

const base = (extra: Record<string, unknown> = {}): WireEvent =>
  ({
    event_id: 'a'.repeat(32),
    timestamp: 1_700_000_000.5,
    platform: 'node',
    level: 'error',
    sdk: { name: 'faultline.test', version: '0.0.0' },
    ...extra,
  }) as WireEvent;

describe('toLevel', () => {
  it('maps level names as Relay reads them, anything else to error', () => {
    expect(['fatal', 'error', 'warning', 'info', 'debug'].map(toLevel)).toEqual([
      'fatal',
      'error',
      'warning',
      'info',
      'debug',
    ]);
    expect(['log', 'critical', 'warn'].map(toLevel)).toEqual(['info', 'fatal', 'warning']);
    expect(['loud', 'ERROR', undefined, 3, 'constructor', {}].map(toLevel)).toEqual(Array(6).fill('error'));
  });
});

describe('normalizeEvent', () => {
  it('keeps a 40-character tag key whole and replaces characters the ingest refuses in keys', () => {
    const key = 'http.response.status_code.category.extra';
    expect(key).toHaveLength(40);
    const out = normalizeEvent(base({ tags: { [key]: '5xx', 'a b/c': 'x', ['k'.repeat(250)]: 'long' } }));
    expect(out.tags).toEqual({ [key]: '5xx', a_b_c: 'x', ['k'.repeat(200)]: 'long' });
    for (const name of Object.keys(out.tags ?? {})) expect(name).toMatch(/^[a-zA-Z0-9_.:-]{1,200}$/);
  });

  it('sends a tag named __proto__ as a tag, without touching any prototype', () => {
    const out = normalizeEvent(base({ tags: JSON.parse('{"__proto__": "x", "plan": "pro"}') }));
    expect(Object.hasOwn(out.tags ?? {}, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(out.tags)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(out)).tags).toEqual(JSON.parse('{"__proto__": "x", "plan": "pro"}'));
    expect(({} as Record<string, unknown>).plan).toBeUndefined();
  });

  it('drops tags with empty values and says so in debug mode', () => {
    const logger = createLogger(true);
    const debug = vi.spyOn(logger, 'debug').mockImplementation(() => {});
    const out = normalizeEvent(base({ tags: { empty: '', blank: '   ', kept: 'v', line: 'a\nb' } }), logger);
    expect(out.tags).toEqual({ kept: 'v', line: 'a b' });
    expect(debug.mock.calls.map((call) => String(call[0]))).toEqual([
      'tag empty dropped: empty',
      'tag blank dropped: empty',
    ]);
  });

  it('replaces lone surrogates in every string and key, keeps pairs', () => {
    const out = normalizeEvent(
      base({
        message: 'lone \ud800 high, lone \udc00 low, pair 😀',
        extra: { 'k\ud83d': ['x\udfff'] },
        breadcrumbs: { values: [{ message: '\ud800' }] },
      }),
    );
    expect(out.message).toBe('lone \ufffd high, lone \ufffd low, pair 😀');
    expect(out.extra).toEqual({ 'k\ufffd': ['x\ufffd'] });
    expect(out.breadcrumbs?.values[0]?.message).toBe('\ufffd');
    expect(JSON.stringify(out)).not.toMatch(/\\ud[89a-f]/i);
  });

  it('maps levels of the event and its breadcrumbs', () => {
    const out = normalizeEvent(
      base({ level: 'critical', breadcrumbs: { values: [{ level: 'log' }, { level: 'nope' }, {}] } }),
    );
    expect(out.level).toBe('fatal');
    expect(out.breadcrumbs?.values.map((c) => c.level)).toEqual(['info', 'error', undefined]);
  });

  it('turns millisecond timestamps into seconds, on the event and its breadcrumbs', () => {
    const ms = 1_700_000_000_123;
    const out = normalizeEvent(
      base({ timestamp: ms, breadcrumbs: { values: [{ timestamp: ms }, { timestamp: 1_700_000_000 }] } }),
    );
    expect(out.timestamp).toBeCloseTo(1_700_000_000.123, 6);
    expect(out.breadcrumbs?.values.map((c) => c.timestamp)).toEqual([1_700_000_000.123, 1_700_000_000]);
    expect(normalizeEvent(base({ timestamp: 'soon' })).timestamp).toBeGreaterThan(1_700_000_000);
  });

  it('cleans release and environment as Sentry validates them', () => {
    const out = normalizeEvent(base({ release: ' web/app\n1.0\t ', environment: 'prod/eu' }));
    expect(out.release).toBe('web-app-1.0');
    expect(out.environment).toBe('prod-eu');
    for (const [release, environment] of [
      ['.', '..'],
      ['latest', 'None'],
      ['', '   '],
    ]) {
      const bad = normalizeEvent(base({ release, environment }));
      expect(bad).not.toHaveProperty('release');
      expect(bad).not.toHaveProperty('environment');
    }
    const long = normalizeEvent(base({ release: 'é'.repeat(150), environment: 'e'.repeat(70) }));
    expect(new TextEncoder().encode(long.release).length).toBe(200);
    expect(long.environment).toHaveLength(64);
  });

  it('fixes or drops wrongly typed fields of well-known contexts and keeps custom ones', () => {
    const out = normalizeEvent(
      base({
        contexts: {
          device: { memory_size: '2048', processor_count: 3.6, simulator: 'no', arch: { x: 1 }, cpus: [1] },
          os: { name: 'Linux', version: 6 },
          trace: { trace_id: 'nope' },
          spans: { type: 'trace', trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16) },
          custom: { memory_size: 'lots' },
        },
      }),
    );
    expect(out.contexts).toEqual({
      device: { memory_size: 2048, processor_count: 4, cpus: [1] },
      os: { name: 'Linux', version: '6' },
      spans: { type: 'trace', trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16) },
      custom: { memory_size: 'lots' },
    });
  });

  it('never throws, and leaves the caller’s event as it was', () => {
    const event = base({ tags: { a: '' }, level: 'log' });
    normalizeEvent(event);
    expect(event.tags).toEqual({ a: '' });
    expect(event.level).toBe('log');
    const nested = base({
      breadcrumbs: { values: [{ timestamp: 1_700_000_000_000, level: 'warn' }] },
      contexts: { os: { name: 'Linux', version: 6 } },
    });
    const out = normalizeEvent(nested);
    expect(out.breadcrumbs?.values[0]).toEqual({ timestamp: 1_700_000_000, level: 'warning' });
    expect(out.contexts?.os).toEqual({ name: 'Linux', version: '6' });
    expect(nested.breadcrumbs?.values[0]).toEqual({ timestamp: 1_700_000_000_000, level: 'warn' });
    expect(nested.contexts?.os).toEqual({ name: 'Linux', version: 6 });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => normalizeEvent(base({ extra: cyclic }))).not.toThrow();
  });
});

describe('normalizeEvent on parts the sanitizer remembered', () => {
  const memory = createSanitizeMemory();
  /** Sanitized with the memory, as the client does: repeated parts come back shared and frozen. */
  const wire = (extra: Partial<FaultlineEvent>) => sanitizeEvent(testEvent(extra), {}, memory);
  const contexts = () => ({
    device: { memory_size: '2048', processor_count: 3.6, simulator: 'no', arch: 'x64' },
    os: { name: 'Linux', version: 6 },
    trace: { trace_id: 'nope' },
    custom: { memory_size: 'lots' },
  });
  const typed = {
    device: { memory_size: 2048, processor_count: 4, arch: 'x64' },
    os: { name: 'Linux', version: '6' },
    custom: { memory_size: 'lots' },
  };

  it('types remembered contexts once and hands the same frozen result to later events', () => {
    const [a, b] = [wire({ contexts: contexts() }), wire({ contexts: contexts() })];
    expect(b.contexts).toBe(a.contexts);
    const first = normalizeEvent(a, undefined, memory);
    const second = normalizeEvent(b, undefined, memory);
    // What an event gets without the memory.
    expect(first.contexts).toEqual(
      normalizeEvent(sanitizeEvent(testEvent({ contexts: contexts() }))).contexts,
    );
    expect(first.contexts).toEqual(typed);
    expect(second.contexts).toBe(first.contexts);
    expect(Object.isFrozen(second.contexts) && Object.isFrozen(second.contexts?.device)).toBe(true);
    expect(a.contexts?.device?.memory_size).toBe('2048');
  });

  it('never serves one part’s result for other data, nor for a part it does not know', () => {
    normalizeEvent(wire({ contexts: contexts() }), undefined, memory);
    // Other data (the next second's memory figures): its own result.
    const changed = wire({ contexts: { ...contexts(), device: { memory_size: '4096' } } });
    expect(normalizeEvent(changed, undefined, memory).contexts?.device).toEqual({ memory_size: 4096 });
    // A part the memory does not know (changed after sanitizing) is typed on its own, in a copy.
    const open = { ...wire({ contexts: contexts() }), contexts: contexts() } as WireEvent;
    const out = normalizeEvent(open, undefined, memory);
    expect(out.contexts).toEqual(typed);
    (open.contexts as ReturnType<typeof contexts>).os.version = 7;
    expect(normalizeEvent(open, undefined, memory).contexts?.os).toEqual({ name: 'Linux', version: '7' });
    expect(out.contexts?.os).toEqual({ name: 'Linux', version: '6' });
  });

  it('copies only the breadcrumbs it changes, leaving remembered ones shared and untouched', () => {
    const breadcrumbs = () => [
      { timestamp: 1_700_000_000.25, level: 'info' as const, message: 'kept' },
      { timestamp: 1_700_000_000_000, message: 'in milliseconds' },
      { message: 'no time' },
    ];
    const event = wire({ breadcrumbs: breadcrumbs() });
    const crumbs = event.breadcrumbs?.values ?? [];
    expect(Object.isFrozen(crumbs[1])).toBe(true);
    const out = normalizeEvent(event, undefined, memory);
    expect(out.breadcrumbs?.values).toEqual([
      { timestamp: 1_700_000_000.25, level: 'info', message: 'kept' },
      { timestamp: 1_700_000_000, message: 'in milliseconds' },
      { message: 'no time' },
    ]);
    expect(out.breadcrumbs?.values[0]).toBe(crumbs[0]);
    expect(out.breadcrumbs?.values[2]).toBe(crumbs[2]);
    expect(crumbs[1]?.timestamp).toBe(1_700_000_000_000);
    // Nothing to change: the remembered breadcrumbs themselves are sent.
    const valid = wire({ breadcrumbs: [{ timestamp: 1_700_000_000, level: 'error' }] });
    expect(normalizeEvent(valid, undefined, memory).breadcrumbs?.values[0]).toBe(
      valid.breadcrumbs?.values[0],
    );
  });
});

describe('normalizeEventEssentials', () => {
  it('applies levels, timestamps and tags in place, for the browser', () => {
    const event = base({ level: 'log', timestamp: 1_700_000_000_000, tags: { 'a b': '1', e: '' } });
    expect(normalizeEventEssentials(event)).toBe(event);
    expect(event).toMatchObject({ level: 'info', timestamp: 1_700_000_000, tags: { a_b: '1' } });
  });
});

describe('wellFormed', () => {
  it('copies JSON values, replacing lone surrogates', () => {
    expect(wellFormed({ a: ['\ud800', 1, null, true], '\udc00': { b: 'ok' } })).toEqual({
      a: ['\ufffd', 1, null, true],
      '\ufffd': { b: 'ok' },
    });
  });
});
