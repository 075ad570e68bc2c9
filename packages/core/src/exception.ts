import { boundedKeys, MAX_COPIED_STRING, merged } from './bounded.js';
import { truncate } from './normalize.js';
import { frameAt, parseStack, type StackParser } from './stack-parse.js';
import type { EventHint, ExceptionValue, Mechanism } from './types.js';

export interface ExceptionFromValueOptions {
  /** Mechanism of the thrown (top-level) exception, e.g. `{ type: 'generic', handled: true }`. */
  mechanism: Mechanism;
  /**
   * How many links of `cause` / `AggregateError.errors` to follow from the thrown value.
   * @default 5
   */
  maxCauseDepth?: number | undefined;
  /** An error made at capture time: its stack stands in when the thrown value is not an error. */
  syntheticException?: Error | undefined;
  /** Where the runtime says the value was thrown: the frame when neither gives one. */
  thrownAt?: EventHint['thrownAt'] | undefined;
  /** Turns a stack into frames. @default the built-in `parseStack` */
  parseStack?: StackParser;
}

/** Default for {@link ExceptionFromValueOptions.maxCauseDepth}. */
export const DEFAULT_MAX_CAUSE_DEPTH = 5;

/** At most this many exception values per event (unless maxCauseDepth asks for a longer chain). */
const MAX_VALUES = 20;
const NON_ERROR = 'Non-Error exception captured with value: ';

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
  const { mechanism } = options;
  const requested = options.maxCauseDepth ?? DEFAULT_MAX_CAUSE_DEPTH;
  const maxDepth = Number.isNaN(requested)
    ? DEFAULT_MAX_CAUSE_DEPTH
    : Math.min(Math.max(0, Math.floor(requested)), 100);
  const maxValues = Math.max(MAX_VALUES, maxDepth + 1);
  const parse = options.parseStack ?? parseStack;
  // Discovery order: the thrown value is 0, each linked value gets the next number. This is
  // the `exception_id`, and the list is sent in reverse so that id 0 is the last value.
  const found: ExceptionValue[] = [];
  const seen = new Set<unknown>();
  let groups = 0;
  // Depth-first, `cause` before `errors[i]`, as Sentry's linked-errors integration walks them.
  const visit = (value: unknown, depth: number, parent: number, source: string): void => {
    if (depth > maxDepth || found.length >= maxValues || seen.has(value)) return;
    if (isObjectLike(value)) seen.add(value);
    const id = found.length;
    const [exception, synthetic] = single(value, parse, id ? undefined : options);
    // Built without a spread followed by more properties: on Node 20 that shape costs microseconds.
    exception.mechanism = id
      ? merged<Mechanism>(
          { type: 'chained' },
          mechanism.handled !== undefined && { handled: mechanism.handled },
          { source, exception_id: id, parent_id: parent },
        )
      : merged<Mechanism>(mechanism, synthetic && { synthetic: true });
    found.push(exception);
    const errors = get(value, 'errors');
    const group = isArray(errors) && isErrorLike(value);
    if (group) {
      exception.mechanism.is_exception_group = true;
      groups++;
    }
    const cause = get(value, 'cause');
    if (cause != null) visit(cause, depth + 1, id, 'cause');
    if (group) {
      const count = Math.min(lengthOf(errors), MAX_VALUES);
      for (let i = 0; i < count; i++) {
        const child = get(errors, i);
        if (child != null) visit(child, depth + 1, id, `errors[${i}]`);
      }
    }
  };
  visit(thrown, 0, 0, '');
  if (found[1] || groups) found[0]!.mechanism!.exception_id = 0;
  return found.reverse();
}

/** One exception value, without chaining, and whether its stack is the capture site's (`synthetic`). */
function single(
  value: unknown,
  parse: StackParser,
  thrown?: ExceptionFromValueOptions,
): [ExceptionValue, boolean] {
  let exception: ExceptionValue;
  let frames = [] as ReturnType<StackParser>;
  const error = isErrorLike(value);
  if (error) {
    const type = named(get(value, 'name')) ?? constructorName(value) ?? 'Error';
    const message = get(value, 'message');
    exception = {
      type,
      value: bound(typeof message === 'string' ? message : message == null ? '' : text(message)),
    };
    frames = parse(value);
  } else {
    exception = describeNonError(value);
    if (thrown?.syntheticException) frames = parse(thrown.syntheticException);
  }
  const synthetic = !error && !!frames[0];
  // Else where the runtime says it was thrown.
  const at = thrown?.thrownAt;
  if (!frames[0] && typeof at?.filename === 'string' && at.filename)
    frames = [frameAt(at.filename, at.lineno, at.colno)];
  if (frames[0]) exception.stacktrace = { frames };
  return [exception, synthetic];
}

function describeNonError(value: unknown): ExceptionValue {
  if (typeof value === 'string') return { type: 'Error', value: bound(value) };
  if (typeof value === 'function')
    return { type: 'Error', value: `${NON_ERROR}[Function: ${named(get(value, 'name')) ?? 'anonymous'}]` };
  if (!isObjectLike(value)) return { type: 'Error', value: bound(NON_ERROR + text(value)) };
  const type = named(get(value, 'name')) ?? 'Error';
  const message = get(value, 'message');
  if (typeof message === 'string') return { type, value: bound(message) };
  const className = constructorName(value);
  const label = !className || className === 'Object' ? 'Object' : `'${className}'`;
  return { type, value: `${label} captured as exception with keys: ${keysText(value)}` };
}

/** At most ten keys, in sorted order, without sorting a huge key list. */
function keysText(value: object): string {
  let keys: string[];
  try {
    keys = boundedKeys(value, 11);
  } catch {
    return '[unreadable keys]';
  }
  if (!keys.length) return '[object has no keys]';
  return keys.slice(0, 10).join(', ') + (keys.length > 10 ? ', …' : '');
}

/**
 * A message cut to what an event could carry before anything reads it (filters, duplicate keys,
 * the scrubber): a 10 MB message then costs what a 16 KiB one does. The cut keeps more than the
 * sanitizer scans, so scrubbing sees the same text it would have seen.
 */
const bound = (value: string): string => truncate(value, MAX_COPIED_STRING);

/** A string that is not empty, else undefined. */
const named = (value: unknown): string | undefined =>
  typeof value === 'string' && value ? bound(value) : undefined;

const constructorName = (value: object): string | undefined => named(get(get(value, 'constructor'), 'name'));

/** The text of a primitive or a message; one whose conversion throws is named by its type. */
function text(value: unknown): string {
  try {
    return typeof value === 'bigint' ? `${value}n` : String(value);
  } catch {
    return typeof value;
  }
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
  return typeof get(value, 'stack') === 'string' && typeof get(value, 'message') === 'string';
}

function isObjectLike(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/** Reads a property; getters and Proxy traps that throw read as `undefined`. */
function get(target: unknown, key: PropertyKey): any {
  try {
    return isObjectLike(target) ? (target as Record<PropertyKey, unknown>)[key] : undefined;
  } catch {
    return undefined;
  }
}

/** False for a revoked Proxy too. */
function isArray(value: unknown): value is unknown[] {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}

function lengthOf(array: unknown[]): number {
  try {
    return array.length;
  } catch {
    return 0;
  }
}
