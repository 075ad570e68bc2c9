/**
 * What the node runtime sends arrives at a real ingest-style receiver on 127.0.0.1 in a form
 * Sentry's ingest keeps: values an app may well pass (a long tag key, a lone surrogate, level
 * `critical`, fractional monitor options, a dashed check-in id, a release with `/`) are made
 * valid instead of being dropped there, and every envelope passes the published event schema
 * and the check-in and client-report rules (`test-utils/ingest-rules.ts`).
 */
import { parseEnvelope as sentryParseEnvelope } from '@sentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { envelopeProblems } from '../../../test-utils/ingest-rules.js';
import { type Receiver, startReceiver } from '../../../test-utils/receiver.js';
import {
  captureCheckIn,
  captureEvent,
  captureException,
  captureMessage,
  close,
  flush,
  init,
  setTag,
} from '../src/index.js';

let receiver: Receiver | undefined;
afterEach(async () => {
  await close(0);
  await receiver?.close();
  receiver = undefined;
});

/** Every item the receiver got, parsed by @sentry/core, with the problems the ingest rules find. */
function received(r: Receiver) {
  return r.requests.map((request) => {
    const [headers, items] = sentryParseEnvelope(request.body);
    const list = items.map(([h, payload]) => ({
      type: String(h.type),
      payload:
        payload instanceof Uint8Array
          ? JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload))
          : payload,
    }));
    return { headers, items: list, problems: envelopeProblems(list, headers as Record<string, unknown>) };
  });
}

describe('protocol fidelity (node, real receiver)', () => {
  it('delivers a long tag key, a lone surrogate, level critical and a fractional check-in in a form the ingest keeps', async () => {
    receiver = await startReceiver();
    init({ dsn: receiver.dsn, release: 'shop/web@1.0', environment: 'prod', sampleRate: 1 });
    const key = 'http.response.status_code.category.extra';
    expect(key).toHaveLength(40);
    setTag(key, '5xx');
    setTag('owner team', 'payments');
    const messageId = captureMessage('card declined \ud800 (lone surrogate)', 'critical' as never);
    const dashed = '9F1C2B3A-4D5E-4F60-8A7B-0C1D2E3F4A5B';
    const checkInId = captureCheckIn(
      { monitorSlug: 'nightly-report', status: 'in_progress', checkInId: dashed },
      {
        schedule: { type: 'interval', value: 2.5, unit: 'hours' as never },
        checkinMargin: 2.5,
        maxRuntime: 0.5,
        failureIssueThreshold: 1.5,
        recoveryThreshold: 2.2,
        timezone: 'Europe/Berlin',
      },
    );
    captureCheckIn({ monitorSlug: 'nightly-report', status: 'ok', checkInId: dashed, duration: 1.25 });
    captureException(new Error('with a millisecond timestamp'));
    captureEvent({ message: 'ms', timestamp: Date.now(), tags: { empty: '' } });
    expect(await flush(2000)).toBe(true);

    const envelopes = received(receiver);
    expect(envelopes.flatMap((e) => e.problems)).toEqual([]);
    const items = envelopes.flatMap((e) => e.items);
    const events = items.filter((i) => i.type === 'event').map((i) => i.payload as Record<string, any>);
    const checkIns = items.filter((i) => i.type === 'check_in').map((i) => i.payload as Record<string, any>);

    const message = events.find((e) => e.event_id === messageId);
    expect(message?.level).toBe('fatal');
    expect(message?.message).toBe('card declined \ufffd (lone surrogate)');
    expect(message?.tags).toMatchObject({ [key]: '5xx', owner_team: 'payments' });
    expect(message?.release).toBe('shop-web@1.0');
    for (const event of events) expect(event.timestamp).toBeLessThan(1e11);
    expect(events.find((e) => e.message === 'ms')?.tags).not.toHaveProperty('empty');

    expect(checkInId).toBe(dashed.replace(/-/g, '').toLowerCase());
    expect(checkIns.map((c) => c.check_in_id)).toEqual([checkInId, checkInId]);
    expect(checkIns[0]?.monitor_config).toEqual({
      schedule: { type: 'interval', value: 3, unit: 'hour' },
      checkin_margin: 3,
      max_runtime: 1,
      failure_issue_threshold: 2,
      recovery_threshold: 3,
      timezone: 'Europe/Berlin',
    });
  });
});
