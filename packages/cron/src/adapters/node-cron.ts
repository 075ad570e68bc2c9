import { getClient } from '@faultline/node';
import { slugFromOption, withMonitor } from '../monitor.js';
import type { MonitorOptions } from '../monitor-config.js';

type TaskFn = (context: unknown) => unknown;
type TaskOptions = { name?: string; timezone?: string } & Record<string, unknown>;
type ScheduleFn = (expression: string, fn: TaskFn | string, options?: TaskOptions) => unknown;

export interface NodeCronInstrumentOptions {
  /** Monitor slug when a task has no `name` option. @default the task name */
  slug?: string | ((expression: string, options: TaskOptions | undefined) => string);
  /** Extra monitor settings (margin, max runtime, thresholds); the schedule comes from the task. */
  monitor?: Omit<MonitorOptions, 'schedule'>;
}

/**
 * Monitors node-cron (v4) tasks created through the returned object's `schedule` and
 * `createTask`. node-cron catches task errors itself, logs them and emits `execution:failed`;
 * the wrapper captures the error, sends the `error` check-in and rethrows so that still happens.
 */
export function instrumentNodeCron<T extends { schedule: ScheduleFn; createTask: ScheduleFn }>(
  nodeCron: T,
  options: NodeCronInstrumentOptions = {},
): T {
  const wrap =
    (original: ScheduleFn): ScheduleFn =>
    (expression, fn, taskOptions) => {
      const slug = slugFor(expression, taskOptions, options);
      if (typeof fn !== 'function' || !slug) {
        getClient()?.logger.warn(
          'node-cron task not monitored: it needs a function and a name or slug option',
        );
        return original.call(nodeCron, expression, fn, taskOptions);
      }
      const monitor: MonitorOptions = { ...options.monitor, schedule: expression };
      if (taskOptions?.timezone) monitor.timezone = taskOptions.timezone;
      const monitored: TaskFn = function (this: unknown, context) {
        return withMonitor(slug, () => fn.call(this, context), monitor);
      };
      return original.call(nodeCron, expression, monitored, taskOptions);
    };
  const schedule = wrap(nodeCron.schedule);
  const createTask = wrap(nodeCron.createTask);
  return new Proxy(nodeCron, {
    get(target, key, receiver) {
      if (key === 'schedule') return schedule;
      if (key === 'createTask') return createTask;
      return Reflect.get(target, key, receiver);
    },
  });
}

function slugFor(
  expression: string,
  taskOptions: TaskOptions | undefined,
  options: NodeCronInstrumentOptions,
): string | undefined {
  if (typeof options.slug !== 'function') return taskOptions?.name ?? options.slug;
  const slug = options.slug;
  return slugFromOption(() => slug(expression, taskOptions));
}
