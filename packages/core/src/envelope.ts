/**
 * Sentry envelopes: building, serializing and strictly parsing them.
 *
 * Format (https://develop.sentry.dev/sdk/foundations/transport/envelopes/): one JSON header
 * line, then per item a JSON item-header line and the payload. We always write `length` (in
 * UTF-8 bytes), as the spec recommends, so payloads never depend on newline framing.
 */

import { dsnToString, parseDsn } from './dsn.js';
import type {} from './globals.js';
import type { ClientReport, DataCategory, SessionUpdate, WireCheckIn, WireEvent } from './types.js';

export type EnvelopeItemType = 'event' | 'check_in' | 'client_report' | 'session';

export interface EnvelopeHeaders {
  event_id?: string;
  /** RFC 3339 UTC; written once, by {@link serializeEnvelope}. */
  sent_at?: string;
  /** Public DSN (never the secret key). */
  dsn?: string;
  sdk?: { name: string; version: string };
  [k: string]: unknown;
}

export interface ItemHeaders {
  type: string;
  /** Payload size in UTF-8 bytes. */
  length?: number;
  content_type?: string;
  [k: string]: unknown;
}

/** An item header and its payload: a JSON value, or a Uint8Array written as is. */
export type EnvelopeItem = [ItemHeaders, unknown];

export interface Envelope {
  headers: EnvelopeHeaders;
  items: EnvelopeItem[];
}

/** What every envelope header carries besides the per-envelope fields. */
export interface EnvelopeMeta {
  /** The DSN; only its public part is written (the secret key is dropped). */
  dsn?: string;
  sdk?: { name: string; version: string };
}

const NEWLINE = 0x0a;
const JSON_ITEM_TYPES = new Set<string>(['event', 'check_in', 'client_report', 'session']);

/** The last DSN reduced, and the result: a client sends every envelope with the same DSN. */
let lastDsn: [unknown, string | undefined] = ['', undefined];

/** A DSN without its secret key, or undefined when it cannot be parsed (it may hold a secret). */
function publicDsn(dsn: unknown): string | undefined {
  if (lastDsn[0] !== dsn) {
    const parsed = parseDsn(dsn as string);
    lastDsn = [dsn, parsed.ok ? dsnToString(parsed.dsn) : undefined];
  }
  return lastDsn[1];
}

/** `dsn` (public part) and `sdk`; absent ones are undefined, which JSON leaves out. */
const headersFromMeta = (meta: EnvelopeMeta | undefined) =>
  ({
    dsn: meta?.dsn && publicDsn(meta.dsn),
    sdk: meta?.sdk && { name: meta.sdk.name, version: meta.sdk.version },
  }) as EnvelopeHeaders;

/** An envelope holding one `event` item; the header carries the event's `event_id`. */
export const createEventEnvelope = (event: WireEvent, meta: EnvelopeMeta): Envelope => ({
  headers: { event_id: event.event_id, ...headersFromMeta(meta) },
  items: [[{ type: 'event' }, event]],
});

const single = (type: string, payload: unknown, meta: EnvelopeMeta): Envelope => ({
  headers: headersFromMeta(meta),
  items: [[{ type }, payload]],
});

/** An envelope holding one `check_in` item (the protocol allows one per envelope). */
export const createCheckInEnvelope = (checkIn: WireCheckIn, meta: EnvelopeMeta): Envelope =>
  single('check_in', checkIn, meta);

export const createClientReportEnvelope = (report: ClientReport, meta: EnvelopeMeta): Envelope =>
  single('client_report', report, meta);

export const createSessionEnvelope = (session: SessionUpdate, meta: EnvelopeMeta): Envelope =>
  single('session', session, meta);

/** A new envelope with `item` appended; the input is not modified. */
export const addItemToEnvelope = (env: Envelope, item: EnvelopeItem): Envelope => ({
  headers: env.headers,
  items: [...env.items, item],
});

/**
 * Serializes an envelope to bytes. Sets `sent_at` (replacing any earlier value, so it appears
 * once) and a byte-exact `length` on every item. A Uint8Array payload is written raw; any
 * other payload as compact JSON. The `dsn` header is reduced to its public part.
 * Throws JSON's own error if a payload cannot be turned into JSON (a cycle or a BigInt).
 */
export function serializeEnvelope(env: Envelope, now: Date = new Date()): Uint8Array {
  const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value) ?? 'null');
  const { dsn } = env.headers;
  const chunks: Uint8Array[] = [
    encode({ ...env.headers, sent_at: now.toISOString(), dsn: dsn && publicDsn(dsn) }),
  ];
  for (const [headers, payload] of env.items) {
    const bytes = payload instanceof Uint8Array ? payload : encode(payload);
    chunks.push(encode({ ...headers, length: bytes.length }), bytes);
  }
  // Every line ends with a newline, the last payload's too.
  const out = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.length + 1, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length + 1;
    out[offset - 1] = NEWLINE;
  }
  return out;
}

/**
 * The serialized envelope with its `sent_at` header set to `at`, for an envelope sent later
 * than it was serialized (a retry, one kept offline): the server corrects the event's clock
 * by the difference between `sent_at` and the time it receives it, so a stale `sent_at` would
 * move the event in time. Bytes whose first line is not a JSON object come back unchanged.
 */
export function stampSentAt(bytes: Uint8Array, at: Date): Uint8Array {
  try {
    const end = bytes.indexOf(NEWLINE);
    const first = end < 0 ? bytes.length : end;
    const headers: unknown = JSON.parse(new TextDecoder().decode(bytes.subarray(0, first)));
    if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return bytes;
    const line = new TextEncoder().encode(JSON.stringify({ ...headers, sent_at: at.toISOString() }));
    const out = new Uint8Array(line.length + bytes.length - first);
    out.set(line);
    out.set(bytes.subarray(first), line.length);
    return out;
  } catch {
    return bytes;
  }
}

class EnvelopeReader {
  private pos = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  /** Reads up to the next newline (consumed) or EOF. */
  line(): Uint8Array {
    const start = this.pos;
    let end = this.bytes.indexOf(NEWLINE, start);
    if (end === -1) end = this.bytes.length;
    this.pos = Math.min(end + 1, this.bytes.length);
    return this.bytes.subarray(start, end);
  }

  /** Reads exactly `length` bytes, which must be followed by a newline (consumed) or EOF. */
  exact(length: number, where: string): Uint8Array {
    const available = this.bytes.length - this.pos;
    if (length > available) {
      throw malformed(`${where}: length ${length} exceeds the ${available} bytes left`);
    }
    const payload = this.bytes.slice(this.pos, this.pos + length);
    this.pos += length;
    if (this.pos < this.bytes.length) {
      const next = this.bytes[this.pos];
      if (next !== NEWLINE) {
        throw malformed(
          `${where}: expected a newline after ${length} payload bytes, found byte 0x${hex(next)}`,
        );
      }
      this.pos += 1;
    }
    return payload;
  }

  text(bytes: Uint8Array, where: string): string {
    try {
      return this.decoder.decode(bytes);
    } catch {
      throw malformed(`${where} is not valid UTF-8`);
    }
  }

  headerObject(where: string): Record<string, unknown> {
    const text = this.text(this.line(), where);
    if (text.trim() !== text) throw malformed(`${where} has leading or trailing whitespace`);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw malformed(`${where} is not JSON: ${preview(text)}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw malformed(`${where} is not a JSON object: ${preview(text)}`);
    }
    return value as Record<string, unknown>;
  }
}

function malformed(message: string): Error {
  return new Error(`Malformed envelope: ${message}`);
}

function hex(byte: number | undefined): string {
  return (byte ?? 0).toString(16).padStart(2, '0');
}

function preview(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

function isJsonContentType(contentType: string): boolean {
  const base = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return base === 'application/json' || base.endsWith('+json');
}

function decodePayload(
  reader: EnvelopeReader,
  headers: ItemHeaders,
  bytes: Uint8Array,
  where: string,
): unknown {
  const declared = typeof headers.content_type === 'string' ? headers.content_type : undefined;
  if (declared !== undefined && !isJsonContentType(declared)) return bytes;
  const mustBeJson = declared !== undefined || JSON_ITEM_TYPES.has(headers.type);
  let text: string;
  try {
    text = reader.text(bytes, `${where} payload`);
  } catch (error) {
    if (mustBeJson) throw error;
    return bytes;
  }
  try {
    return JSON.parse(text);
  } catch {
    if (mustBeJson) throw malformed(`${where} payload is not JSON: ${preview(text)}`);
    return bytes;
  }
}

/**
 * Parses envelope bytes strictly, following the framing rules of the protocol: every header
 * line is a JSON object without surrounding whitespace, every item has a `type`, `length` is
 * honoured and must be followed by a newline or the end, and nothing may follow the final
 * newline. Throws an Error naming the violation. JSON payloads are returned parsed; a payload
 * with a non-JSON `content_type` (or, for unknown item types, one that is not JSON) is
 * returned as a Uint8Array.
 */
export function parseEnvelope(input: Uint8Array | string): Envelope {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  if (bytes.length === 0) throw malformed('empty input (the envelope header is required)');
  const reader = new EnvelopeReader(bytes);
  const headers = reader.headerObject('envelope header') as EnvelopeHeaders;
  const items: EnvelopeItem[] = [];
  while (!reader.done) {
    const where = `item ${items.length}`;
    const itemHeaders = reader.headerObject(`${where} header`);
    const type = itemHeaders.type;
    if (typeof type !== 'string' || type === '') throw malformed(`${where} header has no "type"`);
    const length = itemHeaders.length;
    let payload: Uint8Array;
    if (length === undefined) {
      payload = reader.line().slice();
    } else {
      if (typeof length !== 'number' || !Number.isInteger(length) || length < 0) {
        throw malformed(`${where} header has an invalid length ${JSON.stringify(length)}`);
      }
      payload = reader.exact(length, where);
    }
    const typed = itemHeaders as ItemHeaders;
    items.push([typed, decodePayload(reader, typed, payload, where)]);
  }
  return { headers, items };
}

/** The rate-limit / client-report category of an item type. */
export function itemCategory(type: string): DataCategory {
  switch (type) {
    case 'event':
      return 'error';
    case 'check_in':
      return 'monitor';
    case 'session':
      return 'session';
    case 'client_report':
      return 'internal';
    default:
      return 'default';
  }
}

/** The category of each item, in item order. */
export function envelopeCategories(env: Envelope): DataCategory[] {
  return env.items.map(([headers]) => itemCategory(headers.type));
}
