import type { Logger, MonitorConfig } from '@faultline/core';
import { corePipeline } from '@faultline/node';
import { crontabSchedule, type IntervalUnit, intervalSchedule } from './schedule.js';

/** How a job is expected to run; sent with the first check-in so the backend creates or updates the monitor. */
export interface MonitorOptions {
  /** A crontab (5 fields; nicknames like `@daily` and a fixed seconds field are accepted) or an interval. */
  schedule?: string | { interval: number; unit: IntervalUnit } | undefined;
  /** Minutes after the expected time before a run counts as missed. */
  checkinMargin?: number | undefined;
  /** Minutes a run may take before it counts as timed out. */
  maxRuntime?: number | undefined;
  /** IANA zone the crontab is read in, e.g. `Europe/Berlin`. */
  timezone?: string | undefined;
  /** Consecutive failures before an issue opens. */
  failureIssueThreshold?: number | undefined;
  /** Consecutive successes before it resolves. */
  recoveryThreshold?: number | undefined;
}

export const MAX_SLUG_LENGTH = 50;

/** Lower-case, `[a-z0-9_-]`, at most 50 characters, as the ingest expects. */
export function normalizeSlug(slug: string): string {
  return String(slug)
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG_LENGTH);
}

/**
 * Converts options to the wire `monitor_config`. A schedule that cannot be expressed is left out
 * (and with it the whole config, since `schedule` is required) with one debug warning.
 */
export function toMonitorConfig(
  options: MonitorOptions | undefined,
  logger?: Logger,
): MonitorConfig | undefined {
  if (!options?.schedule) return undefined;
  const result =
    typeof options.schedule === 'string'
      ? crontabSchedule(options.schedule)
      : intervalSchedule(options.schedule.interval, options.schedule.unit);
  if (!result.ok) {
    logger?.warn(`monitor config left out: ${result.reason}`);
    return undefined;
  }
  // The API names (checkinMargin, …) become wire names once, in core, with the ingest's rules.
  // Core's reader loads with the pipeline, which the check-in this config goes with loads anyway.
  return corePipeline().toMonitorConfig({ ...options, schedule: result.schedule }, logger);
}
