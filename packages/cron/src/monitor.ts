import { performance } from 'node:perf_hooks';
import type { CheckInStatus } from '@faultline/core';
import { captureCheckIn, captureException, getClient, withIsolatedScope } from '@faultline/node';
import { type MonitorOptions, normalizeSlug, toMonitorConfig } from './monitor-config.js';

/**
 * Runs `fn` as one monitored run of the job `slug`: an `in_progress` check-in (carrying the
 * monitor config), then `ok` or `error` with the same `check_in_id` and the duration. A thrown
 * error or rejection is captured once, tagged with the slug, and rethrown unchanged; the value
 * `fn` returns is returned unchanged (for a promise: a promise of the same value).
 */
export function withMonitor<T>(slug: string, fn: () => T, options?: MonitorOptions): T {
  // An unprintable slug leaves the check-ins without a monitor (dropped and counted), never the job unrun.
  const monitorSlug = safely(() => normalizeSlug(slug)) ?? '';
  return withIsolatedScope((scope) => {
    scope.setTag('monitor.slug', monitorSlug);
    // The `monitor` context Sentry's SDKs set on errors of a monitored run (relay-event-schema `MonitorContext`).
    scope.setContext('monitor', { slug: monitorSlug });
    const checkInId = safely(() =>
      captureCheckIn({ monitorSlug, status: 'in_progress' }, toMonitorConfig(options, getClient()?.logger)),
    );
    const started = performance.now();
    const finish = (status: CheckInStatus): void => {
      const duration = (performance.now() - started) / 1000;
      safely(() => captureCheckIn(withId({ monitorSlug, status, duration }, checkInId)));
    };
    const fail = (error: unknown): void => {
      safely(() => captureException(error, { mechanism: { type: 'cron', handled: false } }));
      finish('error');
    };
    let result: T;
    try {
      result = fn();
    } catch (error) {
      fail(error);
      throw error;
    }
    if (isPromiseLike(result)) {
      return Promise.resolve(result).then(
        (value) => {
          finish('ok');
          return value;
        },
        (error: unknown) => {
          fail(error);
          throw error;
        },
      ) as T;
    }
    finish('ok');
    return result;
  });
}

/** Sends a single check-in for a job that only reports its outcome (no `in_progress`). */
export function heartbeat(
  slug: string,
  status: 'ok' | 'error' = 'ok',
  options?: MonitorOptions,
): string | undefined {
  return safely(() =>
    captureCheckIn(
      { monitorSlug: normalizeSlug(slug), status },
      toMonitorConfig(options, getClient()?.logger),
    ),
  );
}

function withId<T extends object>(checkIn: T, checkInId: string | undefined): T & { checkInId?: string } {
  return checkInId ? { ...checkIn, checkInId } : checkIn;
}

/**
 * The slug an adapter's `slug` option computes; undefined (the job is scheduled unmonitored)
 * when the app's function throws, since scheduling must behave as without the SDK.
 */
export function slugFromOption(compute: () => string): string | undefined {
  try {
    return compute();
  } catch (error) {
    getClient()?.logger.debug('the slug option threw', error);
    return undefined;
  }
}

/** Telemetry must never change how the job behaves. */
function safely<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    getClient()?.logger.debug('check-in failed', error);
    return undefined;
  }
}

/** A value whose `then` cannot even be read is no promise: it goes back to the caller as it is. */
function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  try {
    return (
      typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
    );
  } catch {
    return false;
  }
}
