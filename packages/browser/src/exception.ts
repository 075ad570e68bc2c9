/**
 * Turns anything that was thrown into Sentry exception values
 * (https://develop.sentry.dev/sdk/foundations/transport/event-payloads/exception/), following
 * linked errors: `cause` and `AggregateError.errors`, depth first, `cause` first, as Sentry's
 * linked-errors integration walks them. The thrown value is sent last and linked ones before it;
 * when there are linked errors every value gets an `exception_id` (0 for the thrown value, in
 * discovery order) and linked ones `{type: 'chained', source, parent_id}`. Bounded, cycle-safe.
 */
import type { ExceptionValue, Mechanism } from '@faultline/core';
import { parseStack } from '@faultline/core';

/** Reads a property; getters and Proxy traps that throw read as `undefined`. */
export function get(target: unknown, key: PropertyKey): unknown {
  try {
    return (target as Record<PropertyKey, unknown>)[key];
  } catch {}
}

/**
 * The exception values of `thrown`, linked ones first. `mechanism` is the thrown value's;
 * `synthetic` an error made at capture time, whose stack stands in when `thrown` is not an error.
 * At most 20 values (unless maxDepth asks for a longer chain), 20 per `errors` array.
 */
export function exceptionsFrom(
  thrown: unknown,
  mechanism: Mechanism,
  maxDepth = 5,
  synthetic?: Error,
): ExceptionValue[] {
  const found: ExceptionValue[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number, parent: number, source: string): void => {
    if (depth > maxDepth || found.length >= Math.max(20, maxDepth + 1) || seen.has(value)) return;
    const isObject = Object(value) === value;
    if (isObject) seen.add(value);
    const name = get(value, 'name');
    const message = get(value, 'message');
    // Errors, also from another realm (an iframe), where `instanceof Error` is false.
    let error = typeof message === 'string' && typeof get(value, 'stack') === 'string';
    try {
      error ||= value instanceof Error || {}.toString.call(value) === '[object Error]';
    } catch {}
    let keys: string | false | undefined;
    try {
      keys =
        isObject &&
        Object.keys(value as object)
          .sort()
          .slice(0, 10)
          .join(', ');
    } catch {}
    const id = found.length;
    const frames = parseStack(error ? value : id ? 0 : synthetic);
    const exception: ExceptionValue = {
      type: (typeof name === 'string' && name) || 'Error',
      value:
        typeof value === 'string'
          ? value
          : typeof message === 'string'
            ? message
            : error
              ? ''
              : isObject
                ? `Object captured as exception with keys: ${keys || '[object has no keys]'}`
                : `Non-Error exception captured with value: ${String(value)}`,
      // `synthetic` stands in for the stack of a non-error.
      mechanism: id
        ? {
            type: 'chained',
            handled: mechanism.handled !== false,
            source,
            exception_id: id,
            parent_id: parent,
          }
        : { ...mechanism, ...(!error && frames[0] && { synthetic: true }) },
    };
    if (frames[0]) exception.stacktrace = { frames };
    found.push(exception);
    const errors = get(value, 'errors');
    const group = error && Array.isArray(errors);
    if (group) exception.mechanism!.is_exception_group = true;
    const cause = get(value, 'cause');
    if (isObject && cause != null) visit(cause, depth + 1, id, 'cause');
    if (group)
      errors.slice(0, 20).forEach((child, i) => {
        if (child != null) visit(child, depth + 1, id, `errors[${i}]`);
      });
  };
  try {
    visit(thrown, 0, 0, '');
  } catch {
    // Nothing before the first value is pushed throws: what was found stays.
  }
  const top = found[0]!.mechanism!;
  if (found[1] || top.is_exception_group) top.exception_id = 0;
  return found.reverse();
}
