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
  /** True when some drop has not been taken into a report yet. */
  hasPending(): boolean;
  /**
   * Moves the pending counts into a report (at most {@link MAX_CLIENT_REPORT_BYTES} once
   * serialized; what does not fit stays pending), or undefined when nothing is pending.
   */
  take(nowMs?: number): ClientReport | undefined;
  /** Puts the counts of a report that could not be delivered back, for the next one. */
  restore(report: ClientReport): void;
  /** The pending counts, keyed `reason:category` (a copy). */
  snapshot(): Record<string, number>;
}

const encoder = new TextEncoder();

function byteLength(value: unknown): number {
  return encoder.encode(JSON.stringify(value)).length;
}

/** Creates an empty drop counter. */
export function createDropCounter(): DropCounter {
  const counts = new Map<string, { reason: DiscardReason; category: DataCategory; quantity: number }>();

  const add = (reason: DiscardReason, category: DataCategory, quantity: number): void => {
    if (typeof quantity !== 'number' || !Number.isFinite(quantity) || quantity < 1) return;
    const key = `${reason}:${category}`;
    const entry = counts.get(key);
    if (entry) entry.quantity += Math.floor(quantity);
    else counts.set(key, { reason, category, quantity: Math.floor(quantity) });
  };

  return {
    record(reason, category, quantity = 1) {
      add(reason, category, quantity);
    },
    hasPending: () => counts.size > 0,
    take(nowMs = Date.now()) {
      if (counts.size === 0) return undefined;
      const report: ClientReport = { timestamp: Math.floor(nowMs / 1000), discarded_events: [] };
      let size = byteLength(report);
      for (const [key, entry] of counts) {
        const item = { reason: entry.reason, category: entry.category, quantity: entry.quantity };
        const itemSize = byteLength(item) + 1;
        if (size + itemSize > MAX_CLIENT_REPORT_BYTES) {
          if (report.discarded_events.length === 0) counts.delete(key); // could never fit
          continue;
        }
        size += itemSize;
        report.discarded_events.push(item);
        counts.delete(key);
      }
      return report.discarded_events.length > 0 ? report : undefined;
    },
    restore(report) {
      const events = Array.isArray(report?.discarded_events) ? report.discarded_events : [];
      for (const item of events) {
        if (item && typeof item === 'object') add(item.reason, item.category, item.quantity);
      }
    },
    snapshot: () => Object.fromEntries([...counts].map(([key, entry]) => [key, entry.quantity])),
  };
}
