/**
 * What a runtime's first bundle needs before its event pipeline has loaded (the browser loads
 * the pipeline as a chunk of its own right after `init`): the top-level API, the client carrier,
 * scopes, ids, the logger, the stack parser and the texts an event is matched by. A bundler that
 * splits code reaches every module of core through the package's index, and would put them all
 * in the first bundle; through this entry it reaches only these.
 */
export {
  addBreadcrumb,
  captureEvent,
  captureException,
  captureMessage,
  flush,
  lastEventId,
  setContext,
  setExtra,
  setTag,
  setTags,
  setUser,
  withScope,
} from './api.js';
export { carrier } from './carrier.js';
export { eventMessages } from './event-builder.js';
export { isId, uuid4 } from './ids.js';
export { createLogger } from './logger.js';
export { createScope, createStackScopeStore, recordBreadcrumb } from './scope.js';
export { DEPENDENCY_PATH, frameAt, parseStack } from './stack-parse.js';
export { createStatusPolicy } from './status-policy.js';
export { truncateWords } from './strings.js';
export { triageIntegration } from './triage.js';
