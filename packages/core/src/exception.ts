import { boundedKeys, merged } from './bounded.js';
import { parseStack, type StackParser } from './stack-parse.js';
import type { ExceptionValue, Mechanism } from './types.js';

export interface ExceptionFromValueOptions {
  /** Mechanism of the thrown (top-level) exception, e.g. `{ type: 'generic', handled: true }`. */
  mechanism: Mechanism;
  /**
   * How many links of `cause` / `AggregateError.errors` to follow from the thrown value.
   * @default 5
   */
  maxCauseDepth?: number;
  /** An error made at capture time: its stack stands in when the thrown value is not an error. */
  syntheticException?: Error;
  /** Turns a stack into frames. @default the built-in `parseStack` */
  parseStack?: StackParser;
}

/** Default for {@link ExceptionFromValueOptions.maxCauseDepth}. */
export const DEFAULT_MAX_CAUSE_DEPTH = 5;

/** At most this many exception values per event (unless maxCauseDepth asks for a longer chain). */
const MAX_EXCEPTION_VALUES = 20;
const MAX_KEYS_IN_MESSAGE = 10;

interface Linked {
  value: unknown;
  source: string;
  parent: number;
  depth: number;
}

/**
 * Turns anything that was thrown into Sentry exception values
 * (https://develop.sentry.dev/sdk/foundations/transport/event-payloads/exception/).
 * Linked errors (`cause`, `AggregateError.errors`, nested) come first and the thrown value
 * last, as the protocol wants. When there are linked errors every value gets an `exception_id`
 * (0 for the thrown value, counting up towards the start of the list) and linked ones a
 * `parent_id`, `source` and mechanism type `chained`. Bounded, cycle-safe, never throws.
 */
export function exceptionFromValue(
  value: unknown,
  options: ExceptionFromValueOptions,
): { values: ExceptionValue[] } {
  try {
    return { values: collect(value, options) };
  } catch {
    return {
      values: [
        {
          type: 'Error',
          value: 'Unreadable value captured as exception',
          mechanism: { ...options.mechanism },
        },
      ],
    };
  }
}

function collect(thrown: unknown, options: ExceptionFromValueOptions): ExceptionValue[] {
  const requested = options.maxCauseDepth ?? DEFAULT_MAX_CAUSE_DEPTH;
  const maxDepth = Number.isNaN(requested)
    ? DEFAULT_MAX_CAUSE_DEPTH
    : Math.min(Math.max(0, Math.floor(requested)), 100);
  const maxValues = Math.max(MAX_EXCEPTION_VALUES, maxDepth + 1);
  const parse = options.parseStack ?? parseStack;
  const { exception: top, synthetic } = single(thrown, parse, options.syntheticException);
  top.mechanism = merged<Mechanism>(options.mechanism, synthetic && { synthetic: true });

  // Discovery order: the thrown value is 0, each linked value gets the next number. This is
  // the `exception_id`, and the list is sent in reverse so that id 0 is the last value.
  const found: ExceptionValue[] = [top];
  const seen = new Set<unknown>();
  if (isObjectLike(thrown)) seen.add(thrown);
  let groups = markGroup(top, thrown);

  // Depth-first, `cause` before `errors[i]`, as Sentry's linked-errors integration walks them.
  const stack: Linked[] = linksOf(thrown, 0, 0).reverse();
  while (stack.length > 0 && found.length < maxValues) {
    const link = stack.pop()!;
    if (link.depth > maxDepth) continue;
    if (isObjectLike(link.value)) {
      if (seen.has(link.value)) continue;
      seen.add(link.value);
    }
    const id = found.length;
    const linked = single(link.value, parse).exception;
    linked.mechanism = {
      type: 'chained',
      ...(options.mechanism.handled === undefined ? {} : { handled: options.mechanism.handled }),
      source: link.source,
      exception_id: id,
      parent_id: link.parent,
    };
    if (markGroup(linked, link.value)) groups++;
    found.push(linked);
    stack.push(...linksOf(link.value, id, link.depth).reverse());
  }

  if (found.length > 1 || groups > 0) top.mechanism = merged<Mechanism>(top.mechanism, { exception_id: 0 });
  return found.reverse();
}

/** `AggregateError`-like values are exception groups. Returns 1 when `exception` was marked. */
function markGroup(exception: ExceptionValue, value: unknown): number {
  if (!exception.mechanism || !isArray(safeGet(value, 'errors')) || !isErrorLike(value)) return 0;
  exception.mechanism = merged<Mechanism>(exception.mechanism, { is_exception_group: true });
  return 1;
}

function linksOf(value: unknown, parent: number, depth: number): Linked[] {
  if (!isObjectLike(value)) return [];
  const links: Linked[] = [];
  const cause = safeGet(value, 'cause');
  if (cause !== undefined && cause !== null)
    links.push({ value: cause, source: 'cause', parent, depth: depth + 1 });
  const errors = safeGet(value, 'errors');
  if (isArray(errors) && isErrorLike(value)) {
    const count = Math.min(safeLength(errors), MAX_EXCEPTION_VALUES);
    for (let i = 0; i < count; i++) {
      const child = safeGet(errors, i);
      if (child !== undefined && child !== null) {
        links.push({ value: child, source: `errors[${i}]`, parent, depth: depth + 1 });
      }
    }
  }
  return links;
}

/** One exception value, without chaining; `synthetic` when its stack is the capture site's. */
function single(
  value: unknown,
  parse: StackParser,
  syntheticError?: Error,
): { exception: ExceptionValue; synthetic: boolean } {
  if (isErrorLike(value)) {
    const exception: ExceptionValue = { type: errorType(value), value: errorMessage(value) };
    const frames = parse(value);
    if (frames.length > 0) exception.stacktrace = { frames };
    return { exception, synthetic: false };
  }
  const exception = describeNonError(value);
  const frames = syntheticError ? parse(syntheticError) : [];
  if (frames.length === 0) return { exception, synthetic: false };
  exception.stacktrace = { frames };
  return { exception, synthetic: true };
}

function describeNonError(value: unknown): ExceptionValue {
  if (typeof value === 'string') return { type: 'Error', value };
  if (!isObjectLike(value))
    return { type: 'Error', value: `Non-Error exception captured with value: ${primitiveText(value)}` };
  if (typeof value === 'function') {
    const name = safeGet(value, 'name');
    return {
      type: 'Error',
      value: `Non-Error exception captured with value: [Function: ${typeof name === 'string' && name ? name : 'anonymous'}]`,
    };
  }
  const name = safeGet(value, 'name');
  const message = safeGet(value, 'message');
  const type = typeof name === 'string' && name !== '' ? name : 'Error';
  if (typeof message === 'string') return { type, value: message };
  const className = constructorName(value);
  const label = className === undefined || className === 'Object' ? 'Object' : `'${className}'`;
  return { type, value: `${label} captured as exception with keys: ${keysText(value)}` };
}

function primitiveText(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  try {
    return String(value);
  } catch {
    return typeof value;
  }
}

function keysText(value: object): string {
  let keys: string[];
  try {
    keys = boundedKeys(value, MAX_KEYS_IN_MESSAGE + 1);
  } catch {
    return '[unreadable keys]';
  }
  if (keys.length === 0) return '[object has no keys]';
  const shown = keys.slice(0, MAX_KEYS_IN_MESSAGE).join(', ');
  return keys.length > MAX_KEYS_IN_MESSAGE ? `${shown}, …` : shown;
}

function errorType(error: object): string {
  const name = safeGet(error, 'name');
  if (typeof name === 'string' && name !== '') return name;
  return constructorName(error) ?? 'Error';
}

function errorMessage(error: object): string {
  const message = safeGet(error, 'message');
  if (typeof message === 'string') return message;
  return message === undefined || message === null ? '' : primitiveText(message);
}

function constructorName(value: object): string | undefined {
  const name = safeGet(safeGet(value, 'constructor'), 'name');
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/**
 * Errors, including ones from another realm (iframe, `node:vm`) where `instanceof Error` is
 * false: recognised by their `[object Error]` tag or by string `stack` and `message`.
 */
function isErrorLike(value: unknown): value is object {
  if (!isObjectLike(value)) return false;
  try {
    if (value instanceof Error) return true;
  } catch {
    // A Proxy's getPrototypeOf trap may throw.
  }
  try {
    if (Object.prototype.toString.call(value) === '[object Error]') return true;
  } catch {
    // A throwing Symbol.toStringTag getter.
  }
  return typeof safeGet(value, 'stack') === 'string' && typeof safeGet(value, 'message') === 'string';
}

function isObjectLike(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/** Reads a property; getters and Proxy traps that throw read as `undefined`. */
function safeGet(target: unknown, key: PropertyKey): unknown {
  if (!isObjectLike(target)) return undefined;
  try {
    return (target as Record<PropertyKey, unknown>)[key];
  } catch {
    return undefined;
  }
}

function isArray(value: unknown): value is unknown[] {
  try {
    return Array.isArray(value);
  } catch {
    // A revoked Proxy.
    return false;
  }
}

function safeLength(array: unknown[]): number {
  try {
    return array.length;
  } catch {
    return 0;
  }
}
