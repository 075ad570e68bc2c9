/**
 * Test kit for applications that use Faultline (`@faultline/core/testing`): an in-memory
 * transport that records what would be sent, and checks that no secret leaves the process.
 *
 * @example
 * const transport = createTestTransport();
 * init({ dsn: 'https://public@example.invalid/1', transport: () => transport });
 * captureException(new Error('boom'));
 * expect(transport.events()[0]?.exception?.values[0]?.value).toBe('boom');
 * assertNoSecrets(transport.raw[0]!, [process.env.DB_PASSWORD!]);
 */

import { type Envelope, itemCategory, parseEnvelope, serializeEnvelope } from '../envelope.js';
import { carrier } from '../carrier.js';
import type {} from '../globals.js';
import type { Transport } from '../transport.js';
import type { ClientReport, DataCategory, DiscardReason, WireCheckIn, WireEvent } from '../types.js';
import { findSecretMatches, type SecretMatch } from './secrets.js';

/**
 * A transport that keeps everything in memory; like the real one, it ignores sends after `close`
 * until `clear()` opens it again, so one transport can serve every test of a file.
 */
export interface TestTransport extends Transport {
  /** Every envelope sent, as a backend would read it (serialized, then parsed back). */
  envelopes: Envelope[];
  /** The serialized bytes of every envelope, in the same order: what would go on the wire. */
  raw: Uint8Array[];
  /** Every `recordDroppedEvent` call. */
  dropped: Array<{ reason: DiscardReason; category: DataCategory; quantity: number }>;
  events(): WireEvent[];
  checkIns(): WireCheckIn[];
  clientReports(): ClientReport[];
  /** Forgets everything recorded so far and takes sends again after a `close`. */
  clear(): void;
}

/**
 * An in-memory transport. Each envelope is serialized and parsed back, exactly as a backend
 * would read it, so what the test sees is what would have been sent.
 */
export function createTestTransport(): TestTransport {
  const envelopes: Envelope[] = [];
  const raw: Uint8Array[] = [];
  const dropped: TestTransport['dropped'] = [];
  let closed = false;
  const payloads = <T>(type: string): T[] =>
    envelopes.flatMap((env) => env.items.filter(([h]) => h.type === type).map(([, payload]) => payload as T));

  return {
    envelopes,
    raw,
    dropped,
    send(envelope) {
      if (closed) return;
      try {
        const bytes = serializeEnvelope(envelope);
        envelopes.push(parseEnvelope(bytes));
        raw.push(bytes);
      } catch {
        // Mirrors the real transport: a broken envelope is dropped and counted, never thrown.
        for (const [headers] of envelope.items) {
          dropped.push({ reason: 'internal_sdk_error', category: itemCategory(headers.type), quantity: 1 });
        }
      }
    },
    recordDroppedEvent(reason, category, quantity = 1) {
      dropped.push({ reason, category, quantity });
    },
    flush: () => Promise.resolve(true),
    close() {
      closed = true;
      return Promise.resolve(true);
    },
    takePending: () => [],
    events: () => payloads<WireEvent>('event'),
    checkIns: () => payloads<WireCheckIn>('check_in'),
    clientReports: () => payloads<ClientReport>('client_report'),
    clear() {
      closed = false;
      envelopes.length = 0;
      raw.length = 0;
      dropped.length = 0;
    },
  };
}

/** Parses serialized envelope bytes (strictly; throws on a framing error). */
export function decodeEnvelope(bytes: Uint8Array | string): Envelope {
  return parseEnvelope(bytes);
}

/**
 * Which of `secrets` appear in `data`, verbatim or in their JSON-escaped or URL-encoded
 * forms. Empty strings are ignored.
 */
export function findSecrets(data: Uint8Array | string, secrets: string[]): string[] {
  return findSecretMatches(data, secrets).map((match) => match.secret);
}

/** Throws an Error naming every secret found in `data`, with a little context around each. */
export function assertNoSecrets(data: Uint8Array | string, secrets: string[]): void {
  const matches = findSecretMatches(data, secrets);
  if (matches.length === 0) return;
  const lines = matches.map(
    (m: SecretMatch) => `  - ${JSON.stringify(m.secret)} (${m.form}) in …${m.context}…`,
  );
  throw new Error(`Found ${matches.length} secret(s) in the data:\n${lines.join('\n')}`);
}

/**
 * Forgets the running client of the process (the one every module copy of every Faultline
 * package shares) and the last event id, after undoing what its `init` installed. For tests
 * that start the SDK more than once; call `close()` first to deliver what it holds.
 */
export function resetCurrentClient(): void {
  const state = carrier();
  try {
    state.current?.stop?.();
  } finally {
    delete state.current;
    delete state.lastEventId;
  }
}
