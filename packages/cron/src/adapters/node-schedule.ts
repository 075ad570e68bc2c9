import { getClient } from '@faultline/node';
import { slugFromOption, withMonitor } from '../monitor.js';
import type { MonitorOptions } from '../monitor-config.js';

type JobFn = (fireDate: Date) => unknown;
type ScheduleJob = (...args: any[]) => unknown;

export interface NodeScheduleInstrumentOptions {
  /** Monitor slug for jobs scheduled without a name. */
  slug?: string | ((rule: unknown) => string);
  monitor?: Omit<MonitorOptions, 'schedule'>;
}

/**
 * Monitors jobs scheduled through the returned object's `scheduleJob`, in every form
 * (`scheduleJob([name,] rule, fn[, callback])`). The job's error is captured (node-schedule then
 * emits `'error'` on the Job, which crashes the process without a listener, exactly as before).
 */
export function instrumentNodeSchedule<T extends { scheduleJob: ScheduleJob }>(
  schedule: T,
  options: NodeScheduleInstrumentOptions = {},
): T {
  const scheduleJob: ScheduleJob = (...args) => {
    const named = args.length >= 3 && typeof args[0] === 'string';
    const name = named ? (args[0] as string) : undefined;
    const ruleIndex = named ? 1 : 0;
    const rule = args[ruleIndex];
    const fn = args[ruleIndex + 1];
    const slugOption = options.slug;
    const slug =
      typeof slugOption === 'function' ? slugFromOption(() => slugOption(rule)) : (name ?? slugOption);
    if (typeof fn !== 'function' || !slug) {
      getClient()?.logger.warn('node-schedule job not monitored: give it a name or pass a slug option');
      return schedule.scheduleJob(...args);
    }
    const monitor: MonitorOptions = { ...options.monitor, ...scheduleOf(rule) };
    const next = [...args];
    next[ruleIndex + 1] = function (this: unknown, fireDate: Date) {
      return withMonitor(slug, () => (fn as JobFn).call(this, fireDate), monitor);
    };
    return schedule.scheduleJob(...next);
  };
  return new Proxy(schedule, {
    get(target, key, receiver) {
      return key === 'scheduleJob' ? scheduleJob : Reflect.get(target, key, receiver);
    },
  });
}

/** Only cron strings describe a schedule a monitor can check; dates and rule objects get none. */
function scheduleOf(rule: unknown): Pick<MonitorOptions, 'schedule' | 'timezone'> {
  if (typeof rule === 'string') return { schedule: rule };
  if (rule && typeof rule === 'object' && typeof (rule as { rule?: unknown }).rule === 'string') {
    const { rule: cron, tz } = rule as { rule: string; tz?: unknown };
    return typeof tz === 'string' ? { schedule: cron, timezone: tz } : { schedule: cron };
  }
  return {};
}
