import { describe, expect, it } from 'vitest';
import {
  addItemToEnvelope,
  createCheckInEnvelope,
  createClientReportEnvelope,
  createEventEnvelope,
  serializeEnvelope,
} from '../envelope.js';
import type { WireEvent } from '../types.js';
import { assertNoSecrets, createTestTransport, decodeEnvelope, findSecrets } from './index.js';

const meta = {
  dsn: 'https://pub:dsn-secret@o1.ingest.sentry.io/1',
  sdk: { name: 'faultline.node', version: '1.0.0' },
};
const event: WireEvent = {
  event_id: '1'.repeat(32),
  timestamp: 1,
  platform: 'node',
  level: 'error',
  message: 'boom ✓',
  sdk: meta.sdk,
};
const checkIn = { check_in_id: '2'.repeat(32), monitor_slug: 'nightly', status: 'ok' as const };
const report = {
  timestamp: 3,
  discarded_events: [{ reason: 'sample_rate' as const, category: 'error' as const, quantity: 1 }],
};

describe('createTestTransport', () => {
  it('records envelopes as a backend would read them and decodes each kind', async () => {
    const transport = createTestTransport();
    transport.send(createEventEnvelope(event, meta));
    transport.send(
      addItemToEnvelope(createCheckInEnvelope(checkIn, meta), [{ type: 'client_report' }, report]),
    );
    transport.send(createClientReportEnvelope(report, {}));

    expect(transport.events()).toEqual([event]);
    expect(transport.checkIns()).toEqual([checkIn]);
    expect(transport.clientReports()).toEqual([report, report]);
    expect(transport.envelopes).toHaveLength(3);
    expect(transport.raw).toHaveLength(3);
    const headers = transport.envelopes[0]?.headers;
    expect(headers).toMatchObject({ event_id: event.event_id, dsn: 'https://pub@o1.ingest.sentry.io/1' });
    expect(typeof headers?.sent_at).toBe('string');
    expect(transport.envelopes[0]?.items[0]?.[0]).toMatchObject({
      type: 'event',
      length: expect.any(Number),
    });

    expect(await transport.flush(10)).toBe(true);
    expect(await transport.close()).toBe(true);
    expect(transport.takePending()).toEqual([]);
    transport.send(createEventEnvelope(event, meta));
    expect(transport.envelopes).toHaveLength(3);

    transport.clear();
    expect(transport.envelopes).toEqual([]);
    expect(transport.raw).toEqual([]);
    expect(transport.events()).toEqual([]);

    // Cleared for the next test, the transport records again after the previous test's close.
    transport.send(createEventEnvelope(event, meta));
    expect(transport.events()).toEqual([event]);
  });

  it('records dropped events and never throws on an envelope it cannot serialize', () => {
    const transport = createTestTransport();
    transport.recordDroppedEvent('before_send', 'error');
    transport.recordDroppedEvent('queue_overflow', 'monitor', 3);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => transport.send({ headers: {}, items: [[{ type: 'event' }, cyclic]] })).not.toThrow();
    expect(transport.envelopes).toEqual([]);
    expect(transport.dropped).toEqual([
      { reason: 'before_send', category: 'error', quantity: 1 },
      { reason: 'queue_overflow', category: 'monitor', quantity: 3 },
      { reason: 'internal_sdk_error', category: 'error', quantity: 1 },
    ]);
  });
});

describe('decodeEnvelope', () => {
  it('parses serialized bytes and strings, and throws on malformed ones', () => {
    const bytes = serializeEnvelope(createEventEnvelope(event, {}));
    expect(decodeEnvelope(bytes).items[0]?.[1]).toEqual(event);
    expect(decodeEnvelope(new TextDecoder().decode(bytes)).items[0]?.[1]).toEqual(event);
    expect(() => decodeEnvelope('{}\n{"type":"event","length":50}\n{}')).toThrow(/Malformed envelope/);
  });
});

describe('findSecrets', () => {
  const secrets = ['hunter2', 'p@ss word/ü', 'quote"back\\slash', 'absent', ''];

  it('finds verbatim occurrences in strings and bytes', () => {
    expect(findSecrets('password=hunter2', secrets)).toEqual(['hunter2']);
    expect(findSecrets(new TextEncoder().encode('{"a":"hunter2"}'), secrets)).toEqual(['hunter2']);
  });

  it('finds JSON-escaped forms', () => {
    expect(findSecrets(JSON.stringify({ v: 'quote"back\\slash' }), secrets)).toEqual(['quote"back\\slash']);
    expect(findSecrets('"p@ss word/\\u00fc"', secrets)).toEqual(['p@ss word/ü']);
  });

  it('finds URL-encoded and form-encoded forms, in either hex case', () => {
    expect(findSecrets(`https://h/?pw=${encodeURIComponent('p@ss word/ü')}`, secrets)).toEqual([
      'p@ss word/ü',
    ]);
    expect(findSecrets('pw=p%40ss+word%2f%c3%bc', secrets)).toEqual(['p@ss word/ü']);
  });

  it('ignores empty secrets and reports nothing when clean', () => {
    expect(findSecrets('nothing to see', secrets)).toEqual([]);
    expect(findSecrets('anything', [''])).toEqual([]);
  });

  it('finds a secret in a real envelope but not the DSN secret key, which serialization strips', () => {
    const transport = createTestTransport();
    transport.send(createEventEnvelope({ ...event, extra: { token: 'tok_live_123' } }, meta));
    const bytes = transport.raw[0] ?? new Uint8Array();
    expect(findSecrets(bytes, ['tok_live_123', 'dsn-secret'])).toEqual(['tok_live_123']);
  });
});

describe('assertNoSecrets', () => {
  it('passes when nothing leaks', () => {
    expect(() => assertNoSecrets('clean', ['hunter2'])).not.toThrow();
  });

  it('throws listing every leaked secret with its form and some context', () => {
    const data = `{"headers":{"authorization":"Bearer hunter2"},"url":"https://h/?k=a%20b"}`;
    let message = '';
    try {
      assertNoSecrets(data, ['hunter2', 'a b', 'absent']);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('Found 2 secret(s)');
    expect(message).toContain('"hunter2" (verbatim) in …');
    expect(message).toContain('authorization\\":\\"Bearer hunter2');
    expect(message).toContain('"a b" (URL-encoded)');
    expect(message).not.toContain('absent');
  });
});
