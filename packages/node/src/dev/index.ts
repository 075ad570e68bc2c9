// @faultline/node/dev-receiver: a local receiver that shows what an SDK sends while you develop.
export { type Arrival, createArrivalTracker } from './arrivals.js';
export { type DevReceiver, type DevReceiverOptions, startDevReceiver } from './dev-receiver.js';
export { arrivalJson, formatAlert, formatArrival, formatIssues } from './format.js';
export { type Alert, type AlertRuleOptions, createAlertRules, parseDuration } from './alerts.js';
export { createIssueStore, type IssueSummary } from './issues.js';
export { isAtLeast, type Priority, parsePriority, priorityOf } from './priority.js';
