/**
 * What the sanitizer remembers between events, for runtimes where errors come in storms: the
 * same frames, request, user, contexts, tags, extra and breadcrumbs come back with event after
 * event, and are scrubbed once rather than once per event. A result is reused only when its
 * input holds the same plain data as when it was sanitized, read value by value (keys, strings,
 * numbers, list lengths), under the same limits and PII setting: whatever the app, an
 * integration or `beforeSend` changed, in place or not, is sanitized again. Anything but plain
 * data (class instances, `toJSON`, functions, large or deep values) is sanitized every time.
 * A remembered result is frozen, deeply, and handed to every event that holds the same data:
 * steps after the sanitizer copy what they change (the protocol step copies the parts it
 * rewrites, size fitting copies the event before trimming it), so one event can never change
 * what another carries.
 */
import { allWellFormed, type KnownParts } from './protocol.js';

/** A sanitized part and a bound of the size of its JSON. */
export interface Sized<T> {
  out: T;
  bound: number;
}

/** What is remembered: a stack frame (by its file) or a part of the event (by its name). */
export type Kind = 0 | 1;

export interface SanitizeMemory extends KnownParts {
  /**
   * `make()` for `raw`, or what it gave for the same data before. `key` names the part
   * (`request`); a frame (kind 0) is kept under its own `filename`, read here. A missing part and
   * a frame without a file name are made every time. `limits` is what the result depends on
   * besides `raw`.
   */
  recall<T>(
    kind: Kind,
    key: string,
    raw: unknown,
    limits: readonly unknown[],
    make: () => Sized<T>,
  ): Sized<T>;
  /**
   * Remembered results (frozen, deeply) known to hold no lone surrogate: the protocol step
   * need not read them again (see `normalizeEvent`).
   */
  wellFormed: WeakSet<object>;
  /**
   * `make(part)` for a remembered result (one of `wellFormed`: frozen, so `make` would give the
   * same every time), made once, frozen and handed to every event holding that result; for any
   * other value, `make(part)` itself. The protocol step types remembered contexts through it.
   */
  once<T>(part: unknown, make: (part: any) => T): T;
}

/** Results remembered in all, and per key (and line); when full it starts over. */
const MAX_ENTRIES = 512;
const PER_KEY = 16;
/**
 * Values read at most, and characters of their strings (keys included): larger or deeper data is
 * not remembered, so what is held stays within about 32 KiB per result and 16 MiB in all.
 */
const MAX_VALUES = 2000;
const MAX_DEPTH = 12;
const MAX_STRING = 16_384;
const MAX_CHARS = 16_384;
/** Marks where an object or a list starts in a flattened value (followed by its size). */
const OBJECT = Symbol('object');
const LIST = Symbol('list');

/** The fields of a stack frame a sanitized frame is made of (`vars` makes it a part of its own). */
const FRAME_FIELDS = [
  // The line first: frames are kept per file and line.
  'lineno',
  'colno',
  'function',
  'filename',
  'abs_path',
  'module',
  'in_app',
  'pre_context',
  'context_line',
  'post_context',
  'vars',
];

type Entries = Map<string, Map<unknown, Array<[unknown[], Sized<unknown>]>>>;

export function createSanitizeMemory(): SanitizeMemory {
  const kinds: Entries[] = [new Map(), new Map()];
  const wellFormed = new WeakSet<object>();
  /** What `once` made, per remembered result: held while the result is. */
  const made = new WeakMap<object, unknown>();
  let count = 0;
  return {
    wellFormed,
    once(part, make) {
      if (!wellFormed.has(part as object)) return make(part);
      if (!made.has(part as object)) made.set(part as object, settle(make(part)));
      return made.get(part as object) as ReturnType<typeof make>;
    },
    recall(kind, key, raw, limits, make) {
      const name = kind ? key : fileOf(raw);
      if (typeof name !== 'string' || raw === undefined) return make();
      const entries = kinds[kind] as Entries;
      // A frame is kept under its file and line and compared field by field as it is read; other
      // parts are compared as they are read too. Nothing is copied unless it is new.
      const line = kind ? undefined : lineOf(raw);
      let byLine = entries.get(name);
      let list = byLine?.get(line);
      // Newest first: a part that changes now and then (the contexts' memory figures, read once a
      // second) is found at once, not after every version it had before.
      for (let i = (list?.length ?? 0) - 1; i >= 0; i--) {
        const [seen, sized] = (list as Array<[unknown[], Sized<unknown>]>)[i] as [unknown[], Sized<unknown>];
        if (
          kind ? startsWith(seen, limits) && readsAs(raw, seen, limits.length) : sameFrame(seen, raw, limits)
        )
          return sized as ReturnType<typeof make>;
      }
      // A new frame's fields are read once, its source lines copied (one level of lists, no
      // objects), to be compared with the frames that follow.
      const inputs = kind ? undefined : frameFields(raw, limits);
      // Read before it is sanitized, so what is kept is what was sanitized.
      const flat: unknown[] = limits.slice();
      const plain = inputs ? inputs !== NOT_PLAIN : flatten(raw, flat);
      const made = make();
      if (plain && chars(inputs ?? flat) <= MAX_CHARS) {
        if (count >= MAX_ENTRIES) {
          for (const each of kinds) each.clear();
          count = 0;
          byLine = list = undefined;
        }
        if (!byLine) {
          byLine = new Map();
          entries.set(name, byLine);
        }
        if (!list) {
          list = [];
          byLine.set(line, list);
        }
        if (list.length >= PER_KEY) {
          list.shift();
          count--;
        }
        const out = settle(made.out);
        if (typeof out === 'object' && out !== null && allWellFormed(out)) wellFormed.add(out);
        list.push([inputs ?? flat, { out, bound: made.bound }]);
        count++;
      }
      return made;
    },
  };
}

const NOT_PLAIN: unknown[] = [];

/** Characters of the strings in a list of inputs, lists inside included. */
function chars(inputs: readonly unknown[]): number {
  let total = 0;
  for (const item of inputs) {
    if (typeof item === 'string') total += item.length;
    else if (Array.isArray(item)) total += chars(item);
  }
  return total;
}

/**
 * A frame's fields (lists copied), then `limits`; {@link NOT_PLAIN} when a field is an object or
 * unreadable. Read by name, in {@link FRAME_FIELDS} order: frames come in a few shapes, which a
 * read by name remembers, where a read by a variable key is looked up anew every time.
 */
function frameFields(frame: unknown, limits: readonly unknown[]): unknown[] {
  try {
    const f = frame as Record<string, unknown>;
    const out = [
      f.lineno,
      f.colno,
      f.function,
      f.filename,
      f.abs_path,
      f.module,
      f.in_app,
      f.pre_context,
      f.context_line,
      f.post_context,
      f.vars,
    ];
    for (let i = 0; i < out.length; i++) {
      const value = out[i];
      if (Array.isArray(value)) {
        const lines = value.slice();
        for (const line of lines) if (typeof line !== 'string') return NOT_PLAIN;
        out[i] = lines;
      } else if ((typeof value === 'object' && value !== null) || typeof value === 'function')
        return NOT_PLAIN;
    }
    for (const limit of limits) out.push(limit);
    return out;
  } catch {
    return NOT_PLAIN;
  }
}

/** A frame's file name, the key its results are kept under; undefined if unreadable. */
function fileOf(frame: unknown): unknown {
  try {
    return (frame as Record<string, unknown>).filename;
  } catch {
    return undefined;
  }
}

/** A frame's line, the key its results are kept under within its file; undefined if unreadable. */
function lineOf(frame: unknown): unknown {
  try {
    return (frame as Record<string, unknown>).lineno;
  } catch {
    return undefined;
  }
}

/** Whether a value read now is the one read before: the same primitive, or a list with the same items. */
function same(now: unknown, was: unknown): boolean {
  if (now === was) return true;
  // `was` holds primitives and lists of its own, never an object of the frame's.
  if (!Array.isArray(now) || !Array.isArray(was) || now.length !== was.length) return false;
  for (let j = 0; j < was.length; j++) if (now[j] !== was[j]) return false;
  return true;
}

/**
 * Whether `frame` now reads as the inputs `seen` were read from it by {@link frameFields}, field
 * by field (by name, in the same order), source lines item by item, without building a list of
 * its own.
 */
function sameFrame(seen: readonly unknown[], frame: unknown, limits: readonly unknown[]): boolean {
  const fields = FRAME_FIELDS.length;
  if (seen.length !== fields + limits.length) return false;
  try {
    const f = frame as Record<string, unknown>;
    if (
      !(
        same(f.lineno, seen[0]) &&
        same(f.colno, seen[1]) &&
        same(f.function, seen[2]) &&
        same(f.filename, seen[3]) &&
        same(f.abs_path, seen[4]) &&
        same(f.module, seen[5]) &&
        same(f.in_app, seen[6]) &&
        same(f.pre_context, seen[7]) &&
        same(f.context_line, seen[8]) &&
        same(f.post_context, seen[9]) &&
        same(f.vars, seen[10])
      )
    )
      return false;
  } catch {
    return false;
  }
  for (let i = 0; i < limits.length; i++) if (seen[fields + i] !== limits[i]) return false;
  return true;
}

function startsWith(seen: readonly unknown[], limits: readonly unknown[]): boolean {
  for (let i = 0; i < limits.length; i++) if (seen[i] !== limits[i]) return false;
  return true;
}

/** Appends the values of plain data to `out`, keys included; false for anything else. */
function flatten(value: unknown, out: unknown[], depth = 0): boolean {
  try {
    if (typeof value !== 'object' || value === null) {
      if (typeof value === 'function' || (typeof value === 'string' && value.length > MAX_STRING))
        return false;
      return out.push(value) < MAX_VALUES;
    }
    if (depth > MAX_DEPTH) return false;
    if (Array.isArray(value)) {
      out.push(LIST, value.length);
      return value.every((item) => flatten(item, out, depth + 1));
    }
    const keys = plainKeys(value);
    if (!keys) return false;
    out.push(OBJECT, keys.length);
    return keys.every(
      (key) => out.push(key) && flatten((value as Record<string, unknown>)[key], out, depth + 1),
    );
  } catch {
    return false;
  }
}

/** Whether `value` flattens to `seen` from `start` to its end, read without building a list. */
function readsAs(value: unknown, seen: readonly unknown[], start: number): boolean {
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
    const size = value.length;
    if (seen[at] !== LIST || seen[at + 1] !== size) return -1;
    let next = at + 2;
    for (let i = 0; i < size && next >= 0; i++) next = match(value[i], seen, next, depth + 1);
    return next;
  }
  if (seen[at] !== OBJECT || !plainProto(value)) return -1;
  // Keys read as `for…in` gives them, without a list of its own: own keys in the order
  // Object.keys gives them, then any inherited enumerable one, which cannot match what
  // `flatten` read.
  const size = seen[at + 1] as number;
  let next = at + 2;
  let count = 0;
  for (const key in value) {
    if (key === 'toJSON' || ++count > size || seen[next] !== key) return -1;
    next = match((value as Record<string, unknown>)[key], seen, next + 1, depth + 1);
    if (next < 0) return -1;
  }
  return count === size ? next : -1;
}

/** Whether an object has the plain prototype or none. */
function plainProto(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The keys of an object with the plain prototype or none and no `toJSON`; undefined otherwise. */
function plainKeys(value: object): string[] | undefined {
  const keys = plainProto(value) ? Object.keys(value) : undefined;
  return keys?.includes('toJSON') ? undefined : keys;
}

/**
 * `value` (JSON data the sanitizer made: plain objects, arrays, primitives, all its own) frozen
 * with everything in it, so that no event it is handed to can change it for the next.
 */
function settle<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const key in value) if (Object.hasOwn(value, key)) settle(value[key]);
    Object.freeze(value);
  }
  return value;
}
