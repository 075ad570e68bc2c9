// @faultline/openwhisk: error tracking for Apache OpenWhisk Node.js actions.

export type { ActivationContext } from './activation.js';
export type { WrapActionOptions } from './options.js';
export { REPORTED_MARKER, wrapAction } from './wrap-action.js';

// The same top-level API as every Faultline package (wrapAction calls init itself)
export {
  addBreadcrumb,
  captureEvent,
  captureException,
  captureMessage,
  close,
  flush,
  getClient,
  init,
  lastEventId,
  setContext,
  setExtra,
  setTag,
  setTags,
  setUser,
  withScope,
} from '@faultline/node';
