/**
 * Turns anything that was thrown into Sentry exception values
 * (https://develop.sentry.dev/sdk/foundations/transport/event-payloads/exception/), following
 * linked errors: `cause` and `AggregateError.errors`, depth first, `cause` first, as Sentry's
 * linked-errors integration walks them. The thrown value is sent last and linked ones before it;
 * when there are linked errors every value gets an `exception_id` (0 for the thrown value, in
 * discovery order) and linked ones `{type: 'chained', source, parent_id}`. Bounded, cycle-safe.
 */
import type { ExceptionValue, Mechanism } from '@faultline/core';
import { parseStack } from './stack.js';

/** At most this many exception values per event (unless maxCauseDepth asks for a longer chain). */
const MAX_VALUES = 20;

/** Reads a property; getters and Proxy traps that throw read as `undefined`. */
export function get(target: unknown, key: PropertyKey): unknown {
  try {
    return (target as Record<PropertyKey, unknown>)[key];
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is object =>
  (typeof value === 'object' && value !== null) || typeof value === 'function';

/** Errors, also from another realm (an iframe), where `instanceof Error` is false. */
function isError(value: unknown): value is object {
  try {
    return (
      value instanceof Error ||
      Object.prototype.toString.call(value) === '[object Error]' ||
      (typeof get(value, 'stack') === 'string' && typeof get(value, 'message') === 'string')
    );
  } catch {
    return false;
  }
}

/** One exception value, without links; `synthetic` stands in for the stack of a non-error. */
function single(value: unknown, synthetic?: Error): ExceptionValue {
  const name = get(value, 'name');
  const message = get(value, 'message');
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof message === 'string') text = message;
  else if (isError(value) || !isObject(value))
    text = isError(value) ? '' : `Non-Error exception captured with value: ${String(value)}`;
  else {
    let keys: string[] = [];
    try {
      keys = Object.keys(value).sort();
    } catch {
      // Unreadable keys: described without them.
    }
    text = `Object captured as exception with keys: ${keys.slice(0, 10).join(', ') || '[object has no keys]'}`;
  }
  const exception: ExceptionValue = { type: typeof name === 'string' && name ? name : 'Error', value: text };
  const frames = parseStack(isError(value) ? value : synthetic);
  if (frames.length) exception.stacktrace = { frames };
  return exception;
}

/**
 * The exception values of `thrown`, linked ones first. `mechanism` is the thrown value's;
 * `synthetic` an error made at capture time, whose stack stands in when `thrown` is not an error.
 */
export function exceptionsFrom(
  thrown: unknown,
  mechanism: Mechanism,
  maxDepth = 5,
  synthetic?: Error,
): ExceptionValue[] {
  const found: ExceptionValue[] = [];
  const seen = new Set<unknown>();
  const limit = Math.max(MAX_VALUES, maxDepth + 1);
  const visit = (value: unknown, depth: number, parent: number, source: string): void => {
    if (depth > maxDepth || found.length >= limit || seen.has(value)) return;
    if (isObject(value)) seen.add(value);
    const id = found.length;
    const exception = single(value, id ? undefined : synthetic);
    exception.mechanism = id
      ? { type: 'chained', handled: mechanism.handled !== false, source, exception_id: id, parent_id: parent }
      : { ...mechanism, ...(!isError(value) && exception.stacktrace && { synthetic: true }) };
    found.push(exception);
    const errors = get(value, 'errors');
    const group = Array.isArray(errors) && isError(value);
    if (group) exception.mechanism.is_exception_group = true;
    const cause = get(value, 'cause');
    if (isObject(value) && cause !== undefined && cause !== null) visit(cause, depth + 1, id, 'cause');
    if (group) {
      errors.slice(0, MAX_VALUES).forEach((child, i) => {
        if (child !== undefined && child !== null) visit(child, depth + 1, id, `errors[${i}]`);
      });
    }
  };
  try {
    visit(thrown, 0, 0, '');
  } catch {
    if (!found.length)
      found.push({ type: 'Error', value: 'Unreadable value captured as exception', mechanism });
  }
  const top = found[0]!;
  if (found.length > 1 || top.mechanism?.is_exception_group)
    top.mechanism = { ...top.mechanism!, exception_id: 0 };
  return found.reverse();
}
