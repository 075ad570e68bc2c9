import type { NodeOptions } from '@faultline/node';
import type { ActivationContext } from './activation.js';

export interface WrapActionOptions extends NodeOptions {
  /**
   * Upper bound for the flush that runs before the wrapped action returns. The flush is also
   * cut short 100 ms before the activation's deadline.
   * @default 2000
   */
  flushTimeoutMs?: number | undefined;
  /**
   * Sends a warning event shortly before the activation's deadline, since the invoker kills the
   * container at the deadline and nothing can be reported afterwards. When less than the
   * threshold is left as the activation starts, the warning is due halfway to the deadline.
   * @default true (500 ms before the deadline)
   * @example { thresholdMs: 1000 }
   */
  timeoutWarning?: boolean | { thresholdMs?: number } | undefined;
  /**
   * Whether a returned `{ error }` is reported. By default plain actions always report it, and
   * web actions when `error.statusCode` is missing or captured by `captureStatus` (5xx).
   * @default true
   */
  captureApplicationErrors?:
    | (boolean | ((error: unknown, context: ActivationContext) => boolean))
    | undefined;
  /**
   * For web actions: instead of rethrowing a thrown error (which the controller would answer
   * with the serialized error, stack included), return a safe error response. `true` returns
   * `{ error: { statusCode: 500, body: { error: 'Internal Server Error', activation_id } } }`.
   * @default false
   */
  webErrorResponse?: (boolean | ((error: unknown, context: ActivationContext) => object)) | undefined;
  /**
   * Action parameter that may carry the DSN (bound with `wsk action update --param`). It is
   * never reported. Set `false` to read the DSN from options and the environment only.
   * @default 'FAULTLINE_DSN'
   */
  dsnParam?: string | false | undefined;
  /**
   * Attach the action's parameters (without `__ow_*` and the DSN parameter) as the
   * `action_params` context, scrubbed by key and value.
   * @default true
   */
  captureParams?: boolean | undefined;
  /** Extra parameter names to filter, on top of the scrubber's built-in list. */
  paramDenyKeys?: Array<string | RegExp> | undefined;
  /**
   * Folder a zip action is unpacked to; frames below it become `app:///<path>`.
   * @default /\/nodejsAction\/[A-Za-z0-9]{8}\//
   */
  unpackRoot?: RegExp | undefined;
  /**
   * Files of the action runtime itself; their frames are never in-app.
   * @default /\/nodejsAction\/(?:app\.js|runner\.js|src\/|platform\/|node_modules\/)/
   */
  runtimeFiles?: RegExp | undefined;
}

/** Parameter keys filtered out of `action_params` besides the scrubber's own list. */
export const DEFAULT_PARAM_DENY_KEYS: Array<string | RegExp> = [
  'dsn',
  'key',
  'secret',
  'token',
  'pass',
  'auth',
  'credential',
  'whisk-auth',
];
export const DEFAULT_FLUSH_TIMEOUT_MS = 2000;
export const DEFAULT_TIMEOUT_WARNING_MS = 500;
/**
 * Margin kept before the deadline so the result still reaches the invoker in time: after the
 * wrapper settles, the runtime serializes a rejection (the first one of a process loads
 * serialize-error with a dynamic import), prints its end markers and answers. That took 19 to
 * 69 ms on a busy two-core machine, in the Apache runtime and in the stand-in alike.
 */
export const DEADLINE_MARGIN_MS = 100;

/**
 * The options only wrapAction takes and the kind of value each takes, for core's one validator
 * (`checkOptions`, kinds in core's options.ts); core's and Node's own are checked by `init`.
 */
export const OPENWHISK_OPTION_RULES =
  'flushTimeoutMs:m timeoutWarning:T captureApplicationErrors:F webErrorResponse:F dsnParam:S ' +
  'captureParams:b paramDenyKeys:p unpackRoot:x runtimeFiles:x';
