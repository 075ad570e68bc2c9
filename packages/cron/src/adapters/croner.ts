import { getClient } from '@faultline/node';
import { withMonitor } from '../monitor.js';
import type { MonitorOptions } from '../monitor-config.js';

type CronerFn = (job: unknown, context: unknown) => unknown;
interface CronerJob {
  name?: string;
  fn?: CronerFn;
  options?: { timezone?: string };
  getPattern(): string | undefined;
  schedule(fn?: CronerFn): unknown;
}
type CronerClass = new (...args: any[]) => object;

export interface CronerInstrumentOptions {
  /** Monitor slug for jobs without a `name` option. */
  slug?: string | ((pattern: string | undefined) => string);
  monitor?: Omit<MonitorOptions, 'schedule'>;
}

/**
 * Returns a croner `Cron` class whose jobs are monitored. croner's own error semantics stay:
 * with `catch` the error goes to it, without `catch` the error still reaches the process as it
 * would without Faultline (after it is captured and the `error` check-in queued).
 */
export function instrumentCroner<C extends CronerClass>(Cron: C, options: CronerInstrumentOptions = {}): C {
  return new Proxy(Cron, {
    construct(target, args, newTarget) {
      const job = Reflect.construct(target, args, newTarget) as CronerJob;
      try {
        monitorJob(job, options);
      } catch (error) {
        getClient()?.logger.debug('croner job not monitored', error);
      }
      return job;
    },
  });
}

function monitorJob(job: CronerJob, options: CronerInstrumentOptions): void {
  const pattern = job.getPattern();
  const slug = typeof options.slug === 'function' ? options.slug(pattern) : (job.name ?? options.slug);
  if (!slug) {
    getClient()?.logger.warn('croner job not monitored: give it a name or pass a slug option');
    return;
  }
  const monitor: MonitorOptions = { ...options.monitor };
  if (pattern) monitor.schedule = pattern;
  if (job.options?.timezone) monitor.timezone = job.options.timezone;
  const wrap = (fn: CronerFn): CronerFn =>
    function (this: unknown, self, context) {
      return withMonitor(slug, () => fn.call(this, self, context), monitor);
    };
  if (typeof job.fn === 'function') job.fn = wrap(job.fn);
  const schedule = job.schedule.bind(job);
  job.schedule = (fn?: CronerFn) => schedule(typeof fn === 'function' ? wrap(fn) : fn);
}
