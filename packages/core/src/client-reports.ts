/**
 * Counting what the SDK drops, for `client_report` items
 * (https://develop.sentry.dev/sdk/telemetry/client-reports/): drops are aggregated per
 * `reason:category` and sent as one report, never one envelope per drop.
 */
import type {} from './globals.js';
import type { ClientReport, DataCategory, DiscardReason } from './types.js';

/** Ingest rejects client report items above 4 KiB. */
export const MAX_CLIENT_REPORT_BYTES = 4096;

export interface DropCounter {
  /** Adds `quantity` (a positive integer; anything else is ignored) to `reason:category`. */
  record(reason: DiscardReason, category: DataCategory, quantity?: number): void;
  /**
   * Moves the pending counts into a report (at most {@link MAX_CLIENT_REPORT_BYTES} once
   * serialized; what does not fit stays pending), or undefined when nothing is pending.
   */
  take(nowMs?: number): ClientReport | undefined;
  /** Puts the counts of a report that could not be delivered back, for the next one. */
  restore(report: ClientReport | undefined): void;
}

/** Creates an empty drop counter. */
export function createDropCounter(): DropCounter {
  /** `reason:category` → quantity. */
  const counts = new Map<string, number>();
  const record = (reason: DiscardReason, category: DataCategory, quantity = 1) => {
    const key = `${reason}:${category}`;
    if (quantity >= 1 && quantity < Number.POSITIVE_INFINITY)
      counts.set(key, (counts.get(key) ?? 0) + Math.floor(quantity));
  };
  return {
    record,
    take(nowMs = Date.now()) {
      const discarded_events: ClientReport['discarded_events'] = [];
      // The report's JSON without its entries, in UTF-8 bytes (about; entries are counted exactly).
      let size = 64;
      for (const [key, quantity] of counts) {
        const [reason, category] = key.split(':') as [DiscardReason, DataCategory];
        const item = { reason, category, quantity };
        const itemSize = new TextEncoder().encode(JSON.stringify(item)).length + 1;
        // An entry too large for any report is dropped rather than kept forever.
        if (size + itemSize <= MAX_CLIENT_REPORT_BYTES || itemSize > MAX_CLIENT_REPORT_BYTES - 64)
          counts.delete(key);
        if (size + itemSize <= MAX_CLIENT_REPORT_BYTES) {
          size += itemSize;
          discarded_events.push(item);
        }
      }
      return discarded_events[0] && { timestamp: Math.floor(nowMs / 1000), discarded_events };
    },
    restore(report) {
      for (const item of report?.discarded_events ?? []) record(item.reason, item.category, item.quantity);
    },
  };
}
