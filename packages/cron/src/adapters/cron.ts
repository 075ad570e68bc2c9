import { getClient } from '@faultline/node';
import { slugFromOption, withMonitor } from '../monitor.js';
import type { MonitorOptions } from '../monitor-config.js';

type OnTick = (...args: unknown[]) => unknown;
interface CronJobParams {
  cronTime: unknown;
  onTick: unknown;
  timeZone?: string | null;
  name?: string;
  [key: string]: unknown;
}
type CronJobClass = (new (...args: any[]) => object) & { from(params: any): unknown };

export interface CronInstrumentOptions {
  /** Monitor slug for jobs without a `name`. */
  slug?: string | ((cronTime: unknown) => string);
  monitor?: Omit<MonitorOptions, 'schedule'>;
}

/**
 * Returns a `CronJob` class (the `cron` package, v4) whose jobs are monitored, through both the
 * constructor and `CronJob.from`. `onTick` keeps its `this` (the job or the given context), and
 * errors still reach cron's `errorHandler` or its own logging.
 */
export function instrumentCron<C extends CronJobClass>(CronJob: C, options: CronInstrumentOptions = {}): C {
  const wrapTick = (onTick: unknown, cronTime: unknown, timeZone: unknown, name: unknown): unknown => {
    if (typeof onTick !== 'function') return onTick;
    const slugOption = options.slug;
    const slug =
      typeof slugOption === 'function'
        ? slugFromOption(() => slugOption(cronTime))
        : typeof name === 'string' && name
          ? name
          : slugOption;
    if (!slug) {
      getClient()?.logger.warn('cron job not monitored: give it a name or pass a slug option');
      return onTick;
    }
    const monitor: MonitorOptions = { ...options.monitor };
    if (typeof cronTime === 'string') monitor.schedule = cronTime;
    if (typeof timeZone === 'string') monitor.timezone = timeZone;
    return function (this: unknown, ...args: unknown[]) {
      return withMonitor(slug, () => (onTick as OnTick).apply(this, args), monitor);
    };
  };
  return new Proxy(CronJob, {
    construct(target, args, newTarget) {
      const next = [...args];
      next[1] = wrapTick(args[1], args[0], args[4], args[11]);
      return Reflect.construct(target, next, newTarget);
    },
    get(target, key, receiver) {
      if (key === 'from') {
        return (params: CronJobParams) =>
          (target.from as (p: CronJobParams) => unknown)({
            ...params,
            onTick: wrapTick(params.onTick, params.cronTime, params.timeZone, params.name),
          });
      }
      return Reflect.get(target, key, receiver);
    },
  });
}
