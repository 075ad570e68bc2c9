/**
 * The last step before an event leaves the page: one walk that makes it JSON-safe and bounded
 * (depth, breadth, string length, cycles, a budget of values) and scrubs it (values under
 * sensitive keys, secrets inside every string), then the ingest's field limits, then a size
 * check: an event over the limit is walked again with tighter bounds until it fits.
 */
import type { FaultlineEvent, WireEvent } from '@faultline/core';
import { isId, uuid } from './ids.js';
import { FILTERED, isSensitiveKey, type ScrubOptions, scrubText } from './scrub.js';

/** Largest event in bytes of UTF-8 JSON (the ingest's limit, https://develop.sentry.dev/sdk/data-model/envelopes/#size-limits). */
export const MAX_EVENT_BYTES = 1024 * 1024;

export interface Bounds {
  /** Levels of nesting from the event itself; deeper objects become `[Object]`, arrays `[Array]`. */
  depth: number;
  /** Properties per object and items per array (arrays keep their newest, last, items). */
  breadth: number;
  /** Longest string in UTF-16 units; longer ones end with `…`. */
  string: number;
  /** Values visited in all: bounds the work on objects that share subtrees. */
  nodes: number;
}

/** First try, then tighter bounds (and fewer fields) for an event that is too large. */
const ATTEMPTS: Bounds[] = [
  { depth: 12, breadth: 100, string: 8192, nodes: 20_000 },
  { depth: 10, breadth: 50, string: 1024, nodes: 2000 },
  { depth: 8, breadth: 20, string: 128, nodes: 500 },
];

/** Strings are scanned a little past their limit, so a secret cut by truncation is still recognised. */
const SCAN_MARGIN = 1024;

/**
 * Ingest limits of single fields (https://develop.sentry.dev/sdk/data-model/event-payloads/);
 * strings inside a field (tag values) inherit its limit.
 */
const FIELD_LIMITS: Record<string, number> = {
  environment: 64,
  dist: 64,
  release: 200,
  transaction: 200,
  tags: 200,
};

/** Cuts a string to at most `max` UTF-16 units (ellipsis included), never inside a surrogate pair. */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  const end = /[\uD800-\uDBFF]/.test(value[max - 2] ?? '') ? max - 2 : max - 1;
  return `${value.slice(0, end)}…`;
}

const utf8Length = (text: string) => new TextEncoder().encode(text).length;

/** Reads a property; getters and Proxy traps that throw read as a marker. */
function read(target: object, key: string | number): unknown {
  try {
    return (target as Record<string, unknown>)[key];
  } catch {
    return '[Threw]';
  }
}

/**
 * Returns a JSON-safe, bounded and scrubbed copy of `value`. Properties holding `undefined` are
 * left out, as JSON would. Never throws.
 */
export function clean(value: unknown, bounds: Bounds, scrub: ScrubOptions = {}): unknown {
  const ancestors: object[] = [];
  let nodes = 0;
  const text = (s: string, max = bounds.string) =>
    truncate(scrubText(s.slice(0, max + SCAN_MARGIN), scrub), max);

  const visit = (v: unknown, depth: number, max?: number): unknown => {
    if (++nodes > bounds.nodes) return '[Truncated]';
    try {
      if (typeof v === 'string') return text(v, max);
      // A JSON number that is a card number is one too.
      if (typeof v === 'number')
        return !Number.isFinite(v) ? `[${v}]` : text(String(v)) === String(v) ? v : FILTERED;
      if (v === null || typeof v === 'boolean') return v;
      if (typeof v === 'function') return `[Function: ${v.name || '<anonymous>'}]`;
      if (typeof v !== 'object') return text(String(v));
      if (ancestors.includes(v)) return '[Circular]';
      if (ArrayBuffer.isView(v)) return `[${v.constructor.name}]`;
      const isArray = Array.isArray(v);
      if (depth >= bounds.depth) return isArray ? '[Array]' : '[Object]';
      ancestors.push(v);
      try {
        // Dates and anything else with `toJSON` become what JSON would make of them.
        const toJSON = read(v, 'toJSON');
        if (typeof toJSON === 'function') return visit(toJSON.call(v), depth, max);
        if (v instanceof Map || v instanceof Set) return visit([...v], depth, max);
        if (isArray) {
          const items = v.slice(-bounds.breadth).map((item) => visit(item, depth + 1, max));
          return v.length > bounds.breadth ? [`[${v.length - bounds.breadth} more items]`, ...items] : items;
        }
        // No prototype: a `__proto__` key stays a key and never changes a prototype.
        const out: Record<string, unknown> = Object.create(null);
        // Errors keep what JSON would lose: name, message and stack are not enumerable.
        const keys = Object.keys(v);
        if (v instanceof Error) keys.unshift('name', 'message', 'stack', 'cause');
        for (const key of keys.slice(0, bounds.breadth)) {
          const item = read(v, key);
          if (item !== undefined)
            out[text(key)] =
              isSensitiveKey(key, false, scrub) && typeof item !== 'boolean' && item !== null
                ? FILTERED
                : visit(item, depth + 1, FIELD_LIMITS[key] ?? max);
        }
        if (keys.length > bounds.breadth) out['…'] = `[${keys.length - bounds.breadth} more keys]`;
        return out;
      } finally {
        ancestors.pop();
      }
    } catch {
      return '[Unserializable]';
    }
  };
  return visit(value, 0);
}

const LEVELS = ['fatal', 'error', 'warning', 'info', 'debug'];

/** The event's wire form, with the given bounds; `trim` leaves out what matters least. */
function toWire(event: FaultlineEvent, bounds: Bounds, scrub: ScrubOptions, trim: number): WireEvent {
  const { breadcrumbs, user } = event;
  const wire = clean(
    {
      ...event,
      ...(user && {
        user: scrub.sendDefaultPii
          ? user
          : { ...user, username: undefined, email: undefined, ip_address: undefined },
      }),
      breadcrumbs: breadcrumbs?.length && !trim ? { values: breadcrumbs } : undefined,
      ...(trim && { extra: undefined }),
      ...(trim > 1 && { contexts: undefined, request: undefined }),
    },
    bounds,
    scrub,
  ) as WireEvent;
  const tags: Record<string, string> = {};
  // Tag values may not contain newlines (https://develop.sentry.dev/sdk/data-model/event-payloads/#optional-attributes).
  for (const key in wire.tags) tags[truncate(key, 32)] = String(wire.tags[key]).replace(/[\r\n]+/g, ' ');
  wire.tags = tags;
  if (!isId(wire.event_id)) wire.event_id = uuid();
  if (typeof wire.timestamp !== 'number') wire.timestamp = Date.now() / 1000;
  if (!LEVELS.includes(wire.level)) wire.level = 'error';
  return wire;
}

/**
 * Turns the pipeline's event into its wire form, last thing before the envelope: every value
 * normalized and scrubbed, field limits applied, and the whole under {@link MAX_EVENT_BYTES}.
 */
export function sanitizeEvent(event: FaultlineEvent, scrub: ScrubOptions = {}): WireEvent {
  let wire: WireEvent | undefined;
  for (let i = 0; i < ATTEMPTS.length; i++) {
    wire = toWire(event, ATTEMPTS[i]!, scrub, i);
    if (utf8Length(JSON.stringify(wire)) <= MAX_EVENT_BYTES) break;
  }
  return wire!;
}
