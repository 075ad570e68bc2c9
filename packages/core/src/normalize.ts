/**
 * Turns any value into a JSON-safe copy that is bounded in depth, breadth and size.
 * Everything is read defensively: getters, Proxies (revoked ones included) and `toJSON`
 * methods may throw, and a throw only ever replaces the offending value by a marker.
 */

import { isSecretArg, isSecretCommand, redisPasswordAt, siblingSecrets } from './scrub-patterns.js';
import { firstKeys, moreKeys, setKey, truncate } from './strings.js';

export interface NormalizeOptions {
  /**
   * Levels of nesting kept; deeper objects become `[Object]`, deeper arrays `[Array]`.
   * @default 10
   */
  maxDepth?: number;
  /**
   * Properties kept per object and items per array (and Map/Set entries).
   * @default 100
   */
  maxBreadth?: number;
  /**
   * Longest string kept, in UTF-16 units; longer ones end with `…`.
   * @default 16384
   */
  maxStringLength?: number;
  /**
   * Keys whose values must never be read or copied: such a value becomes `[Filtered]`
   * (null and booleans are kept, they cannot hold a secret). Called with the full key, before
   * long keys are shortened, so a sensitive key cannot hide behind truncation.
   */
  filterKey?: (key: string) => boolean;
}

/** Total values visited per call: bounds work on DAGs that share subtrees many times. */
const MAX_NODES = 20_000;
/** Total string characters emitted per call. */
const MAX_TOTAL_CHARS = 4 * 1024 * 1024;
const MAX_KEY_LENGTH = 256;
const FILTERED_MARKER = '[Filtered]';

interface State {
  maxDepth: number;
  maxBreadth: number;
  maxString: number;
  filterKey: ((key: string) => boolean) | undefined;
  scrub: Scrubber | undefined;
  nodes: number;
  chars: number;
  ancestors: unknown[];
  /** The arguments of a command that failed to start and its command (`spawnargs`, `path`). */
  spawned: { args: unknown; command: string } | undefined;
}

const objectToString = Object.prototype.toString;

export { firstKeys, moreKeys, setKey, truncate };

/**
 * What the sanitizer does to each value while normalize copies it, so that the data is walked
 * once: `text` for every string (keys included, after they were bounded), `number` for numbers.
 */
export interface Scrubber {
  text(value: string): string;
  key(value: string): string;
  number(value: number): unknown;
}

/** Returns a JSON-safe, bounded copy of `value`. Never throws. */
export function normalize(value: unknown, options: NormalizeOptions = {}, scrub?: Scrubber): unknown {
  const state: State = {
    maxDepth: positive(options.maxDepth, 10),
    maxBreadth: positive(options.maxBreadth, 100),
    maxString: Math.max(2, positive(options.maxStringLength, 16_384)),
    filterKey: typeof options.filterKey === 'function' ? options.filterKey : undefined,
    scrub,
    nodes: 0,
    chars: 0,
    ancestors: [],
    spawned: undefined,
  };
  try {
    return visit(value, 0, state, true);
  } catch {
    return '[Unserializable]';
  }
}

/** A marker that names something of the app's (a class's tag, an error's name): scrubbed too. */
function marker(text: string, state: State): string {
  return state.scrub ? state.scrub.text(text) : text;
}

function positive(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
}

function str(value: string, state: State): string {
  const room = Math.max(2, Math.min(state.maxString, MAX_TOTAL_CHARS - state.chars));
  const out = truncate(value, room);
  state.chars += out.length;
  return state.scrub ? state.scrub.text(out) : out;
}

function visit(value: unknown, depth: number, state: State, allowToJSON: boolean): unknown {
  state.nodes += 1;
  if (state.nodes > MAX_NODES) return '[Truncated]';
  switch (typeof value) {
    case 'string':
      return str(value, state);
    case 'number':
      if (Number.isNaN(value)) return '[NaN]';
      if (!Number.isFinite(value)) return value > 0 ? '[Infinity]' : '[-Infinity]';
      return state.scrub ? state.scrub.number(value === 0 ? 0 : value) : value === 0 ? 0 : value;
    case 'boolean':
      return value;
    case 'undefined':
      return '[undefined]';
    case 'bigint':
      return str(value.toString(), state);
    case 'symbol':
      return str(String(value), state);
    case 'function':
      return str(`[Function: ${functionName(value)}]`, state);
  }
  if (value === null) return null;
  return visitObject(value as object, depth, state, allowToJSON);
}

function functionName(fn: Function): string {
  try {
    const name: unknown = fn.name;
    return typeof name === 'string' && name !== '' ? name : '<anonymous>';
  } catch {
    return '<anonymous>';
  }
}

function tagOf(value: object): string {
  try {
    return objectToString.call(value).slice(8, -1);
  } catch {
    // A revoked Proxy throws on every operation but typeof.
    return 'Proxy';
  }
}

function visitObject(value: object, depth: number, state: State, allowToJSON: boolean): unknown {
  if (state.ancestors.includes(value)) return '[Circular]';
  let tag = tagOf(value);
  if (tag === 'Proxy') return '[Proxy]';
  try {
    const special = leaf(value, tag, state);
    if (special !== undefined) return special;
  } catch {
    tag = 'Object';
  }
  let isArray = false;
  try {
    isArray = Array.isArray(value);
  } catch {
    return '[Proxy]';
  }
  if (depth >= state.maxDepth) return isArray ? '[Array]' : marker(`[${tag}]`, state);

  if (allowToJSON && !isArray) {
    let toJSON: unknown;
    try {
      toJSON = (value as { toJSON?: unknown }).toJSON;
    } catch {
      toJSON = undefined;
    }
    if (typeof toJSON === 'function') {
      try {
        return visit(toJSON.call(value), depth, state, false);
      } catch {
        return '[Unserializable]';
      }
    }
  }

  state.ancestors.push(value);
  try {
    if (isArray) return visitArray(value as unknown[], depth, state);
    if (tag === 'Map') return visitMap(value as Map<unknown, unknown>, depth, state);
    if (tag === 'Set') return visitArray(Array.from(value as Set<unknown>), depth, state);
    if (tag === 'Error' || value instanceof Error) return visitError(value as Error, depth, state);
    const [keys, more] = firstKeys(value, state.maxBreadth);
    return visitEntries(value, keys, more, depth, state);
  } catch {
    return '[Unserializable]';
  } finally {
    state.ancestors.pop();
  }
}

/** Values that become a single string (or a primitive), or undefined for containers. */
function leaf(value: object, tag: string, state: State): unknown {
  if (tag === 'Date') {
    const time = Date.prototype.getTime.call(value);
    return Number.isNaN(time) ? '[Invalid Date]' : new Date(time).toISOString();
  }
  if (ArrayBuffer.isView(value)) {
    const length = (value as { length?: unknown }).length;
    const size = typeof length === 'number' ? length : value.byteLength;
    return marker(`[${tag}(${size})]`, state);
  }
  if (tag === 'ArrayBuffer' || tag === 'SharedArrayBuffer') {
    return marker(`[${tag}(${(value as ArrayBuffer).byteLength})]`, state);
  }
  if (tag === 'RegExp') return str(String(value), state);
  if (tag === 'String' || tag === 'Number' || tag === 'Boolean' || tag === 'BigInt' || tag === 'Symbol') {
    return visit((value as { valueOf(): unknown }).valueOf(), 0, state, false);
  }
  if (tag === 'Promise' || tag === 'WeakMap' || tag === 'WeakSet' || tag === 'WeakRef') return `[${tag}]`;
  return undefined;
}

function child(
  key: string,
  read: () => unknown,
  depth: number,
  state: State,
  secret?: boolean,
): [string, unknown] {
  let shortKey = truncate(key, MAX_KEY_LENGTH);
  // With a scrubber, the bounded key is judged too, and its text scrubbed.
  const filtered =
    secret || state.filterKey?.(key) || (!!state.scrub && shortKey !== key && !!state.filterKey?.(shortKey));
  if (state.scrub) shortKey = state.scrub.key(shortKey);
  if (filtered) {
    let raw: unknown;
    try {
      raw = read();
    } catch {
      raw = FILTERED_MARKER;
    }
    return [shortKey, raw === null || typeof raw === 'boolean' ? raw : FILTERED_MARKER];
  }
  let raw: unknown;
  try {
    raw = read();
  } catch (error) {
    return [shortKey, marker(`[Threw: ${errorName(error)}]`, state)];
  }
  return [shortKey, visit(raw, depth + 1, state, true)];
}

function errorName(error: unknown): string {
  try {
    if (error instanceof Error) return error.name;
  } catch {
    // fall through
  }
  return typeof error;
}

function visitEntries(
  value: object,
  keys: string[],
  more: number,
  depth: number,
  state: State,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const limit = Math.min(keys.length, state.maxBreadth);
  more += keys.length - limit;
  // An object's members may name a secret sibling (`{ name: 'DB_PASSWORD', value }`, a JWK).
  let named: ((key: string) => boolean) | undefined;
  if (state.filterKey) {
    try {
      named = siblingSecrets(value, keys, state.filterKey, limit < 13);
    } catch {
      // A member that cannot be read names nothing.
    }
  }
  for (let i = 0; i < limit; i++) {
    const key = keys[i] as string;
    const [k, v] = child(key, () => (value as Record<string, unknown>)[key], depth, state, named?.(key));
    setKey(out, k, v);
  }
  if (more > 0) out['…'] = moreKeys(more);
  return out;
}

function visitArray(value: unknown[], depth: number, state: State): unknown[] {
  const length = value.length;
  const limit = Math.min(length, state.maxBreadth);
  const out: unknown[] = [];
  // An argument list (`process.argv`, a spawned command), a raw header list, a `[name, value]`
  // pair: a string is also read after the strings before it (`'--db-password', 'S3cret'`,
  // `'X-Api-Key', 'k3y'`, `'sshpass', '-p', 'S3cret'`).
  // Node's errors of a command that failed to start hold its arguments without the command.
  const before: string[] = state.spawned?.args === value ? [state.spawned.command] : [];
  const { filterKey, scrub } = state;
  const scrubLine = (line: string) => (scrub ? scrub.text(line) : line);
  let command = false;
  let password = -1;
  try {
    if (filterKey) password = redisPasswordAt(value);
    // The command of a failed spawn before its arguments, as on its command line.
    command =
      !!filterKey && isSecretCommand(before.length ? [...before, ...value.slice(0, 7)] : value, scrubLine);
  } catch {
    // An array that cannot be sliced: read item by item after flags only.
  }
  for (let i = 0; i < limit; i++) {
    let raw: unknown;
    try {
      raw = value[i];
    } catch (error) {
      out.push(marker(`[Threw: ${errorName(error)}]`, state));
      before.push('');
      continue;
    }
    const secret =
      i === password ||
      (!!filterKey &&
        typeof raw === 'string' &&
        before.length > 0 &&
        isSecretArg(before, raw, filterKey, scrubLine, length === 2, command));
    out.push(secret ? FILTERED_MARKER : visit(raw, depth + 1, state, true));
    before.push(typeof raw === 'string' ? raw : '');
    if (before.length > 8) before.shift();
  }
  if (length > limit) out.push(`[${length - limit} more items]`);
  return out;
}

function visitMap(value: Map<unknown, unknown>, depth: number, state: State): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let count = 0;
  const size = value.size;
  const entries: Array<[string, unknown]> = [];
  const seen = new Set<string>();
  for (const [rawKey, rawValue] of value) {
    if (count >= state.maxBreadth) break;
    count += 1;
    let key = typeof rawKey === 'string' ? rawKey : keyText(rawKey, state);
    if (seen.has(truncate(key, MAX_KEY_LENGTH))) key = `${key} (${count})`;
    seen.add(truncate(key, MAX_KEY_LENGTH));
    entries.push([key, rawValue]);
  }
  // Its entries may name a secret sibling as an object's members do (`name` beside `email`).
  let named: ((key: string) => boolean) | undefined;
  if (state.filterKey) {
    try {
      const view = Object.fromEntries(entries);
      named = siblingSecrets(view, Object.keys(view), state.filterKey, entries.length < 13);
    } catch {
      // An entry that cannot be read (a revoked Proxy) names nothing.
    }
  }
  for (const [key, rawValue] of entries) {
    const [k, v] = child(key, () => rawValue, depth, state, named?.(key));
    setKey(out, k, v);
  }
  if (size > count) out['…'] = `[${size - count} more entries]`;
  return out;
}

function keyText(key: unknown, state: State): string {
  const normalized = visit(key, state.maxDepth, state, false);
  return typeof normalized === 'string' ? normalized : String(normalized);
}

function visitError(error: Error, depth: number, state: State): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['name', 'message', 'stack']) {
    const [k, v] = child(key, () => (error as unknown as Record<string, unknown>)[key], depth, state);
    if (v !== '[undefined]') setKey(out, k, v);
  }
  const [own, more] = firstKeys(error, state.maxBreadth + 3);
  const keys = own.filter((k) => k !== 'name' && k !== 'message' && k !== 'stack');
  let cause: unknown;
  try {
    cause = 'cause' in error && !keys.includes('cause') ? error.cause : undefined;
  } catch {
    cause = undefined;
  }
  try {
    const { spawnargs, path } = error as { spawnargs?: unknown; path?: unknown };
    if (Array.isArray(spawnargs) && typeof path === 'string')
      state.spawned = { args: spawnargs, command: path };
  } catch {
    // Read as any other property.
  }
  Object.assign(out, visitEntries(error, keys, more, depth, state));
  if (cause !== undefined) out.cause = visit(cause, depth + 1, state, true);
  return out;
}
