import type { MonitorSchedule } from '@faultline/core';
import { Cron } from 'croner';

/**
 * Turns the schedule a job library was given into the `crontab` value Sentry's monitors accept:
 * exactly five fields, numbers only. What cannot be expressed that way (sub-minute schedules,
 * `L`/`W`/`#`/`?`, year fields) returns a reason instead, so the caller omits the config rather than
 * sending a broken one (getsentry/sentry#76809: six-field crontabs fail silently).
 */
export type ScheduleResult = { ok: true; schedule: MonitorSchedule } | { ok: false; reason: string };

const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const FIELD_TOKEN = /^(\*|\d+)(-\d+)?(\/\d+)?$/;
/** Allowed values of minute, hour, day of month, month, day of week (7 is Sunday too). */
const RANGES: Array<[number, number]> = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

export function crontabSchedule(expression: string): ScheduleResult {
  if (typeof expression !== 'string' || !expression.trim()) return { ok: false, reason: 'empty schedule' };
  let text = expression.trim().toLowerCase();
  if (text.startsWith('@')) {
    const expanded = NICKNAMES[text];
    if (!expanded)
      return { ok: false, reason: `"${expression}" is not a schedule nickname monitors understand` };
    text = expanded;
  }
  let fields = text.split(/\s+/);
  if (fields.length === 6) {
    const seconds = fields[0] ?? '';
    if (!/^\d+$/.test(seconds)) {
      return {
        ok: false,
        reason: `"${expression}" runs more often than once a minute; monitors need minutes`,
      };
    }
    fields = fields.slice(1);
  }
  if (fields.length !== 5) return { ok: false, reason: `"${expression}" does not have 5 fields` };
  const out: string[] = [];
  for (const [index, field] of fields.entries()) {
    const names = index === 3 ? MONTHS : index === 4 ? DAYS : undefined;
    const converted = convertField(field, names, index === 3 ? 1 : 0, RANGES[index] ?? [0, 59]);
    if (converted === undefined) {
      return { ok: false, reason: `"${expression}" uses "${field}", which a 5-field crontab cannot express` };
    }
    out.push(converted);
  }
  const value = out.join(' ');
  // The expression is checked by a cron library, which knows the rules (steps of 0, reversed
  // ranges, values out of range), not by the conversion above.
  try {
    new Cron(value, { paused: true });
  } catch (error) {
    const why = error instanceof Error ? error.message.replace(/^CronPattern: /, '') : String(error);
    return { ok: false, reason: `"${expression}" is not a valid cron expression: ${why}` };
  }
  return { ok: true, schedule: { type: 'crontab', value } };
}

/** Replaces month/day names token by token (not by a regex over the whole string). */
function convertField(
  field: string,
  names: string[] | undefined,
  firstIndex: number,
  [min, max]: [number, number],
): string | undefined {
  const parts = field.split(',');
  const converted: string[] = [];
  for (const part of parts) {
    const replaced = part.replace(/[a-z]{3}/g, (name) => {
      const index = names?.indexOf(name) ?? -1;
      return index >= 0 ? String(index + firstIndex) : name;
    });
    if (!FIELD_TOKEN.test(replaced)) return undefined;
    const [range = ''] = replaced.split('/');
    if (range !== '*' && range.split('-').some((n) => Number(n) < min || Number(n) > max)) return undefined;
    converted.push(replaced);
  }
  return converted.join(',');
}

export type IntervalUnit = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

export function intervalSchedule(value: number, unit: IntervalUnit): ScheduleResult {
  if (!Number.isInteger(value) || value < 1)
    return { ok: false, reason: 'interval must be a positive integer' };
  return { ok: true, schedule: { type: 'interval', value, unit } };
}
