import { describe, expect, it } from 'vitest';
import { createDropCounter, MAX_CLIENT_REPORT_BYTES } from './client-reports.js';
import { createClientReportEnvelope, parseEnvelope, serializeEnvelope } from './envelope.js';
import type { DataCategory, DiscardReason } from './types.js';

describe('createDropCounter', () => {
  it('aggregates drops per reason and category', () => {
    const counter = createDropCounter();
    counter.record('queue_overflow', 'error');
    counter.record('queue_overflow', 'error', 4);
    counter.record('ratelimit_backoff', 'monitor', 2);
    counter.record('queue_overflow', 'monitor');
    expect(counter.take()?.discarded_events).toEqual([
      { reason: 'queue_overflow', category: 'error', quantity: 5 },
      { reason: 'ratelimit_backoff', category: 'monitor', quantity: 2 },
      { reason: 'queue_overflow', category: 'monitor', quantity: 1 },
    ]);
  });

  it('ignores quantities that are not positive numbers', () => {
    const counter = createDropCounter();
    counter.record('send_error', 'error', 0);
    counter.record('send_error', 'error', -2);
    counter.record('send_error', 'error', Number.NaN);
    counter.record('send_error', 'error', Number.POSITIVE_INFINITY);
    expect(counter.take()).toBeUndefined();
  });

  it('takes the counts into a report and clears them', () => {
    const counter = createDropCounter();
    counter.record('network_error', 'error', 3);
    counter.record('before_send', 'error');
    const report = counter.take(1_700_000_000_500);
    expect(report).toEqual({
      timestamp: 1_700_000_000,
      discarded_events: [
        { reason: 'network_error', category: 'error', quantity: 3 },
        { reason: 'before_send', category: 'error', quantity: 1 },
      ],
    });
    expect(counter.take()).toBeUndefined();
  });

  it('restores the counts of a report that could not be sent', () => {
    const counter = createDropCounter();
    counter.record('network_error', 'error', 3);
    const report = counter.take();
    counter.record('network_error', 'error', 2);
    if (report) counter.restore(report);
    expect(counter.take()?.discarded_events).toEqual([
      { reason: 'network_error', category: 'error', quantity: 5 },
    ]);
  });

  it('keeps a report under 4 KiB and leaves the rest pending', () => {
    const counter = createDropCounter();
    const reasons = Array.from(
      { length: 40 },
      (_, i) => `reason_with_a_rather_long_name_${i}` as DiscardReason,
    );
    const categories = ['error', 'monitor', 'session', 'default'] as DataCategory[];
    let total = 0;
    for (const reason of reasons) {
      for (const category of categories) {
        counter.record(reason, category, 7);
        total += 7;
      }
    }
    let seen = 0;
    let reports = 0;
    for (let report = counter.take(); report; report = counter.take()) {
      reports += 1;
      const envelope = serializeEnvelope(createClientReportEnvelope(report, {}));
      const headers = parseEnvelope(envelope).items[0]?.[0];
      expect(headers?.length).toBeLessThanOrEqual(MAX_CLIENT_REPORT_BYTES);
      seen += report.discarded_events.reduce((sum, e) => sum + e.quantity, 0);
    }
    expect(reports).toBeGreaterThan(1);
    expect(seen).toBe(total);
  });
});
