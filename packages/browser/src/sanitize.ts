/**
 * The last step before an event leaves the page: one walk that makes it JSON-safe and bounded
 * (depth, breadth, string length, cycles, a budget of values) and scrubs it (values under
 * sensitive keys, secrets inside every string), then the ingest's field limits, then a size
 * check: an event over the limit is walked again with tighter bounds until it fits.
 */
import {
  type CompiledScrub,
  compileScrub,
  type FaultlineEvent,
  FILTERED,
  isId,
  isSensitiveKeyWith,
  type ScrubOptions,
  scrubText,
  uuid4,
  type WireEvent,
} from '@faultline/core';
import { wellFormedText } from '@faultline/core/protocol';

/** Largest event in bytes of UTF-8 JSON (the ingest's limit, https://develop.sentry.dev/sdk/data-model/envelopes/#size-limits). */
export const MAX_EVENT_BYTES = 2 ** 20;

/**
 * Levels of nesting from the event itself (deeper objects become `[Object]`, arrays `[Array]`);
 * properties per object and items per array (arrays keep their newest, last, items); longest
 * string in UTF-16 units (longer ones end with `…`); values visited in all (bounds the work on
 * objects that share subtrees).
 */
export type Bounds = [depth: number, breadth: number, string: number, nodes: number];

/**
 * First try, then tighter bounds for an event that is too large, leaving out breadcrumbs and
 * extra (second try), then contexts and request too (third). The last one always fits: 500
 * values of at most 128 units, keys included, are far below the limit.
 */
const ATTEMPTS: Bounds[] = [
  [12, 100, 8192, 2e4],
  [10, 50, 1024, 2e3],
  [8, 20, 128, 500],
];

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

const ELLIPSIS = '…';

/** Cuts a string to at most `max` UTF-16 units (ellipsis included), never inside a surrogate pair. */
export const truncate = (value: string, max: number): string =>
  value.length > max ? `${value.slice(0, max - 1).replace(/[\uD800-\uDBFF]$/, '')}${ELLIPSIS}` : value;

/** Reads a property; getters and Proxy traps that throw read as a marker. */
const read = (target: any, key: string): any => {
  try {
    return target[key];
  } catch {
    return '[Threw]';
  }
};

/**
 * Returns a JSON-safe, bounded and scrubbed copy of `value`. Properties holding `undefined` are
 * left out, as JSON would. Never throws.
 */
export function clean(
  value: unknown,
  [depth, breadth, string, nodes]: Bounds,
  scrub: CompiledScrub = compileScrub(),
): unknown {
  // The objects on the way from the root: `path[level]` is the one being visited at that level.
  const path: unknown[] = [];
  // Strings are scanned a little past their limit, so a secret cut by truncation is still recognised.
  // Lone surrogates would cost the whole event at the ingest (`protocol.ts`).
  const text = (s: string, max = string) =>
    truncate(scrubText(wellFormedText(s.slice(0, max + 1024)), scrub), max);

  const visit = (v: any, level: number, max?: number): unknown => {
    if (--nodes < 0) return '[Truncated]';
    try {
      const type = typeof v;
      if (type === 'function') return `[Function: ${v.name || '<anonymous>'}]`;
      if (v === null || v === !!v) return v;
      // A JSON number that is a card number is one too; `v - v` is 0 for finite numbers only.
      if (type === 'number') return v - v !== 0 ? `[${v}]` : +text(`${v}`) === v ? v : FILTERED;
      if (type !== 'object') return text(String(v), max);
      if (ArrayBuffer.isView(v)) return `[${v.constructor.name}]`;
      if (path.slice(0, level).includes(v)) return '[Circular]';
      path[level] = v;
      // Dates and anything else with `toJSON` become what JSON would make of them.
      const toJSON = read(v, 'toJSON');
      if (typeof toJSON === 'function') return visit(toJSON.call(v), level, max);
      if (v instanceof Map || v instanceof Set) return visit([...v], level, max);
      const isArray = Array.isArray(v);
      if (level++ >= depth) return `[${isArray ? 'Array' : 'Object'}]`;
      if (isArray) {
        const items = v.slice(-breadth).map((item: unknown) => visit(item, level, max));
        return v.length > breadth ? [`[${v.length - breadth} more items]`, ...items] : items;
      }
      // No prototype: a `__proto__` key stays a key and never changes a prototype.
      const out: any = { __proto__: null };
      // Errors keep what JSON would lose: name, message and stack are not enumerable.
      const keys = Object.keys(v);
      if (v instanceof Error) keys.unshift('name', 'message', 'stack', 'cause');
      for (const key of keys.slice(0, breadth)) {
        const item = read(v, key);
        if (item !== undefined)
          out[text(key)] =
            isSensitiveKeyWith(key, scrub) && item !== null && item !== !!item
              ? FILTERED
              : visit(item, level, +FIELD_LIMITS[key]! || max);
      }
      if (keys.length > breadth) out[ELLIPSIS] = `[${keys.length - breadth} more keys]`;
      return out;
    } catch {
      return '[Unserializable]';
    }
  };
  return visit(value, 0);
}

/**
 * Turns the pipeline's event into its wire form, last thing before the envelope: every value
 * normalized and scrubbed, field limits applied, and the whole under {@link MAX_EVENT_BYTES}.
 */
export function sanitizeEvent(event: FaultlineEvent, options: ScrubOptions = {}): WireEvent {
  const { breadcrumbs, user } = event;
  const scrub = compileScrub(options);
  // Fields set to `none` (undefined) are left out.
  let wire: any;
  let none: undefined;
  ATTEMPTS.some((bounds, trim) => {
    wire = clean(
      {
        ...event,
        user: user && !scrub.pii ? { ...user, username: none, email: none, ip_address: none } : user,
        breadcrumbs: breadcrumbs?.length && !trim ? { values: breadcrumbs } : none,
        ...(trim && { extra: none }),
        ...(trim > 1 && { contexts: none, request: none }),
      },
      bounds,
      scrub,
    );
    if (!isId(wire.event_id)) wire.event_id = uuid4();
    return new Blob([JSON.stringify(wire)]).size <= MAX_EVENT_BYTES;
  });
  return wire;
}
