// @faultline/openwhisk: error tracking for Apache OpenWhisk Node.js actions.

export type { ActivationContext } from './activation.js';
export type { WrapActionOptions } from './options.js';
export { REPORTED_MARKER, wrapAction } from './wrap-action.js';
