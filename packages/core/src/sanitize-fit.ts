/**
 * Safe field access for events that user code may have tampered with, and the size fitting
 * that keeps a wire event under the ingest limit (https://develop.sentry.dev/sdk/data-model/envelopes/#size-limits).
 */
import { isId, nowSeconds, uuid4 } from './ids.js';
import { truncate } from './normalize.js';
import { toLevel } from './protocol.js';
import { scrubString } from './scrub.js';
import type { ExceptionValue, SeverityLevel, WireEvent } from './types.js';

/** Length in bytes of the UTF-8 encoding of `value` (a lone surrogate counts as U+FFFD). */
export function utf8Length(value: string): number {
  return new TextEncoder().encode(value).length;
}

/** Cuts a string so its UTF-8 encoding is at most `maxBytes` bytes, never inside a character. */
export function truncateUtf8(value: string, maxBytes: number): string {
  const bytes = new TextEncoder().encode(value);
  // A character cut in two decodes to one U+FFFD at the end (Encoding standard, end of stream).
  return bytes.length <= maxBytes
    ? value
    : new TextDecoder().decode(bytes.subarray(0, Math.max(0, maxBytes))).replace(/\uFFFD$/, '');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a property, treating getters and Proxy traps that throw as a missing value. */
export function readField(target: unknown, key: string): unknown {
  try {
    return typeof target === 'object' && target !== null
      ? (target as Record<string, unknown>)[key]
      : undefined;
  } catch {
    return undefined;
  }
}

/** Copies at most `max` items of an array, keeping its head, its tail, or both ends. */
export function readArray(value: unknown, max: number, keep: 'head' | 'tail' | 'ends'): unknown[] {
  try {
    if (!Array.isArray(value)) return [];
    const length = value.length;
    const kept = Math.min(length, max);
    const head = length <= max || keep === 'head' ? kept : keep === 'tail' ? 0 : Math.ceil(max / 2);
    const out: unknown[] = [];
    for (let i = 0; i < kept; i++) {
      // By number rather than through `readField(value, String(i))`: the same element (a
      // getter or a proxy sees the same key), without a string per index; one item that
      // throws still reads as undefined.
      let item: unknown;
      try {
        item = value[i < head ? i : length - kept + i];
      } catch {
        item = undefined;
      }
      out.push(item);
    }
    return out;
  } catch {
    return [];
  }
}

/** A 32-hex-digit id (dashes and upper case accepted and normalized), or undefined. */
export function validId(value: unknown): string | undefined {
  // Almost always an id the SDK made, in that form already: then nothing is copied.
  if (typeof value !== 'string') return undefined;
  if (isId(value)) return value;
  // (`isId` narrows a string it refuses to `never`.)
  const id = (value as string).replace(/-/g, '').toLowerCase();
  return isId(id) ? id : undefined;
}

export const validLevel: (value: unknown) => SeverityLevel = toLevel;

export function jsonBytes(value: unknown): number {
  return utf8Length(JSON.stringify(value) ?? '');
}

/** Truncates every string inside `value` (in place for arrays and objects). */
export function truncateAll(value: unknown, max: number): unknown {
  if (typeof value === 'string') return truncate(value, max);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = truncateAll(value[i], max);
  } else if (isRecord(value)) {
    for (const key of Object.keys(value)) value[key] = truncateAll(value[key], max);
  }
  return value;
}

function frames(event: WireEvent): Array<Record<string, unknown>> {
  return (event.exception?.values ?? []).flatMap(
    (v) => (v.stacktrace?.frames ?? []) as Array<Record<string, unknown>>,
  );
}

function dropOldestBreadcrumbs(event: WireEvent, size: number, max: number): void {
  const values = event.breadcrumbs?.values;
  if (!values) return;
  let dropped = 0;
  while (dropped < values.length && size > max) {
    size -= jsonBytes(values[dropped]) + 1;
    dropped += 1;
  }
  if (dropped >= values.length) delete event.breadcrumbs;
  else event.breadcrumbs = { values: values.slice(dropped) };
}

function dropLargestExtra(event: WireEvent, size: number, max: number): void {
  const extra = event.extra;
  if (!extra) return;
  const entries = Object.keys(extra)
    .map((key) => ({ key, bytes: jsonBytes(key) + jsonBytes(extra[key]) + 2 }))
    .sort((a, b) => b.bytes - a.bytes);
  for (const { key, bytes } of entries) {
    if (size <= max) break;
    delete extra[key];
    size -= bytes;
  }
  if (Object.keys(extra).length === 0) delete event.extra;
}

/** Trimming steps, least valuable data first. */
const STEPS: Array<(event: WireEvent, size: number, max: number) => void> = [
  dropOldestBreadcrumbs,
  dropLargestExtra,
  (event) => truncateAll(event, 4096),
  (event) => truncateAll(event, 1024),
  (event) => truncateAll(event, 256),
  (event) => {
    for (const frame of frames(event)) {
      delete frame.pre_context;
      delete frame.post_context;
      delete frame.context_line;
      delete frame.vars;
    }
  },
  (event) => {
    if (event.request) delete event.request.data;
  },
  (event) => {
    delete event.contexts;
    delete event.request;
    delete event.breadcrumbs;
    delete event.extra;
  },
  (event) => {
    for (const value of event.exception?.values ?? []) {
      const list = value.stacktrace?.frames;
      if (list && list.length > 10) value.stacktrace = { frames: [...list.slice(0, 5), ...list.slice(-5)] };
    }
  },
  (event) => truncateAll(event, 64),
];

/**
 * An upper bound of `jsonBytes(value)` for plain data, found without building the JSON: each
 * UTF-16 unit of a string takes at most 6 bytes (`\u001f`), a number at most 25 characters
 * (`-0.0000012345678901234567`: a sign, `0.`, five zeros and 17 digits).
 * Returns Infinity as soon as the bound passes `limit`, and for anything but plain data
 * (`toJSON`, a class instance, a deep or cyclic structure), which is then measured exactly.
 * `known` gives bounds already found for some fields of `value` itself, which are not walked.
 */
export function jsonBytesBound(
  value: unknown,
  limit: number,
  depth = 0,
  known?: Map<string, number>,
): number {
  if (typeof value === 'string') return value.length * 6 + 2;
  if (typeof value === 'number') return 25;
  if (typeof value === 'boolean' || value === null || value === undefined) return 9;
  if (typeof value !== 'object' || depth > 64) return Number.POSITIVE_INFINITY;
  let total = 2;
  if (Array.isArray(value)) {
    for (const item of value) {
      total += jsonBytesBound(item, limit - total, depth + 1) + 1;
      if (total > limit) return Number.POSITIVE_INFINITY;
    }
    return total;
  }
  const proto = Object.getPrototypeOf(value);
  if (
    (proto !== Object.prototype && proto !== null) ||
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  )
    return Number.POSITIVE_INFINITY;
  for (const key of Object.keys(value)) {
    total +=
      key.length * 6 +
      4 +
      (known?.get(key) ?? jsonBytesBound((value as Record<string, unknown>)[key], limit - total, depth + 1));
    if (total > limit) return Number.POSITIVE_INFINITY;
  }
  return total;
}

/**
 * `event`, or when its UTF-8 JSON does not fit in `max` bytes a copy trimmed until it does; never
 * returns a bigger event. `known` holds bounds of the JSON size of some of its fields, found
 * while they were built.
 */
export function fitEvent(event: WireEvent, max: number, known?: Map<string, number>): WireEvent {
  // Almost every event is far below the limit: then the bound alone shows it, and no JSON is built.
  if (jsonBytesBound(event, max, 0, known) <= max) return event;
  // Trimmed on a copy made from its JSON (the same JSON): parts of the event may be frozen,
  // shared with other events (see sanitize-memory.ts).
  event = JSON.parse(JSON.stringify(event));
  let size = jsonBytes(event);
  for (const step of STEPS) {
    if (size <= max) return event;
    step(event, size, max);
    size = jsonBytes(event);
  }
  return size <= max ? event : minimalEvent(event, 'size');
}

function describe(error: unknown): string {
  try {
    if (error === 'size') return 'it exceeded the size limit';
    return error instanceof Error
      ? `sanitizing failed: ${truncate(String(error.name), 64)}`
      : 'sanitizing failed';
  } catch {
    return 'sanitizing failed';
  }
}

function safeText(value: unknown, fallback: string): string {
  return typeof value === 'string' && /^[\w.@/ -]{1,64}$/.test(value) ? value : fallback;
}

/** The smallest valid event that still says something happened, with a note on why. */
export function minimalEvent(event: unknown, error: unknown): WireEvent {
  const timestamp = readField(event, 'timestamp');
  const sdk = readField(event, 'sdk');
  const out: WireEvent = {
    event_id: validId(readField(event, 'event_id')) ?? uuid4(),
    timestamp: typeof timestamp === 'number' && Number.isFinite(timestamp) ? timestamp : nowSeconds(),
    platform: safeText(readField(event, 'platform'), 'javascript'),
    level: validLevel(readField(event, 'level')),
    sdk: {
      name: safeText(readField(sdk, 'name'), 'faultline.javascript'),
      version: safeText(readField(sdk, 'version'), '0.0.0'),
    },
    message: `[Faultline] event reduced to a minimum: ${describe(error)}`,
  };
  const types = readArray(readField(readField(event, 'exception'), 'values'), 5, 'tail')
    .map((value) => readField(value, 'type'))
    .filter((type): type is string => typeof type === 'string' && /^[\w.$]{1,128}$/.test(type));
  if (types.length > 0)
    out.exception = { values: types.map((type): ExceptionValue => ({ type: scrubString(type) })) };
  return out;
}
