import { describe, expect, it, vi } from 'vitest';
import { normalizeCheckIn, toMonitorConfig } from './check-in.js';
import { createLogger } from './logger.js';
import type { WireCheckIn } from './types.js';

const checkIn = (extra: Record<string, unknown> = {}): WireCheckIn =>
  ({ check_in_id: 'c'.repeat(32), monitor_slug: 'nightly', status: 'ok', ...extra }) as WireCheckIn;

describe('toMonitorConfig', () => {
  it('takes Sentry’s camelCase form and gives the wire form', () => {
    expect(
      toMonitorConfig({
        schedule: { type: 'crontab', value: '0 * * * *' },
        checkinMargin: 5,
        maxRuntime: 30,
        timezone: 'Europe/Berlin',
        failureIssueThreshold: 2,
        recoveryThreshold: 3,
      }),
    ).toEqual({
      schedule: { type: 'crontab', value: '0 * * * *' },
      checkin_margin: 5,
      max_runtime: 30,
      timezone: 'Europe/Berlin',
      failure_issue_threshold: 2,
      recovery_threshold: 3,
    });
  });

  it('still takes the wire form', () => {
    const wire = {
      schedule: { type: 'interval', value: 2, unit: 'hour' },
      checkin_margin: 1,
      max_runtime: 9,
    };
    expect(toMonitorConfig(wire)).toEqual(wire);
  });

  it('rounds fractional numbers up to whole ones and leaves out what is not a number', () => {
    const logger = createLogger(true);
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => {});
    expect(
      toMonitorConfig(
        {
          schedule: { type: 'interval', value: 1.4, unit: 'minute' },
          checkinMargin: 2.5,
          maxRuntime: 0.5,
          failureIssueThreshold: 1.2,
          recoveryThreshold: -1,
          timezone: 7,
        },
        logger,
      ),
    ).toEqual({
      schedule: { type: 'interval', value: 1, unit: 'minute' },
      checkin_margin: 3,
      max_runtime: 1,
      failure_issue_threshold: 2,
    });
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('accepts plural and capitalized units, turns seconds into minutes, refuses unknown units', () => {
    const interval = (value: number, unit: string) =>
      toMonitorConfig({ schedule: { type: 'interval', value, unit } });
    expect(interval(3, 'Days')?.schedule).toEqual({ type: 'interval', value: 3, unit: 'day' });
    expect(interval(90, 'second')?.schedule).toEqual({ type: 'interval', value: 2, unit: 'minute' });
    expect(interval(30, 'seconds')?.schedule).toEqual({ type: 'interval', value: 1, unit: 'minute' });
    expect(interval(1, 'fortnight')).toBeUndefined();
    expect(interval(0, 'day')).toBeUndefined();
    expect(toMonitorConfig({ schedule: { type: 'crontab', value: ' ' } })).toBeUndefined();
    expect(toMonitorConfig({})).toBeUndefined();
  });
});

describe('normalizeCheckIn', () => {
  it('converts the monitor config, cleans release and environment, replaces lone surrogates', () => {
    const out = normalizeCheckIn(
      checkIn({
        monitor_slug: 'job-\ud800',
        release: 'a/b',
        environment: 'none',
        monitor_config: { schedule: { type: 'crontab', value: '* * * * *' }, checkinMargin: 1.5 },
      }),
    );
    expect(out).toEqual({
      check_in_id: 'c'.repeat(32),
      monitor_slug: 'job-\ufffd',
      status: 'ok',
      release: 'a-b',
      monitor_config: { schedule: { type: 'crontab', value: '* * * * *' }, checkin_margin: 2 },
    });
  });

  it('keeps the check-in and leaves out a monitor config the ingest would refuse', () => {
    const out = normalizeCheckIn(
      checkIn({ monitor_config: { schedule: { type: 'interval', value: 1, unit: 'x' } } }),
    );
    expect(out).toEqual(checkIn());
  });
});
