import { setKey } from './strings.js';

/**
 * Results of sanitizing a part that comes back unchanged with event after event (a stack frame
 * in an error storm), so it is scrubbed once rather than once per event. An entry is found by a
 * key (a frame's file) and reused only when every input it was made from holds the same value
 * as now: primitives compared by value, lists item by item. An object among the inputs never
 * matches (its contents could have changed), so whatever an app, an integration or `beforeSend`
 * changed is sanitized again, never served from here. At most `maxKeys` keys of `perKey`
 * entries each; when full it starts over.
 */
export interface PartCache<T> {
  get(key: string, inputs: readonly unknown[]): T | undefined;
  /** The first entry under `key` whose inputs pass `test` (which must compare as `get` does). */
  find(key: string, test: (inputs: readonly unknown[]) => boolean): T | undefined;
  /** `inputs` must be the caller's own copies (lists copied), never the app's arrays. */
  set(key: string, inputs: unknown[], out: T): void;
}

export function createPartCache<T>(maxKeys: number, perKey: number): PartCache<T> {
  let entries = new Map<string, Array<[unknown[], T]>>();
  return {
    get(key, inputs) {
      const list = entries.get(key);
      if (list) for (const [seen, out] of list) if (same(seen, inputs, true)) return out;
      return undefined;
    },
    find(key, test) {
      const list = entries.get(key);
      if (list) for (const [seen, out] of list) if (test(seen)) return out;
      return undefined;
    },
    set(key, inputs, out) {
      let list = entries.get(key);
      if (!list) {
        if (entries.size >= maxKeys) entries = new Map();
        list = [];
        entries.set(key, list);
      }
      if (list.length >= perKey) list.shift();
      list.push([inputs, out]);
    },
  };
}

/** Whether two input lists hold the same values; lists inside (one level) are compared item by item. */
function same(seen: readonly unknown[], now: readonly unknown[], nested: boolean): boolean {
  if (seen.length !== now.length) return false;
  for (let i = 0; i < seen.length; i++) {
    const a = seen[i];
    const b = now[i];
    if (typeof a === 'object' && a !== null) {
      if (!nested || !Array.isArray(a) || !Array.isArray(b) || !same(a, b, false)) return false;
    } else if (a !== b || typeof b === 'function') return false;
  }
  return true;
}

/** Marks where an object or a list starts in a flattened value (followed by its size). */
const OBJECT = Symbol('object');
const LIST = Symbol('list');
/** Values flattened at most; larger or deeper data, or longer strings, are not remembered. */
const MAX_VALUES = 2000;
const MAX_DEPTH = 12;
const MAX_STRING = 16_384;

/**
 * The values of plain data (objects with the plain prototype or none, arrays, primitives), keys
 * included, in the order they are read, appended to `out`; two inputs with equal lists are the
 * same data. Undefined for anything else, which is then sanitized every time: instances of
 * classes (Date, Map, errors…), `toJSON`, functions, data that is large, deep or unreadable.
 */
export function flatten(value: unknown, out: unknown[]): unknown[] | undefined {
  try {
    return walk(value, out, 0) ? out : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `value` flattens to `seen` from index `start` to its end; read like {@link flatten},
 * without building the list (an unchanged part costs no allocation but its keys).
 */
export function flattensTo(value: unknown, seen: readonly unknown[], start: number): boolean {
  try {
    return match(value, seen, start, 0) === seen.length;
  } catch {
    return false;
  }
}

/** The index in `seen` after `value`, or -1 where it differs. */
function match(value: unknown, seen: readonly unknown[], at: number, depth: number): number {
  if (typeof value !== 'object' || value === null)
    return typeof value !== 'function' && seen[at] === value ? at + 1 : -1;
  if (depth > MAX_DEPTH) return -1;
  if (Array.isArray(value)) {
    const length = value.length;
    if (seen[at] !== LIST || seen[at + 1] !== length) return -1;
    let next = at + 2;
    for (let i = 0; i < length && next >= 0; i++) next = match(value[i], seen, next, depth + 1);
    return next;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return -1;
  const keys = Object.keys(value);
  if (seen[at] !== OBJECT || seen[at + 1] !== keys.length) return -1;
  let next = at + 2;
  for (let i = 0; i < keys.length && next >= 0; i++) {
    const key = keys[i] as string;
    if (seen[next] !== key) return -1;
    next = match((value as Record<string, unknown>)[key], seen, next + 1, depth + 1);
  }
  return next;
}

function walk(value: unknown, out: unknown[], depth: number): boolean {
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'function' || (typeof value === 'string' && value.length > MAX_STRING)) return false;
    out.push(value);
    return out.length < MAX_VALUES;
  }
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    const length = value.length;
    out.push(LIST, length);
    for (let i = 0; i < length; i++) if (!walk(value[i], out, depth + 1)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  const keys = Object.keys(value);
  out.push(OBJECT, keys.length);
  for (const key of keys) {
    if (key === 'toJSON') return false;
    out.push(key);
    if (!walk((value as Record<string, unknown>)[key], out, depth + 1)) return false;
  }
  return true;
}

/** A deep copy of JSON data made by the sanitizer (plain objects, arrays, primitives). */
export function copyJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyJson) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) setKey(out, key, copyJson((value as Record<string, unknown>)[key]));
  return out as T;
}
