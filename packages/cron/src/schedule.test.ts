import { describe, expect, it } from 'vitest';
import { crontabSchedule, intervalSchedule } from './schedule.js';

describe('crontabSchedule', () => {
  it.each([
    ['0 2 * * *', '0 2 * * *'],
    ['*/5 * * * *', '*/5 * * * *'],
    ['@daily', '0 0 * * *'],
    ['@hourly', '0 * * * *'],
    ['@weekly', '0 0 * * 0'],
    ['0 0 9 * * 1-5', '0 9 * * 1-5'],
    ['30 0 12 1 JAN *', '0 12 1 1 *'],
    ['0 8 * jan-mar mon,wed,fri', '0 8 * 1-3 1,3,5'],
    ['  15   3 * * sun ', '15 3 * * 0'],
  ])('%j becomes %j', (input, expected) => {
    expect(crontabSchedule(input)).toEqual({ ok: true, schedule: { type: 'crontab', value: expected } });
  });

  it.each([
    ['* * * * * *', /more often than once a minute/],
    ['*/10 * * * * *', /more often than once a minute/],
    ['0 0 L * *', /cannot express/],
    ['0 0 * * 5#3', /cannot express/],
    ['0 0 ? * 1W', /cannot express/],
    ['@reboot', /nickname/],
    ['0 0 * *', /5 fields/],
    ['0 0 1 1 * 2030', /cannot express|5 fields/],
    ['', /empty/],
    ['*/0 * * * *', /not a valid cron expression: .*stepping/],
    ['5-1 * * * *', /not a valid cron expression: .*larger/],
    ['0 0 31 13 *', /cannot express|not a valid/],
    ['every 5 minutes', /5 fields/],
  ])('%j is refused with a reason', (input, reason) => {
    const result = crontabSchedule(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

describe('intervalSchedule', () => {
  it('accepts positive integers only', () => {
    expect(intervalSchedule(10, 'minute')).toEqual({
      ok: true,
      schedule: { type: 'interval', value: 10, unit: 'minute' },
    });
    expect(intervalSchedule(0, 'hour').ok).toBe(false);
    expect(intervalSchedule(1.5, 'hour').ok).toBe(false);
  });
});
