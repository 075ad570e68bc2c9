/**
 * The activation an action runs for, as the Apache Node.js runtime announces it: before each
 * `/run` the proxy copies every top-level string key of the request body to
 * `process.env.__OW_<KEY>` (core/nodejsActionBase/src/service.js, `doRun`). Those variables are
 * shared by the whole process and overwritten by the next activation, which under
 * `__OW_ALLOW_CONCURRENT` may start while this one is still awaiting, so they are read exactly
 * once, synchronously, when the activation enters the wrapper.
 */
export interface ActivationContext {
  activationId?: string;
  /** Fully qualified, e.g. `/guest/pkg/hello`. */
  actionName?: string;
  actionVersion?: string;
  namespace?: string;
  /** Forwarded by the `openwhisk` client as `x-request-id`: correlates chained actions. */
  transactionId?: string;
  /** Epoch milliseconds when the invoker gives up on the activation; NaN when unknown. */
  deadline: number;
  /** Host name of the API host, never its credentials. */
  apiHost?: string;
  /** `Date.now()` when the activation entered the wrapper. */
  startedAt: number;
  /** True for the first activation this wrapped action runs in the process. */
  coldStart: boolean;
  /** True when the controller invoked the action as a web action (`__ow_method` is set). */
  web: boolean;
}

type Env = Record<string, string | undefined>;

/** Snapshot of the activation context. Reads `__OW_API_KEY` never. */
export function readActivationContext(
  env: Env,
  params: unknown,
  coldStart: boolean,
  now = Date.now(),
): ActivationContext {
  const context: ActivationContext = {
    deadline: parseDeadline(env.__OW_DEADLINE),
    startedAt: now,
    coldStart,
    web: isWebParams(params),
  };
  setIf(context, 'activationId', env.__OW_ACTIVATION_ID);
  setIf(context, 'actionName', env.__OW_ACTION_NAME);
  setIf(context, 'actionVersion', env.__OW_ACTION_VERSION);
  setIf(context, 'namespace', env.__OW_NAMESPACE);
  setIf(context, 'transactionId', env.__OW_TRANSACTION_ID);
  setIf(context, 'apiHost', hostOf(env.__OW_API_HOST));
  return context;
}

/** Web actions receive `__ow_method` (lower-case) from the controller, plain actions never do. */
export function isWebParams(params: unknown): boolean {
  return (
    typeof params === 'object' &&
    params !== null &&
    typeof (params as Record<string, unknown>).__ow_method === 'string'
  );
}

/** Milliseconds left before the deadline (may be negative); undefined when there is none. */
export function remainingMs(context: ActivationContext, now = Date.now()): number | undefined {
  return Number.isFinite(context.deadline) ? context.deadline - now : undefined;
}

/** The action's short name for messages: `/guest/pkg/hello` → `pkg/hello`. */
export function displayName(context: ActivationContext): string {
  const name = context.actionName;
  if (!name) return 'action';
  const parts = name.split('/').filter(Boolean);
  return parts.length > 1 ? parts.slice(1).join('/') : (parts[0] ?? name);
}

/** The deadline is sent by the invoker as a JSON string of epoch milliseconds. */
function parseDeadline(raw: string | undefined): number {
  if (raw === undefined || !/^\d+$/.test(raw.trim())) return Number.NaN;
  return Number(raw);
}

function hostOf(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`).hostname || undefined;
  } catch {
    return undefined;
  }
}

function setIf<K extends keyof ActivationContext>(
  target: ActivationContext,
  key: K,
  value: ActivationContext[K] | undefined,
): void {
  if (value !== undefined && value !== '') target[key] = value;
}
