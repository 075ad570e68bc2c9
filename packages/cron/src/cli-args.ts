import type { MonitorOptions } from './monitor-config.js';

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

/** Parses argv (without node and script); returns an error message for the user instead of throwing. */
export function parseCliArgs(argv: string[]): CliArgs | { error: string } {
  const separator = argv.indexOf('--');
  const flags = separator >= 0 ? argv.slice(0, separator) : argv;
  const commandLine = separator >= 0 ? argv.slice(separator + 1) : [];
  const values = new Map<string, string>();
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i] ?? '';
    if (flag === '--help' || flag === '-h') return { error: USAGE };
    if (!flag.startsWith('--')) return { error: `unexpected argument "${flag}" (put the command after --)` };
    const [name, inline] = flag.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const value = inline ?? flags[++i];
    if (value === undefined) return { error: `--${name} needs a value` };
    values.set(name, value);
  }
  const known = [
    'slug',
    'schedule',
    'interval',
    'unit',
    'timezone',
    'checkin-margin',
    'max-runtime',
    'timeout',
    'flush-timeout',
    'stderr-lines',
  ];
  const unknown = [...values.keys()].find((k) => !known.includes(k));
  if (unknown) return { error: `unknown option --${unknown}` };
  const slug = values.get('slug');
  if (!slug) return { error: '--slug is required' };
  const [command, ...args] = commandLine;
  if (!command) return { error: 'no command given: faultline-cron --slug <slug> -- <command> [args...]' };

  const number = (name: string): number | undefined | { error: string } => {
    const raw = values.get(name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    return Number.isFinite(n) && n > 0 ? n : { error: `--${name} must be a positive number` };
  };
  const monitor: MonitorOptions = {};
  const schedule = values.get('schedule');
  if (schedule) monitor.schedule = schedule;
  const interval = number('interval');
  if (typeof interval === 'object') return interval;
  if (interval !== undefined) {
    const unit = values.get('unit') ?? 'minute';
    if (!['minute', 'hour', 'day', 'week', 'month', 'year'].includes(unit))
      return { error: `--unit "${unit}" is unknown` };
    monitor.schedule = { interval, unit: unit as 'minute' };
  }
  const timezone = values.get('timezone');
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
