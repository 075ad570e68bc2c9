/**
 * Envelope serialization (https://develop.sentry.dev/sdk/foundations/transport/envelopes/): a
 * JSON header line, then per item a JSON item header with the payload's `length` in UTF-8
 * bytes, and the payload line.
 */
import type { Envelope } from '@faultline/core';

/** Serializes an envelope with `sent_at` set now. Throws only for a payload JSON cannot hold (a cycle). */
export const serializeEnvelope = ({ headers, items }: Envelope): Uint8Array => {
  // JSON.stringify escapes lone surrogates, so the lines hold only whole characters: a Blob's
  // size is their exact UTF-8 length, and encoding them one by one or all at once gives the same bytes.
  let text = JSON.stringify({ ...headers, sent_at: new Date().toISOString() });
  for (const [itemHeaders, payload] of items) {
    const json = JSON.stringify(payload);
    text += `\n${JSON.stringify({ ...itemHeaders, length: new Blob([json]).size })}\n${json}`;
  }
  return new TextEncoder().encode(text);
};
