import type {
  Breadcrumb,
  EventHint,
  EventInput,
  Primitive,
  Scope,
  SeverityLevel,
  User,
} from '@faultline/core';
import { carrier } from '@faultline/core';
import { getClient } from './init.js';
import { createScope } from './scope.js';

// The top-level API works on the current client and is a cheap no-op before `init`, after
// `close` and when the SDK is off. None of these functions throws.

/** Keeps `id` for `lastEventId` (shared with every module copy) and returns it, '' for none. */
const remember = (id = ''): string => {
  if (id) carrier().lastEventId = id;
  return id;
};

/** The id the last top-level capture call returned, or undefined when none sent anything. */
export const lastEventId = (): string | undefined => carrier().lastEventId;

/** Reports an error (or any thrown value); returns the event id ('' when the SDK is not started). */
export function captureException(exception: unknown, hint?: EventHint): string {
  return remember(getClient()?.captureException(exception, hint));
}

/** Reports a message, level `info` unless given; returns the event id. */
export function captureMessage(message: string, level?: SeverityLevel, hint?: EventHint): string {
  return remember(getClient()?.captureMessage(message, level, hint));
}

/** Reports a hand-built event; returns the event id. */
export function captureEvent(event: EventInput, hint?: EventHint): string {
  return remember(getClient()?.captureEvent(event, hint));
}

/** Sets the user (id only, unless `sendDefaultPii`); `null` removes it. */
export function setUser(user: User | null): void {
  getClient()?.getScope().setUser(user);
}

export function setTag(key: string, value: Primitive): void {
  getClient()?.getScope().setTag(key, value);
}

/** Sets a named context; `null` removes it. */
export function setTags(tags: Record<string, Primitive>): void {
  getClient()?.getScope().setTags(tags);
}

/** Sets a named context; `null` removes it. */
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
 * Runs `fn` with a copy of the current scope; what `fn` sets applies only to events captured
 * inside it (synchronously: the browser has no async context to follow `await`).
 */
export function withScope<T>(fn: (scope: Scope) => T): T {
  const client = getClient();
  if (client) return client.withScope(fn);
  return fn(createScope());
}

/** Waits until queued events are sent, at most `timeoutMs` (default 2000); false on timeout. */
export function flush(timeoutMs?: number): Promise<boolean> {
  return getClient()?.flush(timeoutMs) ?? Promise.resolve(true);
}
