// @faultline/openwhisk/monitor: reports failed activations of any runtime from the API records.

export {
  type ActivationRecord,
  type ActivationsApi,
  annotation,
  checkActivations,
  classify,
  type FailureKind,
  type MonitorOptions,
  type MonitorRun,
  type MonitorState,
  wrapperEventIds,
} from './monitor.js';
export {
  type ApiOptions,
  activationsApi,
  monitorAction,
  monitorAction as main,
  monitorClient,
  type RunOptions,
  type RunResult,
  runMonitor,
} from './monitor-run.js';
