// @faultline/cron: job monitoring for every way a job runs.

export { captureCheckIn, flush, init } from '@faultline/node';
// The same top-level API as every Faultline package
export {
  addBreadcrumb,
  captureEvent,
  captureException,
  captureMessage,
  close,
  getClient,
  lastEventId,
  setContext,
  setExtra,
  setTag,
  setTags,
  setUser,
  withScope,
} from '@faultline/node';
export { type CronInstrumentOptions, instrumentCron } from './adapters/cron.js';
export { type CronerInstrumentOptions, instrumentCroner } from './adapters/croner.js';
// Scheduler adapters
export { instrumentNodeCron, type NodeCronInstrumentOptions } from './adapters/node-cron.js';
export { instrumentNodeSchedule, type NodeScheduleInstrumentOptions } from './adapters/node-schedule.js';
// Monitors
export { heartbeat, withMonitor } from './monitor.js';
export { MAX_SLUG_LENGTH, type MonitorOptions, normalizeSlug, toMonitorConfig } from './monitor-config.js';
export { crontabSchedule, type IntervalUnit, intervalSchedule, type ScheduleResult } from './schedule.js';
