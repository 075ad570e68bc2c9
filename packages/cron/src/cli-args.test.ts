import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './cli-args.js';

describe('parseCliArgs', () => {
  it('reads the slug, monitor options and the command after --', () => {
    expect(
      parseCliArgs([
        '--slug',
        'nightly-backup',
        '--schedule',
        '0 2 * * *',
        '--timezone=Europe/Berlin',
        '--max-runtime',
        '30',
        '--checkin-margin',
        '5',
        '--timeout',
        '3600',
        '--',
        './backup.sh',
        '--full',
        '--',
      ]),
    ).toEqual({
      slug: 'nightly-backup',
      command: './backup.sh',
      args: ['--full', '--'],
      monitor: { schedule: '0 2 * * *', timezone: 'Europe/Berlin', maxRuntime: 30, checkinMargin: 5 },
      timeoutSeconds: 3600,
      flushTimeoutMs: 2000,
      stderrLines: 20,
    });
  });

  it('accepts an interval schedule', () => {
    const parsed = parseCliArgs(['--slug', 's', '--interval', '15', '--unit', 'minute', '--', 'true']);
    expect(parsed).toMatchObject({ monitor: { schedule: { interval: 15, unit: 'minute' } } });
  });

  it.each([
    [['--', 'true'], /--slug is required/],
    [['--slug', 'x'], /no command/],
    [['--slug', 'x', '--timeout', 'soon', '--', 'true'], /--timeout must be a positive number/],
    [['--slug', 'x', '--colour', 'red', '--', 'true'], /unknown option '--colour'/i],
    [['--slug'], /--slug.*argument missing/],
    [['backup.sh'], /unexpected argument/],
    [['--slug', 'x', '--interval', '2', '--unit', 'fortnight', '--', 'true'], /unit "fortnight"/],
    [['--slug', 'x', '--schedule', 'every 5 minutes', '--', 'true'], /--schedule: .*5 fields/],
    [['--slug', 'x', '--schedule', '*/0 * * * *', '--', 'true'], /--schedule: .*not a valid cron expression/],
    [['--slug', 'x', '--schedule', '5-1 * * * *', '--', 'true'], /--schedule: .*not a valid cron expression/],
  ])('%j gives a clear error', (argv, message) => {
    const parsed = parseCliArgs(argv);
    expect('error' in parsed && parsed.error).toMatch(message);
  });

  it.each([[['--help']], [['-h']], [['--slug', 'x', '--help', '--', 'true']]])(
    '%j asks for the usage text, not an error',
    (argv) => {
      const parsed = parseCliArgs(argv);
      expect('help' in parsed && parsed.help).toMatch(/usage: faultline-cron/);
      expect('error' in parsed).toBe(false);
    },
  );
});
