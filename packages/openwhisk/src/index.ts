// @faultline/openwhisk: error tracking for Apache OpenWhisk Node.js actions.

export type { ActivationContext } from './activation.js';
export type { WrapActionOptions } from './options.js';
export { wrapAction } from './wrap-action.js';
