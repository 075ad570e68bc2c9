import type { CheckInInput, EventHint, MonitorConfig, MonitorConfigInput, Scope } from '@faultline/core';
import { captureException as captureWithClient, withScope } from '@faultline/core/front';
import { getClient } from './init.js';

// The shared top-level API (capture*, set*, addBreadcrumb, withScope, flush, lastEventId) is
// core's; these are the calls only Node has, and Node's captureException, which records the
// call site of a thrown value that is not an Error.
export {
  addBreadcrumb,
  captureEvent,
  captureMessage,
  flush,
  lastEventId,
  setContext,
  setExtra,
  setTag,
  setTags,
  setUser,
  withScope,
} from '@faultline/core/front';

/** Reports an error (or any thrown value); returns the event id ('' when the SDK is off). */
export function captureException(exception: unknown, hint?: EventHint): string {
  return captureWithClient(exception, withCallSite(exception, hint));
}

/**
 * A thrown value that is not an Error (`null`, a string, a plain object) has no stack: the
 * caller's stack is recorded instead, as a synthetic exception starting at the line that called
 * `captureException`, so the event still says where it came from.
 */
function withCallSite(exception: unknown, hint: EventHint | undefined): EventHint | undefined {
  try {
    if (exception instanceof Error || hint?.syntheticException) return hint;
    const syntheticException = new Error('captured here');
    Error.captureStackTrace(syntheticException, captureException);
    return { ...hint, syntheticException };
  } catch {
    return hint;
  }
}

/** Sends a cron check-in; returns its `check_in_id` ('' when the SDK is not started). */
export function captureCheckIn(
  checkIn: CheckInInput,
  monitorConfig?: MonitorConfigInput | MonitorConfig,
): string {
  return getClient()?.captureCheckIn(checkIn, monitorConfig) ?? '';
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
// `withScope` itself, not a call to it: one frame less between a job and its caller in stack traces.
export const withIsolatedScope: <T>(fn: (scope: Scope) => T) => T = withScope;
