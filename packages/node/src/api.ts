import {
  type Breadcrumb,
  type CheckInInput,
  carrier,
  createScope,
  type EventHint,
  type EventInput,
  type MonitorConfig,
  type Primitive,
  type Scope,
  type SeverityLevel,
  type User,
} from '@faultline/core';
import { getClient } from './init.js';

// The top-level API works on the current client and is a cheap no-op before `init`, after
// `close` and when the SDK is off. None of these functions throws.

/** Keeps `id` for `lastEventId` (shared with the other module copies) and returns it. */
function remember(id: string): string {
  if (id) carrier().lastEventId = id;
  return id;
}

/** Reports an error (or any thrown value); returns the event id ('' when the SDK is not started). */
export function captureException(exception: unknown, hint?: EventHint): string {
  const client = getClient();
  return remember(client?.enabled ? client.captureException(exception, hint) : '');
}

/** Reports a message, level `info` unless given; returns the event id. */
export function captureMessage(message: string, level?: SeverityLevel, hint?: EventHint): string {
  const client = getClient();
  return remember(client?.enabled ? client.captureMessage(message, level, hint) : '');
}

/** Reports a hand-built event; returns the event id. */
export function captureEvent(event: EventInput, hint?: EventHint): string {
  const client = getClient();
  return remember(client?.enabled ? client.captureEvent(event, hint) : '');
}

/** Sends a cron check-in; returns its `check_in_id` ('' when the SDK is not started). */
export function captureCheckIn(checkIn: CheckInInput, monitorConfig?: MonitorConfig): string {
  return getClient()?.captureCheckIn(checkIn, monitorConfig) ?? '';
}

/** Sets the user of the current scope (id only, unless `sendDefaultPii`); `null` removes it. */
export function setUser(user: User | null): void {
  getClient()?.getScope().setUser(user);
}

export function setTag(key: string, value: Primitive): void {
  getClient()?.getScope().setTag(key, value);
}

export function setTags(tags: Record<string, Primitive>): void {
  getClient()?.getScope().setTags(tags);
}

/** Sets a named context of the current scope; `null` removes it. */
export function setContext(name: string, context: Record<string, unknown> | null): void {
  getClient()?.getScope().setContext(name, context);
}

export function setExtra(key: string, value: unknown): void {
  getClient()?.getScope().setExtra(key, value);
}

export function addBreadcrumb(breadcrumb: Breadcrumb): void {
  getClient()?.addBreadcrumb(breadcrumb);
}

/**
 * Runs `fn` with a copy of the current scope: what `fn` sets (synchronously or after `await`)
 * stays in that copy. Returns what `fn` returns.
 */
export function withScope<T>(fn: (scope: Scope) => T): T {
  const client = getClient();
  return client ? client.withScope(fn) : fn(createScope());
}

/**
 * Runs `fn` (sync or async) in its own scope, forked from the current one and carried through
 * every `await`, timer and callback it starts: give each request, job or message one, and
 * concurrent work never mixes users, tags or breadcrumbs.
 *
 * @example
 * queue.on('job', (job) => withIsolatedScope(async (scope) => {
 *   scope.setTag('job', job.name);
 *   await job.run();
 * }));
 */
export function withIsolatedScope<T>(fn: (scope: Scope) => T): T {
  return withScope(fn);
}
