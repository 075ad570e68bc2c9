/**
 * Opt-in record of every envelope the tests deliver, for the conformance check
 * (`packages/core/test/conformance.test.ts`): with `FAULTLINE_ENVELOPE_LOG=<file>` set, each
 * envelope a test receiver parses is appended to that file as one JSON line
 * `{source, headers, items: [{type, payload}]}`. Without it, nothing is written.
 */
import { appendFileSync } from 'node:fs';
import type { Envelope } from '../packages/core/src/envelope.js';

export const ENVELOPE_LOG = 'FAULTLINE_ENVELOPE_LOG';

export function logEnvelope(source: string, envelope: Envelope): void {
  const file = process.env[ENVELOPE_LOG];
  if (!file) return;
  const items = envelope.items.map(([headers, payload]) => ({
    type: headers.type,
    payload: payload instanceof Uint8Array ? `[${payload.length} bytes]` : payload,
  }));
  appendFileSync(file, `${JSON.stringify({ source, headers: envelope.headers, items })}\n`);
}
