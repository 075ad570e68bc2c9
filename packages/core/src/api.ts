/**
 * The top-level API every runtime package exports: it works on the running client of the
 * process (see `carrier.ts`) and is a cheap no-op before `init`, after `close` and when the SDK
 * is off, when the capture calls return ''. None of these functions throws or rejects.
 */
import { carrier } from './carrier.js';
import { reportConfigError } from './logger.js';
import { createScope, type Scope } from './scope.js';
import type { Breadcrumb, EventHint, EventInput, Primitive, SeverityLevel, User } from './types.js';

/** What the API needs of a client: core's, or a runtime's own. */
interface ApiClient {
  readonly enabled?: boolean;
  captureException(exception: unknown, hint?: EventHint): string;
  captureMessage(message: string, level?: SeverityLevel, hint?: EventHint): string;
  captureEvent(event: EventInput, hint?: EventHint): string;
  getScope(): Scope;
  withScope<T>(fn: (scope: Scope) => T): T;
  addBreadcrumb(breadcrumb: Breadcrumb): void;
  flush(timeoutMs?: number): Promise<boolean>;
}

const current = (): ApiClient | undefined => carrier().current?.client as ApiClient | undefined;
/** The current client if it is on. */
const live = (): ApiClient | undefined => {
  const client = current();
  return client?.enabled === false ? undefined : client;
};
/** Keeps `id` for `lastEventId` and returns it, '' for none. */
const remember = (id = ''): string => {
  if (id) carrier().lastEventId = id;
  return id;
};

/** Reports an error (or any thrown value); returns the event id ('' when the SDK is off). */
export function captureException(exception: unknown, hint?: EventHint): string {
  return remember(live()?.captureException(exception, hint));
}

/** Reports a message, level `info` unless given; returns the event id. */
export function captureMessage(message: string, level?: SeverityLevel, hint?: EventHint): string {
  return remember(live()?.captureMessage(message, level, hint));
}

/** Reports a hand-built event; returns the event id. */
export function captureEvent(event: EventInput, hint?: EventHint): string {
  return remember(live()?.captureEvent(event, hint));
}

/** The id the last capture call above returned, or undefined when none sent anything. */
export const lastEventId = (): string | undefined => carrier().lastEventId;

/** Sets the user of the current scope (id only, unless `sendDefaultPii`); `null` removes it. */
export function setUser(user: User | null): void {
  current()?.getScope().setUser(user);
}

export function setTag(key: string, value: Primitive): void {
  current()?.getScope().setTag(key, value);
}

export function setTags(tags: Record<string, Primitive>): void {
  current()?.getScope().setTags(tags);
}

/** Sets a named context of the current scope; `null` removes it. */
export function setContext(name: string, context: Record<string, unknown> | null): void {
  current()?.getScope().setContext(name, context);
}

export function setExtra(key: string, value: unknown): void {
  current()?.getScope().setExtra(key, value);
}

export function addBreadcrumb(breadcrumb: Breadcrumb): void {
  current()?.addBreadcrumb(breadcrumb);
}

/** Whether `withScope` was given something other than a function once already. */
let saidWithScope = false;

/**
 * Runs `fn` with a copy of the current scope: what `fn` sets stays in that copy (in Node also
 * after `await`; in the browser while `fn` runs). Returns what `fn` returns.
 */
export function withScope<T>(fn: (scope: Scope) => T): T {
  if (typeof fn !== 'function') {
    // A call site's mistake must not throw from inside the SDK: said once, nothing runs.
    if (!saidWithScope)
      reportConfigError(
        `withScope must be given a function, not ${fn === null ? 'null' : typeof fn}; nothing was run`,
      );
    saidWithScope = true;
    return undefined as T;
  }
  const client = current();
  return client ? client.withScope(fn) : fn(createScope());
}

/** Waits until everything captured so far is delivered, at most `timeoutMs`. Never rejects. */
export async function flush(timeoutMs?: number): Promise<boolean> {
  try {
    return (await current()?.flush(timeoutMs)) ?? true;
  } catch {
    return false;
  }
}
