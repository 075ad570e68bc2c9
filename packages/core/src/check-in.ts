/**
 * The protocol step for check-ins (https://develop.sentry.dev/sdk/telemetry/check-ins/), and the
 * one conversion of a monitor config from Sentry's API form (`checkinMargin`, `maxRuntime`, …,
 * as `Sentry.withMonitor` and `captureCheckIn` take it) to the wire form (`checkin_margin`, …).
 * Relay reads `monitor_config` strictly (relay-monitors `MonitorConfig`: whole numbers, its own
 * unit names) and rejects the whole check-in when a value does not fit, so every value is made
 * to fit here, or left out with a warning.
 */
import type { Logger } from './logger.js';
import { names, wellFormed } from './protocol.js';
import type { MonitorConfig, MonitorSchedule, WireCheckIn } from './types.js';

/** A monitor config as Sentry's JavaScript API takes it (`Sentry.captureCheckIn(checkIn, monitorConfig)`). */
export interface MonitorConfigInput {
  schedule: MonitorSchedule;
  /** Minutes after the expected time before a run counts as missed. */
  checkinMargin?: number;
  /** Minutes a run may take before it counts as timed out. */
  maxRuntime?: number;
  /** IANA zone the crontab is read in, e.g. `Europe/Berlin`. */
  timezone?: string;
  /** Consecutive failures before an issue opens. */
  failureIssueThreshold?: number;
  /** Consecutive successes before it resolves. */
  recoveryThreshold?: number;
}

/** Wire names of the numeric fields, with their API names; all are whole numbers (Relay `u64`). */
const NUMBERS: Array<[keyof MonitorConfig, keyof MonitorConfigInput]> = [
  ['checkin_margin', 'checkinMargin'],
  ['max_runtime', 'maxRuntime'],
  ['failure_issue_threshold', 'failureIssueThreshold'],
  ['recovery_threshold', 'recoveryThreshold'],
];

/** Interval units the ingest knows (relay-monitors `IntervalName`), singular or plural. */
const UNITS = /^(year|month|week|day|hour|minute)s?$/;

/**
 * The wire `monitor_config` for a config in either form (camelCase from Sentry's API, or the
 * wire's snake_case; the wire name wins when both are given), or undefined with a warning when
 * its schedule cannot be sent. Numbers are rounded up to whole minutes or counts (a margin of
 * 0.5 minutes becomes 1, never 0); negative or non-numeric ones are left out.
 */
export function toMonitorConfig(config: unknown, logger?: Logger): MonitorConfig | undefined {
  const given = Object(config) as Record<string, any>;
  const schedule = toSchedule(given.schedule);
  if (!schedule) {
    logger?.warn('monitor config left out: its schedule is not a crontab or an interval the ingest accepts');
    return undefined;
  }
  const out: MonitorConfig = { schedule };
  for (const [wire, api] of NUMBERS) {
    const value = given[wire] ?? given[api];
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0)
      out[wire] = Math.ceil(value) as never;
    else if (value !== undefined)
      logger?.warn(`monitor config: ${api} left out, it is not a number of at least 0`);
  }
  if (typeof given.timezone === 'string' && given.timezone) out.timezone = given.timezone;
  return out;
}

/**
 * A schedule as relay-monitors `Schedule` reads it: `{type: 'crontab', value: string}` or
 * `{type: 'interval', value: whole number ≥ 1, unit: year|month|week|day|hour|minute}`. Plural or
 * capitalized units are accepted; seconds become whole minutes (rounded up).
 */
function toSchedule(schedule: any): MonitorSchedule | undefined {
  const value = schedule?.value;
  if (schedule?.type === 'crontab')
    return typeof value === 'string' && value.trim() ? { type: 'crontab', value } : undefined;
  if (schedule?.type !== 'interval' || typeof value !== 'number' || !(value > 0) || !Number.isFinite(value))
    return undefined;
  const unit = typeof schedule.unit === 'string' ? schedule.unit.toLowerCase() : '';
  if (/^seconds?$/.test(unit)) return { type: 'interval', value: Math.ceil(value / 60), unit: 'minute' };
  const name = UNITS.exec(unit)?.[1] as Extract<MonitorSchedule, { type: 'interval' }>['unit'] | undefined;
  return name && { type: 'interval', value: Math.max(1, Math.round(value)), unit: name };
}

/**
 * Makes a sanitized check-in valid for the ingest: release and environment as for events, the
 * monitor config in wire form with whole numbers and known units, lone surrogates replaced.
 * Never throws.
 */
export function normalizeCheckIn(checkIn: WireCheckIn, logger?: Logger): WireCheckIn {
  try {
    const out: WireCheckIn = wellFormed(checkIn);
    names(out);
    const config = out.monitor_config && toMonitorConfig(out.monitor_config, logger);
    delete out.monitor_config;
    if (config) out.monitor_config = config;
    return out;
  } catch (error) {
    logger?.debug('protocol step failed; the check-in is sent as it is', error);
    return checkIn;
  }
}
