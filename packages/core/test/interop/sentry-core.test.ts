import { envelopeItemTypeToDataCategory, parseEnvelope } from '@sentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../../../../test-utils/receiver.js';
import { itemCategory } from '../../src/envelope.js';
import type { ClientReport, SessionUpdate, WireCheckIn, WireEvent } from '../../src/types.js';
import { RELEASE, SDK, sendEveryKind } from './every-kind.js';

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

interface ParsedItem {
  type: string;
  headers: Record<string, unknown>;
  payload: unknown;
}

/** Every item of every envelope received, as `@sentry/core` parses the raw bytes. */
function parseWithSentry(
  bodies: Uint8Array[],
): Array<{ headers: Record<string, unknown>; items: ParsedItem[] }> {
  return bodies.map((body) => {
    const [headers, items] = parseEnvelope(body);
    return {
      headers: headers as Record<string, unknown>,
      items: items.map(([itemHeaders, payload]) => {
        const h = itemHeaders as Record<string, unknown>;
        // @sentry/core hands back length-delimited payloads as raw bytes; check the length, then decode.
        expect(payload).toBeInstanceOf(Uint8Array);
        const bytes = payload as Uint8Array;
        expect(h.length).toBe(bytes.length);
        return { type: String(h.type), headers: h, payload: JSON.parse(new TextDecoder().decode(bytes)) };
      }),
    };
  });
}

describe('interop: @sentry/core parseEnvelope on the bytes the client sends', () => {
  it('parses every kind of envelope byte for byte as our receiver does', async () => {
    receiver = await startReceiver();
    const sent = await sendEveryKind(receiver.dsn);
    expect(sent.flushed).toBe(true);
    expect(sent.statuses.every((s) => s === 200)).toBe(true);

    const bodies = receiver.requests.map((r) => r.body);
    const parsed = parseWithSentry(bodies);
    expect(parsed).toHaveLength(receiver.requests.length);
    const items = parsed.flatMap((envelope) => envelope.items);
    expect(new Set(items.map((i) => i.type))).toEqual(
      new Set(['event', 'check_in', 'session', 'client_report']),
    );

    // Same structure as the strict parser of the test receiver.
    parsed.forEach((envelope, i) => {
      const ours = receiver?.requests[i]?.envelope;
      expect(envelope.headers).toEqual(ours?.headers);
      expect(envelope.items.map((item) => [item.headers, item.payload])).toEqual(ours?.items);
      expect(envelope.headers.sent_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(envelope.headers.sdk).toEqual(SDK);
      expect(envelope.headers.dsn).toBe(receiver?.dsn);
      // One event per envelope, and the header names it.
      const events = envelope.items.filter((item) => item.type === 'event');
      expect(events.length).toBeLessThanOrEqual(1);
      if (events[0]) expect(envelope.headers.event_id).toBe((events[0].payload as WireEvent).event_id);
    });

    // Item types map to the same rate-limit categories in both SDKs.
    for (const item of items)
      expect(itemCategory(item.type)).toBe(envelopeItemTypeToDataCategory(item.type as never));

    const byType = (type: string) => items.filter((i) => i.type === type).map((i) => i.payload);
    const events = byType('event') as WireEvent[];
    const error = events.find((e) => e.event_id === sent.exceptionId);
    expect(error?.platform).toBe('node');
    expect(error?.release).toBe(RELEASE);
    expect(error?.transaction).toBe('POST /checkout');
    expect(error?.exception?.values.map((v) => v.type)).toEqual(['RangeError', 'CheckoutError']);
    expect(error?.exception?.values.at(-1)?.value).toBe('checkout failed ✗ — ünïcode');
    expect(error?.exception?.values[0]?.mechanism).toMatchObject({ type: 'chained', source: 'cause' });
    expect(error?.request?.headers?.authorization).toBe('[Filtered]');
    expect(error?.request?.url).not.toContain('abc123');
    expect(events.find((e) => e.event_id === sent.messageId)?.message).toBe('cache warm-up slow');
    expect(events.some((e) => e.message === 'filtered out')).toBe(false);

    const [checkIn] = byType('check_in') as WireCheckIn[];
    expect(checkIn).toMatchObject({
      check_in_id: sent.checkInId,
      monitor_slug: 'nightly-report',
      status: 'ok',
      duration: 1.5,
      monitor_config: { schedule: { type: 'crontab', value: '0 3 * * *' } },
    });
    const [session] = byType('session') as SessionUpdate[];
    expect(session).toMatchObject({
      sid: sent.sessionId,
      init: true,
      status: 'exited',
      attrs: { release: RELEASE },
    });
    const reports = byType('client_report') as ClientReport[];
    expect(reports.flatMap((r) => r.discarded_events)).toEqual([
      { reason: 'before_send', category: 'error', quantity: 1 },
    ]);
  });
});
