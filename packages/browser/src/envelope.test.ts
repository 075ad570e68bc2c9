import { parseEnvelope } from '@sentry/core';
import { describe, expect, it } from 'vitest';
import { serializeEnvelope } from './envelope.js';

describe('envelope serialization', () => {
  it('writes byte-exact UTF-8 lengths that an independent parser accepts', () => {
    const event = { event_id: 'a'.repeat(32), message: 'é ✓ 𝄞 \u2028 end', extra: { lone: '\ud800' } };
    const report = {
      timestamp: 1,
      discarded_events: [{ reason: 'queue_overflow', category: 'error', quantity: 2 }],
    };
    const bytes = serializeEnvelope({
      headers: { event_id: event.event_id, dsn: 'https://public@example.com/1' },
      items: [
        [{ type: 'event' }, event],
        [{ type: 'client_report' }, report],
      ],
    });
    const [headers, items] = parseEnvelope(bytes);
    expect(headers).toMatchObject({ event_id: event.event_id, dsn: 'https://public@example.com/1' });
    expect(typeof headers.sent_at).toBe('string');
    expect(items.map(([h]) => h.type)).toEqual(['event', 'client_report']);
    // With a length, the parser hands back the payload's bytes: exactly the JSON, nothing more.
    const payload = (value: unknown) =>
      JSON.parse(typeof value === 'string' ? value : new TextDecoder().decode(value as Uint8Array));
    expect(payload(items[0]![1])).toEqual(event);
    expect(payload(items[1]![1])).toEqual(report);
    const text = new TextDecoder().decode(bytes);
    const lines = text.split('\n');
    const length = JSON.parse(lines[1]!).length;
    expect(length).toBe(new TextEncoder().encode(lines[2]).length);
    expect(length).toBeGreaterThan(lines[2]!.length);
  });

  it('throws on a payload JSON cannot hold, so the caller can count it', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => serializeEnvelope({ headers: {}, items: [[{ type: 'event' }, cyclic]] })).toThrow();
  });
});
