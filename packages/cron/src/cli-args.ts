import { parseArgs } from 'node:util';
import type { MonitorOptions } from './monitor-config.js';
import { crontabSchedule } from './schedule.js';

export interface CliArgs {
  slug: string;
  command: string;
  args: string[];
  monitor: MonitorOptions;
  /** Seconds before the command is stopped (SIGTERM, then SIGKILL after a grace period). */
  timeoutSeconds?: number;
  /** Milliseconds the CLI waits for delivery before exiting. */
  flushTimeoutMs: number;
  /** Lines of stderr kept for the failure event. */
  stderrLines: number;
}

export const USAGE = `usage: faultline-cron --slug <monitor-slug> [options] -- <command> [args...]

Runs the command as one monitored run: sends an in_progress check-in, then ok or error with the
duration, and on failure an event with the exit code or signal and the last lines of stderr.
The DSN comes from FAULTLINE_DSN (or SENTRY_DSN). The exit code is the command's own.

options:
  --slug <slug>              monitor slug (required; lower-case letters, digits, - and _; at most 50)
  --schedule <crontab>       schedule sent as the monitor config, e.g. "0 2 * * *"
  --interval <n> --unit <u>  interval schedule instead (minute, hour, day, week, month, year)
  --timezone <zone>          IANA zone of the schedule
  --checkin-margin <min>     minutes late before a run counts as missed
  --max-runtime <min>        minutes a run may take before it counts as timed out
  --timeout <seconds>        stop the command after this long and report a failure
  --flush-timeout <ms>       how long to wait for delivery before exiting (default 2000)
  --stderr-lines <n>         lines of stderr kept for the failure event (default 20)`;

/** What the command line asks for: a run, the usage text, or an error message for the user. */
export type ParsedCli = CliArgs | { help: string } | { error: string };

/** Parses argv (without node and script) with node:util `parseArgs`; never throws. */
export function parseCliArgs(argv: string[]): ParsedCli {
  const separator = argv.indexOf('--');
  const flags = separator >= 0 ? argv.slice(0, separator) : argv;
  const commandLine = separator >= 0 ? argv.slice(separator + 1) : [];
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: flags,
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        slug: { type: 'string' },
        schedule: { type: 'string' },
        interval: { type: 'string' },
        unit: { type: 'string' },
        timezone: { type: 'string' },
        'checkin-margin': { type: 'string' },
        'max-runtime': { type: 'string' },
        timeout: { type: 'string' },
        'flush-timeout': { type: 'string' },
        'stderr-lines': { type: 'string' },
      },
    }));
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { help: USAGE };
  if (positionals.length > 0) {
    return { error: `unexpected argument "${positionals[0]}" (put the command after --)` };
  }
  const text = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const slug = text('slug');
  if (!slug) return { error: '--slug is required' };
  const [command, ...args] = commandLine;
  if (!command) return { error: 'no command given: faultline-cron --slug <slug> -- <command> [args...]' };

  const number = (name: string): number | undefined | { error: string } => {
    const raw = text(name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    return Number.isFinite(n) && n > 0 ? n : { error: `--${name} must be a positive number` };
  };
  const monitor: MonitorOptions = {};
  const schedule = text('schedule');
  if (schedule !== undefined) {
    // A schedule that would be dropped later is an error now, not a monitor without its config.
    const checked = crontabSchedule(schedule);
    if (!checked.ok) return { error: `--schedule: ${checked.reason}` };
    monitor.schedule = schedule;
  }
  const interval = number('interval');
  if (typeof interval === 'object') return interval;
  if (interval !== undefined) {
    const unit = text('unit') ?? 'minute';
    if (!['minute', 'hour', 'day', 'week', 'month', 'year'].includes(unit))
      return { error: `--unit "${unit}" is unknown` };
    monitor.schedule = { interval, unit: unit as 'minute' };
  }
  const timezone = text('timezone');
  if (timezone) monitor.timezone = timezone;
  for (const [flag, key] of [
    ['checkin-margin', 'checkinMargin'],
    ['max-runtime', 'maxRuntime'],
  ] as const) {
    const n = number(flag);
    if (typeof n === 'object') return n;
    if (n !== undefined) monitor[key] = n;
  }
  const timeout = number('timeout');
  if (typeof timeout === 'object') return timeout;
  const flush = number('flush-timeout');
  if (typeof flush === 'object') return flush;
  const lines = number('stderr-lines');
  if (typeof lines === 'object') return lines;
  const parsed: CliArgs = {
    slug,
    command,
    args,
    monitor,
    flushTimeoutMs: flush ?? 2000,
    stderrLines: Math.floor(lines ?? 20),
  };
  if (timeout !== undefined) parsed.timeoutSeconds = timeout;
  return parsed;
}
