/**
 * A client built the way an app gets it (`createClient` with the default transport around
 * core's fetch executor), with two things a fault-injection test needs: a count of every HTTP
 * attempt per envelope, and a clock the test can move past a rate limit.
 */
import { afterEach, beforeEach, expect } from 'vitest';
import { type Client, createClient } from '../../src/client.js';
import { envelopeUrlWithAuth } from '../../src/dsn.js';
import { parseEnvelope } from '../../src/envelope.js';
import { createFetchExecutor } from '../../src/fetch-executor.js';
import type { ClientOptions } from '../../src/options.js';
import { sendCheckIn } from '../../src/send-check-in.js';
import type { TransportOptions } from '../../src/transport.js';
import type { ClientReport } from '../../src/types.js';

export interface Harness {
  client: Client;
  /** Attempts per envelope, keyed by the envelope's `event_id` (or `-` when it has none). */
  attempts: Map<string, number>;
  /** Outcome of every attempt: an HTTP status or `network`. */
  outcomes: Array<number | 'network'>;
  /** Moves the transport's clock forward. */
  advance(ms: number): void;
}

export function createHarness(
  dsn: string,
  transportOptions: Partial<TransportOptions> = {},
  options: ClientOptions = {},
): Harness {
  let offset = 0;
  const attempts = new Map<string, number>();
  const outcomes: Array<number | 'network'> = [];
  const client = createClient(
    {
      dsn,
      ...options,
      transportOptions: { retryBaseMs: 5, now: () => Date.now() + offset, ...transportOptions },
    },
    {
      platform: 'node',
      sdk: { name: 'faultline.node', version: '0.1.0' },
      sendCheckIn,
      createExecutor: (parsed, sdkClient) => {
        const inner = createFetchExecutor({ url: envelopeUrlWithAuth(parsed, sdkClient) });
        return {
          async send(body) {
            const id = String(parseEnvelope(body).headers.event_id ?? '-');
            attempts.set(id, (attempts.get(id) ?? 0) + 1);
            try {
              const response = await inner.send(body);
              outcomes.push(response.status);
              return response;
            } catch (error) {
              outcomes.push('network');
              throw error;
            }
          },
        };
      },
    },
  );
  return {
    client,
    attempts,
    outcomes,
    advance: (ms) => {
      offset += ms;
    },
  };
}

/** Sums client report entries by `reason:category`. */
export function dropTotals(reports: ClientReport[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const report of reports) {
    for (const { reason, category, quantity } of report.discarded_events) {
      const key = `${reason}:${category}`;
      totals[key] = (totals[key] ?? 0) + quantity;
    }
  }
  return totals;
}

/** Client reports found in serialized envelopes (e.g. what `takePending()` hands over). */
export function reportsIn(bodies: Uint8Array[]): ClientReport[] {
  return bodies.flatMap((body) =>
    parseEnvelope(body)
      .items.filter(([headers]) => headers.type === 'client_report')
      .map(([, payload]) => payload as ClientReport),
  );
}

/** Fails the test if anything the SDK did ended in an unhandled rejection or uncaught exception. */
export function watchProcessErrors(): void {
  const seen: unknown[] = [];
  const onError = (error: unknown) => void seen.push(error);
  beforeEach(() => {
    seen.length = 0;
    process.on('unhandledRejection', onError);
    process.on('uncaughtException', onError);
  });
  afterEach(async () => {
    // Let failures of requests cut short by the cleanup surface first.
    await new Promise((resolve) => setTimeout(resolve, 20));
    process.off('unhandledRejection', onError);
    process.off('uncaughtException', onError);
    expect(seen).toEqual([]);
  });
}
