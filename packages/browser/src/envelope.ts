/**
 * Envelope serialization (https://develop.sentry.dev/sdk/foundations/transport/envelopes/): a
 * JSON header line, then per item a JSON item header with the payload's `length` in UTF-8
 * bytes, and the payload line.
 */
import type { Envelope } from '@faultline/core';

const encoder = new TextEncoder();

/** Serializes an envelope with `sent_at` set now. Throws only for a payload JSON cannot hold (a cycle). */
export function serializeEnvelope({ headers, items }: Envelope): Uint8Array {
  // JSON.stringify escapes lone surrogates, so encoding the lines one by one or all at once
  // gives the same bytes, and the lengths below are exact.
  let text = JSON.stringify({ ...headers, sent_at: new Date().toISOString() });
  for (const [itemHeaders, payload] of items) {
    const json = JSON.stringify(payload);
    text += `\n${JSON.stringify({ ...itemHeaders, length: encoder.encode(json).length })}\n${json}`;
  }
  return encoder.encode(text);
}
