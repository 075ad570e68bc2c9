import { dirname } from 'node:path';
import { inspect } from 'node:util';
import type { Breadcrumb, Client, EventHint } from '@faultline/core';
import { createLogger } from '@faultline/core/front';
import { checkOptions } from '@faultline/core/setup';
import { detectRelease, getClient, init, type NodeOptions, withIsolatedScope } from '@faultline/node';
import { type ActivationContext, readActivationContext } from './activation.js';
import { armTimeoutWarning, flushBound } from './deadline.js';
import {
  type ActivationDelivery,
  activationCountIntegration,
  activationTransport,
  CALL_FRAME,
  insideActivation,
  runTracked,
  waitForOwnEvents,
} from './delivery.js';
import { addActivationData } from './event-data.js';
import { openwhiskFramesIntegration } from './frames.js';
import {
  DEFAULT_FLUSH_TIMEOUT_MS,
  DEFAULT_TIMEOUT_WARNING_MS,
  OPENWHISK_OPTION_RULES,
  type WrapActionOptions,
} from './options.js';
import { reportResult, safeWebResponse } from './result.js';

/** What the runtime prints after every activation, on stdout and stderr. */
const SENTINEL = 'XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX';

// Extra arguments are forwarded untouched (derived runtimes may pass a context object).
type Main<P, R> = (params: P, ...rest: any[]) => R | Promise<R>;
type Params = Record<string, unknown>;

const MECHANISM = { type: 'openwhisk', handled: false } as const;
/**
 * Printed to the activation's log when events of it were delivered, so the activation monitor
 * (which reads the logs through the API) does not report the same activation again.
 */
export const REPORTED_MARKER = 'faultline-openwhisk: reported';

/**
 * Wraps an OpenWhisk action's `main`: each activation runs in its own scope tagged with the
 * activation, a thrown error or rejection is captured, a returned `{ error }` is reported as an
 * application error, and queued events are flushed before the result goes back to the invoker
 * (the container is paused soon after, and killed at the deadline).
 *
 * The result is returned and errors are rethrown unchanged, with one difference from an
 * unwrapped action: the wrapper flushes before it answers, so a synchronous throw reaches the
 * runtime as a rejection (an application error with a serialized error; the container stays
 * warm) instead of a 502 developer error. With the SDK off (no DSN) nothing differs.
 *
 * @example
 * import { wrapAction } from '@faultline/openwhisk';
 * export const main = wrapAction(async (params) => ({ body: await render(params) }));
 */
export function wrapAction<P = Params, R = unknown>(
  main: Main<P, R>,
  given: WrapActionOptions = {},
): (params: P, ...rest: unknown[]) => Promise<R> {
  let coldStart = true;
  let initTried = false;
  // Core's one validator, as for every runtime: a bad value is named once and its default
  // applies; only options that cannot be read at all (or, in `init`, a bad DSN) turn the SDK off.
  const checked = checkOptions<WrapActionOptions>(given, OPENWHISK_OPTION_RULES);
  const problem = typeof checked === 'string' ? checked : undefined;
  if (problem) createLogger(true).warn(`SDK disabled: ${problem}`);
  const options = typeof checked === 'string' ? {} : checked;
  const dsnParam = problem || options.dsnParam === false ? undefined : (options.dsnParam ?? 'FAULTLINE_DSN');

  let warned = false;

  function ensureClient(params: unknown): Client | undefined {
    const existing = getClient();
    if (existing && !initTried && !warned && (options.transport !== undefined || options.dsn !== undefined)) {
      // One client per process: this wrapper's own delivery options would be silently unused.
      warned = true;
      createLogger(true).warn(
        'wrapAction: the SDK was started before (init, or another wrapAction): this wrapper’s dsn and transport options are not used; call close() first to start it with them',
      );
    }
    if (existing || initTried) return existing;
    initTried = true;
    const opts = nodeOptions(options, dsnFrom(params, dsnParam));
    let client: Client | undefined;
    let built = false;
    const forget = (target: Client) => delete (target.options as { transport?: unknown }).transport;
    const factory = opts.transport;
    if (factory && !options.transport) {
      // The per-activation transport is the default one, only followed more closely: built on
      // the first capture (an activation that captures nothing never pays for it), then
      // forgotten as an option, so that the exit flush still delivers it synchronously.
      opts.transport = (context) => {
        const transport = factory(context);
        built = true;
        if (client) forget(client);
        return transport;
      };
    }
    client = init(opts);
    if (client && built) forget(client);
    return client;
  }

  return function wrappedAction(this: unknown, params: P, ...rest: unknown[]): Promise<R> {
    // With the SDK off the action runs as unwrapped, down to a synchronous throw staying
    // synchronous (the runtime answers it with a 502 and stops the container).
    const unwrapped = () => Promise.resolve(main.call(this, params, ...rest));
    if (problem) return unwrapped();
    let client: Client | undefined;
    let context: ActivationContext;
    try {
      // Synchronously, before anything awaits: a concurrent activation rewrites process.env.
      context = readActivationContext(process.env, params, coldStart);
      coldStart = false;
      client = ensureClient(params);
    } catch {
      return unwrapped();
    }
    if (!client?.enabled) return unwrapped();
    const call = () => main.call(this, params, ...rest);
    Object.defineProperty(call, 'name', { value: CALL_FRAME });
    const active = client;
    return runTracked((delivery) =>
      withIsolatedScope(() => runActivation(active, delivery, context, params, call, options, dsnParam)),
    );
  };
}

async function runActivation<R>(
  client: Client,
  delivery: ActivationDelivery,
  context: ActivationContext,
  params: unknown,
  call: () => R | Promise<R>,
  options: WrapActionOptions,
  dsnParam: string | undefined,
): Promise<R> {
  let disarm = () => {};
  // Tags, contexts and scrubbed params are added to events of this activation when they are
  // captured: an activation that captures nothing does not build them.
  delivery.decorate = (event) => addActivationData(event, client, context, params, options, dsnParam);
  guard(client, 'timeout warning', () => {
    const warning = options.timeoutWarning ?? true;
    if (warning !== false) {
      const threshold =
        (typeof warning === 'object' ? warning.thresholdMs : undefined) ?? DEFAULT_TIMEOUT_WARNING_MS;
      disarm = armTimeoutWarning(client, context, threshold, (message, extra) => {
        client.captureEvent({ message, level: 'warning', tags: { timeout: 'warning' }, extra });
        void waitForOwnEvents(delivery, flushBound(context, Number.POSITIVE_INFINITY), flushAll(client));
      });
    }
  });

  const settle = async (): Promise<void> => {
    const bound = flushBound(context, options.flushTimeoutMs ?? DEFAULT_FLUSH_TIMEOUT_MS);
    await waitForOwnEvents(delivery, bound, flushAll(client));
    // Before the runtime's end marker, so the line belongs to this activation's log.
    if (delivery.delivered.length > 0) {
      writeLine(process.stdout, `${REPORTED_MARKER} ${delivery.delivered.join(' ')}`);
    }
  };
  let result: R;
  let threwSync = false;
  // Named so that its frame can be taken out of the stack the runtime serializes.
  const invoke = () => {
    try {
      return call();
    } catch (error) {
      threwSync = true;
      throw error;
    }
  };
  Object.defineProperty(invoke, 'name', { value: CALL_FRAME });
  try {
    result = await Promise.resolve().then(invoke);
  } catch (error) {
    disarm();
    dropCallFrame(error);
    // Unwrapped, the runtime prints a synchronous throw's stack to the activation log.
    if (threwSync) writeLine(process.stderr, safeInspect(error));
    guard(client, 'capture', () => {
      client.captureException(error, { mechanism: MECHANISM, originalException: error } satisfies EventHint);
    });
    await settle();
    const safe = context.web ? safeWebResponse(client, error, context, options) : undefined;
    if (safe !== undefined) return safe as R;
    throw error;
  }
  disarm();
  guard(client, 'result check', () => {
    reportResult(client, result, context, params, options);
  });
  await settle();
  return result;
}

// Every frame of ours that a stack below `main` can show (async ones included) has this name.
Object.defineProperty(runActivation, 'name', { value: CALL_FRAME });

function flushAll(client: Client): (ms: number) => Promise<boolean> {
  return (ms) => client.flush(ms).catch(() => false);
}

/** Removes the wrapper's own frame from an error's stack text (it is the user's object, kept otherwise). */
function dropCallFrame(error: unknown): void {
  try {
    if (!(error instanceof Error) || typeof error.stack !== 'string') return;
    if (!error.stack.includes(CALL_FRAME)) return;
    error.stack = error.stack
      .split('\n')
      .filter((line) => !/^\s*at (?:async )?faultlineOpenwhiskCall /.test(line))
      .join('\n');
  } catch {
    // A frozen or odd error keeps its stack.
  }
}

function safeInspect(value: unknown): string {
  try {
    return inspect(value);
  } catch {
    return String(value);
  }
}

function writeLine(stream: NodeJS.WriteStream, text: string): void {
  try {
    stream.write(`${text}\n`);
  } catch {
    // The log is best effort.
  }
}

function dsnFrom(params: unknown, dsnParam: string | undefined): string | undefined {
  if (!dsnParam || typeof params !== 'object' || params === null) return undefined;
  const value = (params as Params)[dsnParam];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `init` options: ours removed, the DSN parameter used when no DSN was given, frames rewritten last. */
function nodeOptions(options: WrapActionOptions, paramDsn: string | undefined): NodeOptions {
  const {
    flushTimeoutMs: _flush,
    timeoutWarning: _warning,
    captureApplicationErrors: _app,
    webErrorResponse: _web,
    dsnParam: _dsn,
    captureParams: _params,
    paramDenyKeys: _deny,
    unpackRoot,
    runtimeFiles,
    integrations,
    ...rest
  } = options;
  const frameOptions: { unpackRoot?: RegExp; runtimeFiles?: RegExp } = {};
  if (unpackRoot) frameOptions.unpackRoot = unpackRoot;
  if (runtimeFiles) frameOptions.runtimeFiles = runtimeFiles;
  const frames = openwhiskFramesIntegration(frameOptions);
  const nodeOpts: NodeOptions = {
    // Keep the runtime's crash semantics for background errors unless asked otherwise.
    captureUnhandled: false,
    ...rest,
    // An array adds to Node's defaults, a function edits them, as in `init`.
    integrations: (defaults) => {
      const chosen =
        typeof integrations === 'function' ? integrations(defaults) : [...defaults, ...(integrations ?? [])];
      // Not a list: `init` says so and keeps its defaults.
      return Array.isArray(chosen) ? [activationCountIntegration(), ...chosen, frames] : chosen;
    },
    beforeBreadcrumb: (crumb) => {
      if (runtimeConsoleLine(crumb)) return null;
      return rest.beforeBreadcrumb ? rest.beforeBreadcrumb(crumb) : crumb;
    },
  };
  const dsn = options.dsn ?? paramDsn;
  if (dsn !== undefined) nodeOpts.dsn = dsn;
  if (rest.release === undefined) {
    const release = actionRelease(process.env);
    if (release) nodeOpts.release = release;
  }
  const custom = rest.transport;
  // Without any DSN the SDK stays off: a transport would turn it on.
  if (custom || dsn || process.env.FAULTLINE_DSN || process.env.SENTRY_DSN) {
    const transportOptions = rest.transportOptions;
    nodeOpts.transport = (context) => activationTransport(context, transportOptions, custom);
  }
  return nodeOpts;
}

/**
 * Console output outside an activation is the runtime's (its end marker after every activation,
 * its error lines): never a breadcrumb of the next event.
 */
function runtimeConsoleLine(crumb: Breadcrumb): boolean {
  return crumb.category === 'console' && (!insideActivation() || crumb.message?.includes(SENTINEL) === true);
}

function guard(client: Client, what: string, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    client.logger.debug(`openwhisk: ${what} failed`, error);
  }
}

/**
 * The release of a wrapped action when none is given, found as `init` finds one (a release
 * variable, then the nearest package.json) except that, inside the runtime, the search stops at
 * the runtime's own folder (its entry script's, `/nodejsAction` in the image): the package.json
 * there names the runtime, the same for every action. Without a package.json of the action's
 * own, the action's name and version (`hello@0.0.3`; the platform counts a new version at each
 * update). Undefined when none is known.
 */
export function actionRelease(env: Record<string, string | undefined>): string | undefined {
  try {
    const inRuntime = env.__OW_ACTION_NAME !== undefined;
    const entry = process.argv[1];
    const detected = detectRelease(env, process.cwd(), inRuntime && entry ? dirname(entry) : undefined);
    if (detected) return detected;
    const name = env.__OW_ACTION_NAME?.split('/').pop();
    const version = env.__OW_ACTION_VERSION;
    return name && version ? `${name}@${version}` : undefined;
  } catch {
    // The working directory was removed: no release to name.
    return undefined;
  }
}
