import { type CheckInInput, type MonitorConfig, type Scope, withScope } from '@faultline/core';
import { getClient } from './init.js';

// The shared top-level API (capture*, set*, addBreadcrumb, withScope, flush, lastEventId) is
// core's; these are the calls only Node has.
export {
  addBreadcrumb,
  captureEvent,
  captureException,
  captureMessage,
  flush,
  lastEventId,
  setContext,
  setExtra,
  setTag,
  setTags,
  setUser,
  withScope,
} from '@faultline/core';

/** Sends a cron check-in; returns its `check_in_id` ('' when the SDK is not started). */
export function captureCheckIn(checkIn: CheckInInput, monitorConfig?: MonitorConfig): string {
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
export function withIsolatedScope<T>(fn: (scope: Scope) => T): T {
  return withScope(fn);
}
