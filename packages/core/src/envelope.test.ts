import { describe, expect, it } from 'vitest';
import {
  addItemToEnvelope,
  createCheckInEnvelope,
  createClientReportEnvelope,
  createEventEnvelope,
  createSessionEnvelope,
  type Envelope,
  envelopeCategories,
  itemCategory,
  parseEnvelope,
  serializeEnvelope,
  stampSentAt,
} from './envelope.js';
import type { WireEvent } from './types.js';

const meta = {
  dsn: 'https://pub:topsecret@o1.ingest.sentry.io/42',
  sdk: { name: 'faultline.node', version: '1.2.3' },
};
const now = new Date('2026-01-02T03:04:05.678Z');
const decoder = new TextDecoder();
const encoder = new TextEncoder();

function event(message: string): WireEvent {
  return {
    event_id: 'a'.repeat(32),
    timestamp: 1700000000.5,
    platform: 'node',
    level: 'error',
    message,
    sdk: { name: 'faultline.node', version: '1.2.3' },
  };
}

function firstPayload<T>(bytes: Uint8Array): T {
  const item = parseEnvelope(bytes).items[0];
  if (!item) throw new Error('no item');
  return item[1] as T;
}

function lines(bytes: Uint8Array): string[] {
  return decoder.decode(bytes).split('\n');
}

describe('envelope builders', () => {
  it('puts event_id, the public DSN and sdk in the event envelope header', () => {
    const env = createEventEnvelope(event('boom'), meta);
    expect(env.headers).toEqual({
      event_id: 'a'.repeat(32),
      dsn: 'https://pub@o1.ingest.sentry.io/42',
      sdk: { name: 'faultline.node', version: '1.2.3' },
    });
    expect(env.items).toEqual([[{ type: 'event' }, event('boom')]]);
  });

  it('builds check-in, client report and session envelopes without event_id', () => {
    const checkIn = createCheckInEnvelope(
      { check_in_id: 'c'.repeat(32), monitor_slug: 'job', status: 'ok' },
      {},
    );
    expect(checkIn).toEqual({
      headers: {},
      items: [[{ type: 'check_in' }, { check_in_id: 'c'.repeat(32), monitor_slug: 'job', status: 'ok' }]],
    });
    const report = {
      timestamp: 1,
      discarded_events: [{ reason: 'queue_overflow', category: 'error', quantity: 2 }],
    };
    expect(createClientReportEnvelope(report as never, meta).items[0]?.[0]).toEqual({
      type: 'client_report',
    });
    const session = createSessionEnvelope(
      { sid: 's', started: 'x', timestamp: 'y', status: 'ok', attrs: { release: 'r' } },
      { sdk: meta.sdk },
    );
    expect(session.headers).toEqual({ sdk: meta.sdk });
    expect(session.items[0]?.[0]).toEqual({ type: 'session' });
  });

  it('drops a DSN it cannot parse rather than risk writing a secret', () => {
    expect(
      createCheckInEnvelope({ check_in_id: 'c', monitor_slug: 'j', status: 'ok' }, { dsn: 'x:y@z' }).headers,
    ).toEqual({});
  });

  it('addItemToEnvelope returns a new envelope', () => {
    const env = createEventEnvelope(event('a'), {});
    const next = addItemToEnvelope(env, [{ type: 'client_report' }, { timestamp: 1, discarded_events: [] }]);
    expect(env.items).toHaveLength(1);
    expect(next.items).toHaveLength(2);
    expect(envelopeCategories(next)).toEqual(['error', 'internal']);
  });

  it('maps item types to categories', () => {
    expect(['event', 'check_in', 'session', 'client_report', 'attachment'].map(itemCategory)).toEqual([
      'error',
      'monitor',
      'session',
      'internal',
      'default',
    ]);
  });
});

describe('serializeEnvelope', () => {
  it('writes header, item header with byte length, payload, each on its own line', () => {
    const bytes = serializeEnvelope(createEventEnvelope(event('boom'), meta), now);
    const [header, itemHeader, payload, end, ...rest] = lines(bytes);
    expect(JSON.parse(header ?? '')).toEqual({
      event_id: 'a'.repeat(32),
      dsn: 'https://pub@o1.ingest.sentry.io/42',
      sdk: meta.sdk,
      sent_at: '2026-01-02T03:04:05.678Z',
    });
    expect(JSON.parse(itemHeader ?? '')).toEqual({ type: 'event', length: encoder.encode(payload).length });
    expect(JSON.parse(payload ?? '')).toEqual(event('boom'));
    expect(end).toBe('');
    expect(rest).toEqual([]);
    expect(decoder.decode(bytes)).not.toContain('topsecret');
  });

  it('counts UTF-8 bytes, not UTF-16 units, for emoji and CJK', () => {
    const message = '💥 崩溃 — ünïcödé 𝄞';
    const bytes = serializeEnvelope(createEventEnvelope(event(message), {}), now);
    const [, itemHeader, payload] = lines(bytes);
    const json = JSON.stringify(event(message));
    expect(json.length).not.toBe(encoder.encode(json).length);
    expect(payload).toBe(json);
    expect(JSON.parse(itemHeader ?? '').length).toBe(encoder.encode(json).length);
    expect(firstPayload<WireEvent>(bytes).message).toBe(message);
  });

  it('keeps newlines in payload strings escaped, so every payload is one line', () => {
    const bytes = serializeEnvelope(createEventEnvelope(event('line1\nline2\r\nline3'), {}), now);
    expect(lines(bytes)).toHaveLength(4);
    expect(firstPayload<WireEvent>(bytes).message).toBe('line1\nline2\r\nline3');
  });

  it('writes Uint8Array payloads raw, even when they contain newlines', () => {
    const raw = Uint8Array.of(0x00, 0x0a, 0xff, 0x0a);
    const env: Envelope = {
      headers: {},
      items: [[{ type: 'attachment', content_type: 'application/octet-stream' }, raw]],
    };
    const bytes = serializeEnvelope(env, now);
    const parsed = parseEnvelope(bytes);
    expect(parsed.items[0]?.[0]).toEqual({
      type: 'attachment',
      content_type: 'application/octet-stream',
      length: 4,
    });
    expect(parsed.items[0]?.[1]).toEqual(raw);
  });

  it('sets sent_at exactly once, replacing an earlier one', () => {
    const env: Envelope = { headers: { sent_at: '1999-01-01T00:00:00.000Z' }, items: [] };
    const header = lines(serializeEnvelope(env, now))[0] ?? '';
    expect(header.match(/sent_at/g)).toHaveLength(1);
    expect(JSON.parse(header).sent_at).toBe(now.toISOString());
  });

  it('strips a secret from a dsn header set by hand', () => {
    const env: Envelope = { headers: { dsn: 'http://a:b@h/1' }, items: [] };
    expect(JSON.parse(lines(serializeEnvelope(env, now))[0] ?? '').dsn).toBe('http://a@h/1');
  });

  it('throws a clear error for a payload that is not JSON-serializable', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => serializeEnvelope({ headers: {}, items: [[{ type: 'event' }, cyclic]] })).toThrow(
      /circular/i,
    );
  });
});

describe('parseEnvelope', () => {
  it('round-trips every item kind in one envelope', () => {
    let env = createEventEnvelope(event('round trip ✓'), meta);
    env = addItemToEnvelope(env, [
      { type: 'check_in' },
      { check_in_id: 'c', monitor_slug: 'j', status: 'ok' },
    ]);
    env = addItemToEnvelope(env, [{ type: 'client_report' }, { timestamp: 2, discarded_events: [] }]);
    env = addItemToEnvelope(env, [{ type: 'session' }, { sid: 's', status: 'ok' }]);
    const parsed = parseEnvelope(serializeEnvelope(env, now));
    expect(parsed.headers).toEqual({
      ...env.headers,
      dsn: 'https://pub@o1.ingest.sentry.io/42',
      sent_at: now.toISOString(),
    });
    expect(parsed.items.map(([h]) => h.type)).toEqual(['event', 'check_in', 'client_report', 'session']);
    expect(parsed.items.map(([, p]) => p)).toEqual(env.items.map(([, p]) => p));
  });

  it('accepts a string, no trailing newline, items without length, and an empty envelope', () => {
    expect(parseEnvelope('{"event_id":"x"}\n{"type":"event","length":2}\n{}')).toEqual({
      headers: { event_id: 'x' },
      items: [[{ type: 'event', length: 2 }, {}]],
    });
    expect(
      parseEnvelope('{}\n{"type":"session"}\n{"sid":"a"}\n{"type":"session"}\n{"sid":"b"}\n').items,
    ).toEqual([
      [{ type: 'session' }, { sid: 'a' }],
      [{ type: 'session' }, { sid: 'b' }],
    ]);
    expect(parseEnvelope('{}')).toEqual({ headers: {}, items: [] });
    expect(parseEnvelope('{}\n')).toEqual({ headers: {}, items: [] });
  });

  it('accepts empty (length 0) attachments and keeps non-JSON payloads raw', () => {
    const parsed = parseEnvelope(
      '{}\n{"type":"attachment","length":0}\n\n{"type":"attachment","length":3,"filename":"a"}\nabc\n{"type":"attachment","length":2,"content_type":"text/plain"}\n{}',
    );
    expect(parsed.items.map(([, p]) => p)).toEqual([
      new Uint8Array(0),
      encoder.encode('abc'),
      encoder.encode('{}'),
    ]);
  });

  it.each([
    ['empty input', '', /empty input/],
    ['non-JSON envelope header', 'nope\n', /envelope header is not JSON/],
    ['array envelope header', '[]\n', /envelope header is not a JSON object/],
    ['null item header', '{}\nnull\n', /item 0 header is not a JSON object/],
    ['header with trailing CR', '{}\r\n', /whitespace/],
    [
      'header with leading space',
      '{}\n {"type":"event"}\n{}',
      /item 0 header has leading or trailing whitespace/,
    ],
    ['missing type', '{}\n{"length":2}\n{}', /item 0 header has no "type"/],
    ['empty type', '{}\n{"type":""}\n{}', /has no "type"/],
    ['negative length', '{}\n{"type":"event","length":-1}\n{}', /invalid length -1/],
    ['fractional length', '{}\n{"type":"event","length":1.5}\n{}', /invalid length 1.5/],
    ['string length', '{}\n{"type":"event","length":"2"}\n{}', /invalid length "2"/],
    ['length too long', '{}\n{"type":"event","length":10}\n{}', /length 10 exceeds the 2 bytes left/],
    [
      'length too short',
      '{}\n{"type":"event","length":1}\n{}',
      /expected a newline after 1 payload bytes, found byte 0x7d/,
    ],
    ['whitespace after payload', '{}\n{"type":"event","length":2}\n{} \n', /found byte 0x20/],
    ['trailing junk', '{}\n{"type":"event","length":2}\n{}\njunk', /item 1 header is not JSON/],
    [
      'blank line after the last item',
      '{}\n{"type":"event","length":2}\n{}\n\n',
      /item 1 header is not JSON: ""/,
    ],
    ['event payload that is not JSON', '{}\n{"type":"event","length":3}\nabc', /item 0 payload is not JSON/],
    [
      'JSON content_type with bad JSON',
      '{}\n{"type":"x","content_type":"application/json"}\n{',
      /payload is not JSON/,
    ],
  ])('rejects %s', (_name, input, message) => {
    expect(() => parseEnvelope(input)).toThrow(message);
  });

  it('rejects invalid UTF-8 in a header', () => {
    expect(() => parseEnvelope(Uint8Array.of(0x7b, 0xff, 0x7d))).toThrow(
      /envelope header is not valid UTF-8/,
    );
  });

  it('honours length across a payload containing raw newlines', () => {
    const payload = '{"a":\n1}';
    const parsed = parseEnvelope(
      `{}\n{"type":"event","length":${encoder.encode(payload).length}}\n${payload}\n`,
    );
    expect(parsed.items[0]?.[1]).toEqual({ a: 1 });
  });
});

describe('stampSentAt', () => {
  it('replaces sent_at, or adds it, and leaves every item byte as it was', () => {
    const bytes = serializeEnvelope(
      createEventEnvelope({ event_id: 'a'.repeat(32), timestamp: 1, message: 'é' } as WireEvent, {}),
      new Date('2026-01-01T00:00:00.000Z'),
    );
    const stamped = stampSentAt(bytes, new Date('2026-01-03T04:05:06.789Z'));
    const parsed = parseEnvelope(stamped);
    expect(parsed.headers).toEqual({ event_id: 'a'.repeat(32), sent_at: '2026-01-03T04:05:06.789Z' });
    const rest = (b: Uint8Array) => b.subarray(b.indexOf(0x0a));
    expect(rest(stamped)).toEqual(rest(bytes));
    const bare = new TextEncoder().encode('{"event_id":"x"}\n{"type":"event"}\n{}\n');
    expect(parseEnvelope(stampSentAt(bare, new Date(0))).headers.sent_at).toBe('1970-01-01T00:00:00.000Z');
  });

  it('returns bytes whose first line is not a JSON object unchanged', () => {
    for (const text of ['not json\n{}\n', '[1]\n', '']) {
      const bytes = new TextEncoder().encode(text);
      expect(stampSentAt(bytes, new Date())).toBe(bytes);
    }
  });
});
