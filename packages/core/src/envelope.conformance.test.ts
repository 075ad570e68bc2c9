/**
 * Checks our envelopes against an independent implementation of the protocol: the parser
 * and serializer of the official SDK (`@sentry/core`, a dev dependency used only here).
 */
import {
  envelopeItemTypeToDataCategory,
  parseEnvelope as sentryParseEnvelope,
  serializeEnvelope as sentrySerializeEnvelope,
} from '@sentry/core';
import { describe, expect, it } from 'vitest';
import {
  addItemToEnvelope,
  createCheckInEnvelope,
  createClientReportEnvelope,
  createEventEnvelope,
  createSessionEnvelope,
  type Envelope,
  itemCategory,
  parseEnvelope,
  serializeEnvelope,
} from './envelope.js';
import type { ClientReport, SessionUpdate, WireCheckIn, WireEvent } from './types.js';

const meta = {
  dsn: 'https://pub:secret@o1.ingest.sentry.io/sentry/42',
  sdk: { name: 'faultline.node', version: '1.2.3' },
};
const now = new Date('2026-03-04T05:06:07.089Z');
const decoder = new TextDecoder();

const event: WireEvent = {
  event_id: '0123456789abcdef0123456789abcdef',
  timestamp: 1772600767.089,
  platform: 'node',
  level: 'error',
  message: 'Ünïcödé 💥 崩溃\nsecond line\t"quoted"',
  exception: {
    values: [
      {
        type: 'TypeError',
        value: 'x is not a function 🙃',
        mechanism: { type: 'generic', handled: true },
        stacktrace: { frames: [{ filename: 'app.js', function: 'main', lineno: 1, colno: 2, in_app: true }] },
      },
    ],
  },
  tags: { region: '東京' },
  sdk: { name: 'faultline.node', version: '1.2.3' },
};
const checkIn: WireCheckIn = {
  check_in_id: 'fedcba9876543210fedcba9876543210',
  monitor_slug: 'nightly-report',
  status: 'error',
  duration: 1.25,
  environment: 'production',
  monitor_config: {
    schedule: { type: 'crontab', value: '0 3 * * *' },
    checkin_margin: 5,
    timezone: 'Europe/Zürich',
  },
};
const report: ClientReport = {
  timestamp: 1772600767,
  discarded_events: [
    { reason: 'ratelimit_backoff', category: 'error', quantity: 3 },
    { reason: 'queue_overflow', category: 'monitor', quantity: 1 },
  ],
};
const session: SessionUpdate = {
  sid: '11111111111111111111111111111111',
  init: true,
  started: '2026-03-04T05:00:00.000Z',
  timestamp: '2026-03-04T05:06:07.089Z',
  status: 'crashed',
  errors: 1,
  attrs: { release: 'app@1.0.0', environment: 'production' },
};

const cases: Array<[string, Envelope, unknown, Record<string, unknown>]> = [
  ['event', createEventEnvelope(event, meta), event, { event_id: event.event_id }],
  ['check_in', createCheckInEnvelope(checkIn, meta), checkIn, {}],
  ['client_report', createClientReportEnvelope(report, meta), report, {}],
  ['session', createSessionEnvelope(session, meta), session, {}],
];

describe('our envelopes, parsed by @sentry/core', () => {
  it.each(cases)('%s', (type, env, payload, extraHeaders) => {
    const bytes = serializeEnvelope(env, now);
    const [headers, items] = sentryParseEnvelope(bytes);
    expect(headers).toEqual({
      ...extraHeaders,
      dsn: 'https://pub@o1.ingest.sentry.io/sentry/42',
      sdk: { name: 'faultline.node', version: '1.2.3' },
      sent_at: '2026-03-04T05:06:07.089Z',
    });
    expect(items).toHaveLength(1);
    const [itemHeaders, raw] = items[0] ?? [];
    expect(itemHeaders?.type).toBe(type);
    expect(raw).toBeInstanceOf(Uint8Array);
    const rawBytes = raw as Uint8Array;
    expect(itemHeaders?.length).toBe(rawBytes.length);
    expect(JSON.parse(decoder.decode(rawBytes))).toEqual(payload);
    // Sentry's parser does not check the terminator; check it here on the raw bytes.
    expect(bytes[bytes.length - 1]).toBe(0x0a);
    expect(decoder.decode(bytes)).not.toContain('secret');
    expect(envelopeItemTypeToDataCategory(type as never)).toBe(itemCategory(type));
  });

  it('all kinds in one envelope, so every length must be exact for the next item to parse', () => {
    let env = createEventEnvelope(event, meta);
    for (const [, other, payload] of cases.slice(1)) {
      env = addItemToEnvelope(env, [other.items[0]?.[0] ?? { type: 'x' }, payload]);
    }
    const [, items] = sentryParseEnvelope(serializeEnvelope(env, now));
    expect(items.map(([h]) => h.type)).toEqual(['event', 'check_in', 'client_report', 'session']);
    expect(items.map(([, raw]) => JSON.parse(decoder.decode(raw as Uint8Array)))).toEqual(
      cases.map(([, , payload]) => payload),
    );
  });
});

describe('envelopes serialized by @sentry/core, parsed by ours', () => {
  it('reads JSON items without length and binary items with length', () => {
    const attachment = Uint8Array.of(1, 10, 2, 0xff);
    const bytes = sentrySerializeEnvelope([
      { event_id: event.event_id, sent_at: now.toISOString() },
      [
        [{ type: 'event' }, event],
        [{ type: 'client_report' }, report],
        [{ type: 'attachment', length: attachment.length, filename: 'a.bin' }, attachment],
      ],
    ] as never);
    const parsed = parseEnvelope(typeof bytes === 'string' ? bytes : new Uint8Array(bytes));
    expect(parsed.headers).toEqual({ event_id: event.event_id, sent_at: now.toISOString() });
    expect(parsed.items.map(([h]) => h.type)).toEqual(['event', 'client_report', 'attachment']);
    expect(parsed.items[0]?.[1]).toEqual(event);
    expect(parsed.items[1]?.[1]).toEqual(report);
    expect(parsed.items[2]?.[1]).toEqual(attachment);
  });
});
