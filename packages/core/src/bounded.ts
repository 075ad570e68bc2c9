/**
 * Work bounded by the SDK's limits, not by the size of what the app hands over: a 50 MiB typed
 * array, an object with a million keys or a 10 MB string costs about as much as a small one.
 * Arrays and typed arrays are never enumerated key by key (their keys are their indexes), big
 * key lists are never sorted, and copies keep only what an event could carry.
 */
import { firstKeys, moreKeys, setKey, truncate } from './strings.js';

/** Keys (or entries) kept per copied object: what normalize keeps by default. */
export const MAX_COPIED_KEYS = 100;
/**
 * Longest string kept by a copy: normalize's default string limit (16 KiB) plus the 4 KiB the
 * sanitizer scans past any limit, so that a secret cut in half here is still whole where the
 * scrubber looks, and the cut half never reaches an event.
 */
export const MAX_COPIED_STRING = 16_384 + 4_096;

/**
 * Levels below the top that copies bound (a breadcrumb's `data` and the values in it, a
 * context's values and theirs). A huge object nested deeper is still enumerated by normalize
 * at each event.
 */
export const COPY_DEPTH = 2;

/** The index count of an array or typed array, undefined for anything else. */
function indexedLength(value: object): number | undefined {
  if (ArrayBuffer.isView(value)) {
    const length = (value as { length?: unknown }).length;
    return typeof length === 'number' ? length : 0;
  }
  return Array.isArray(value) ? value.length : undefined;
}

/** Keys sorted by {@link boundedKeys}: beyond this many, only the first this many are sorted. */
const SORTED_KEYS = 1000;

/**
 * The first `count` own enumerable keys in sorted order, as `Object.keys(value).sort()` would
 * begin; of a huge key list, only the first {@link SORTED_KEYS} (in enumeration order) are
 * sorted, never all. For arrays and typed arrays the first indexes, in numeric order, without
 * listing them all. May throw (Proxies).
 */
export function boundedKeys(value: object, count: number): string[] {
  const length = indexedLength(value);
  if (length !== undefined) {
    return Array.from({ length: Math.min(length, count) }, (_, i) => String(i));
  }
  return firstKeys(value, SORTED_KEYS, 0)[0].sort().slice(0, count);
}

/**
 * The first {@link MAX_COPIED_KEYS} own enumerable entries of an object (one fewer and a `…`
 * entry saying how many more, when there are more), values read defensively; nothing for arrays, typed arrays and non-objects (never their elements).
 */
export function boundedEntries(value: unknown): Array<[string, unknown]> {
  if (typeof value !== 'object' || value === null || indexedLength(value) !== undefined) return [];
  let keys: string[];
  let more: number;
  try {
    [keys, more] = firstKeys(value, MAX_COPIED_KEYS);
  } catch {
    // Keys that cannot be listed (a Proxy that throws): nothing is read, the event still goes.
    return [];
  }
  // With the `…` entry the copy holds at most the breadth an event keeps, so the entry survives.
  if (more > 0) keys.pop();
  const out: Array<[string, unknown]> = [];
  for (const key of keys) {
    let item: unknown;
    try {
      item = (value as Record<string, unknown>)[key];
    } catch {
      item = '[unreadable]';
    }
    out.push([key, item]);
  }
  if (more > 0) out.push(['…', moreKeys(more + 1)]);
  return out;
}

/**
 * A shallow copy of what a scope setter was given, bounded: at most {@link MAX_COPIED_KEYS}
 * own keys (a `…` key says how many more there were), strings cut to
 * {@link MAX_COPIED_STRING}, plain-object values copied the same way {@link COPY_DEPTH} levels down; a
 * string, typed array or other non-plain value given where an object belongs is kept as
 * `{ value }`, never split into one property per character or element. Written into `out`
 * when given (over what it holds), so a caller that adds defaults makes one object, not two.
 */
export function boundedCopy(
  value: unknown,
  depth = COPY_DEPTH,
  out: Record<string, unknown> = {},
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || indexedLength(value) !== undefined) {
    out.value = boundedValue(value, 0);
    return out;
  }
  for (const [key, item] of boundedEntries(value)) setKey(out, key, boundedValue(item, depth));
  return out;
}

/**
 * Strings cut to the copy limit, long arrays to their first items and a count, plain objects
 * copied bounded while `depth` lasts (so that a huge object is enumerated once, when it is set,
 * not at every event); anything else as is.
 */
export function boundedValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return truncate(value, MAX_COPIED_STRING);
  if (isLongArray(value)) {
    return [...value.slice(0, MAX_COPIED_KEYS), `[${value.length - MAX_COPIED_KEYS} more items]`];
  }
  try {
    if (depth > 0 && isPlainObject(value)) return boundedCopy(value, depth - 1);
  } catch {
    return '[unreadable]';
  }
  return value;
}

function isLongArray(value: unknown): value is unknown[] {
  try {
    return Array.isArray(value) && value.length > MAX_COPIED_KEYS;
  } catch {
    return false;
  }
}

function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  try {
    const proto = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
  } catch {
    return false;
  }
}

/**
 * `{ ...a, ...b }` for the capture path: the same own enumerable keys, later sources winning, a
 * `__proto__` key kept as data. A loop, because on Node 20 an object made by a spread takes a
 * slow path (microseconds) for every property added to it after the spread.
 */
export function merged<T extends object>(...sources: Array<object | null | undefined | false>): T {
  const out: Record<string, unknown> = {};
  for (const source of sources)
    if (source)
      try {
        for (const key of Object.keys(source)) setKey(out, key, (source as Record<string, unknown>)[key]);
      } catch {
        // A part that cannot be read (a Proxy that throws) adds what was read: the event still goes.
      }
  return out as T;
}
