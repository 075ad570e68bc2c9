import type { CapturedSet } from './captured-set.js';
import type { MonitorConfigInput } from './check-in.js';
import { chooseIntegrations, clientSettings, setupIntegrations } from './client-settings.js';
import { type Dsn, dsnToString, envelopeUrlWithAuth } from './dsn.js';
import { createEventEnvelope, type EnvelopeMeta } from './envelope.js';
import { buildEvent, dedupeKey, type EventDefaults, eventMessages, sameDedupeKey } from './event-builder.js';
import { exceptionFromValue } from './exception.js';
import { createFetchExecutor } from './fetch-executor.js';
import { cancelTimer, keepAliveTimer } from './globals.js';
import { isId, isPromiseLike, uuid4 } from './ids.js';
import type { Integration } from './integration.js';
import { type Logger, reportConfigError } from './logger.js';
import type { ClientOptions } from './options.js';
import { normalizeEvent } from './protocol.js';
import { sanitizeEvent } from './sanitize.js';
import type { SanitizeMemory } from './sanitize-memory.js';
import {
  createScope,
  createStackScopeStore,
  DEFAULT_MAX_BREADCRUMBS,
  recordBreadcrumb,
  type Scope,
  type ScopeStore,
} from './scope.js';
import { scrubOptionsProblem } from './scrub-patterns.js';
import type { sendCheckIn } from './send-check-in.js';
import { parseStack, type StackParser } from './stack-parse.js';
import { createStatusPolicy, type StatusPolicy } from './status-policy.js';
import type { Repeats, StormGuard, StormGuardOptions, StormHost } from './storm-guard.js';
import { createTransport, type Transport, type TransportExecutor } from './transport.js';
import type {
  Breadcrumb,
  CheckInInput,
  DataCategory,
  DiscardReason,
  EventHint,
  EventInput,
  FaultlineEvent,
  MonitorConfig,
  SdkInfo,
  SeverityLevel,
} from './types.js';

/** What a runtime package plugs into the client. */
export interface ClientRuntime {
  /** `node` or `javascript`. */
  platform: string;
  sdk: SdkInfo;
  /** The executor of the default transport; core's fetch executor when absent. */
  createExecutor?: (dsn: Dsn, sdkClient: string) => TransportExecutor;
  defaultIntegrations?: Integration[];
  createScopeStore?: (root: Scope) => ScopeStore;
  /**
   * Turns error stacks into frames; the built-in `parseStack` when absent. It must read only
   * `stack` and `message`: the client remembers frames per stack text.
   */
  parseStack?: StackParser;
  /** Core's `createStormGuard`, for runtimes that can afford it (the browser bundle leaves it out). */
  createStormGuard?: (options: StormGuardOptions, host?: StormHost) => StormGuard;
  /** Core's `cachedStackParser`: remembers frames per stack text, for runtimes with error storms. */
  cacheStacks?: (parse: StackParser) => StackParser;
  /** Core's `createCapturedSet`, for engines with native class fields; a `WeakSet` when absent. */
  capturedSet?: () => CapturedSet;
  /**
   * Core's `createSanitizeMemory`: the sanitizer reuses frames and scope parts it sanitized
   * before while they stay the same (see sanitize-memory.ts); the browser bundle leaves it out.
   */
  createSanitizeMemory?: () => SanitizeMemory;
  /** Core's `sendCheckIn`, for runtimes that send cron check-ins; without it check-ins are dropped. */
  sendCheckIn?: typeof sendCheckIn;
  /** The runtime's own options and their kinds, checked after core's (`OPTION_RULES` format). */
  optionRules?: string;
}

export interface Client {
  /** False when the SDK is off (no DSN, bad options, `enabled: false`); every call is then a cheap no-op. */
  readonly enabled: boolean;
  readonly options: Readonly<ClientOptions>;
  readonly logger: Logger;
  readonly dsn: Dsn | undefined;
  captureException(exception: unknown, hint?: EventHint): string;
  captureMessage(message: string, level?: SeverityLevel, hint?: EventHint): string;
  captureEvent(event: EventInput, hint?: EventHint): string;
  /**
   * Sends a cron check-in (never through `beforeSend`); returns its `check_in_id`. The monitor
   * config may be given as Sentry's API takes it (`checkinMargin`, …) or in wire form.
   */
  captureCheckIn(checkIn: CheckInInput, monitorConfig?: MonitorConfigInput | MonitorConfig): string;
  getScope(): Scope;
  withScope<T>(fn: (scope: Scope) => T): T;
  addBreadcrumb(breadcrumb: Breadcrumb): void;
  recordDroppedEvent(reason: DiscardReason, category: DataCategory, quantity?: number): void;
  getTransport(): Transport | undefined;
  getStatusPolicy(): StatusPolicy;
  getIntegration(name: string): Integration | undefined;
  flush(timeoutMs?: number): Promise<boolean>;
  close(timeoutMs?: number): Promise<boolean>;
}

const DEFAULT_FLUSH_MS = 2000;
/**
 * Events held at once while an async integration or `beforeSend` works on them; beyond it new
 * events are dropped (and counted), so hooks that never settle cannot grow memory without end.
 */
const MAX_WAITING_EVENTS = 100;
/** Longest delay a timer can hold (2^31 - 1 ms); Node fires a longer one after 1 ms, with a warning. */
const MAX_TIMER_MS = 2_147_483_647;

export function createClient(givenOptions: ClientOptions = {}, runtime: ClientRuntime): Client {
  const [options, logger, dsn, enabled] = clientSettings(givenOptions, runtime.optionRules);
  const sdkClient = `${runtime.sdk.name}/${runtime.sdk.version}`;
  // A bad scrub entry must not stop reporting: say which, scrub with the rest and the built-in rules.
  const scrubProblem = scrubOptionsProblem(options.scrub);
  if (scrubProblem) reportConfigError(`${scrubProblem}; it is ignored, the built-in scrubbing rules apply`);

  const maxBreadcrumbs = options.maxBreadcrumbs ?? DEFAULT_MAX_BREADCRUMBS;
  const root = createScope(options.initialScope);
  const store = runtime.createScopeStore?.(root) ?? createStackScopeStore(root);
  const statusPolicy = createStatusPolicy(options.captureStatus);
  const envelopeMeta: EnvelopeMeta = { sdk: { name: runtime.sdk.name, version: runtime.sdk.version } };
  if (dsn) envelopeMeta.dsn = dsnToString(dsn);
  const defaults: EventDefaults = { platform: runtime.platform, sdk: runtime.sdk, maxBreadcrumbs };
  for (const key of ['release', 'environment', 'dist'] as const)
    if (options[key]) defaults[key] = options[key];

  let transport: Transport | undefined;
  let transportFailed = false;
  let integrations: Integration[] = [];
  /** Events waiting on an async hook, with the reason to count if the client closes first. */
  const inFlight = new Map<Promise<unknown>, Waiting>();
  const captured: CapturedSet = runtime.capturedSet?.() ?? new WeakSet<object>();
  let lastKey: unknown[] | undefined;
  let closed = false;
  const parse = runtime.parseStack ?? parseStack;
  const parseStackCached = runtime.cacheStacks?.(parse) ?? parse;
  const memory = runtime.createSanitizeMemory?.();
  /** The storm guard, made once `client` exists: it counts drops in it and captures through it. */
  let storm: StormGuard | undefined;

  const client: Client = {
    enabled,
    options,
    logger,
    dsn,
    captureException(exception, givenHint) {
      const givenId = givenEventId(givenHint);
      // Dropped, or past this run's bounds in a storm (counted before anything else is read or
      // copied): the id goes nowhere, and the storm guard's costs less than a random one.
      if (!enabled || closed || droppedEarly() || (!captured.has(exception) && storm?.busy(exception)))
        return givenId ?? storm?.id() ?? uuid4();
      let eventId: string | undefined;
      try {
        const hint = readHint(givenHint);
        // A capture the storm guard put off, running again: it was deduplicated and sampled then.
        const again = storm?.again(givenHint);
        if (!again && options.dedupe !== false && typeof exception === 'object' && exception !== null) {
          // Captured before (by the app, then again by a handler): sent once.
          if (captured.has(exception)) return givenId ?? uuid4();
          captured.add(exception);
        }
        // Sampling and the storm guard decide before anything is built (see storm-guard.ts).
        if (!again && sampledOut()) return givenId ?? uuid4();
        // Counted (the guard counts it in client reports), or put off (the guard gives its id):
        // nothing is built now.
        const repeats = storm?.admit(exception, store.getScope().getUser()?.id, hint, givenId);
        if (typeof repeats === 'string') return repeats;
        if (storm && !repeats) return givenId ?? storm.id();
        eventId = givenId ?? uuid4();
        const input: EventInput = {
          event_id: eventId,
          level: hint.level ?? 'error',
          exception: exceptionFromValue(exception, {
            mechanism: { type: 'generic', handled: true, ...hint.mechanism },
            maxCauseDepth: options.maxCauseDepth,
            syntheticException: hint.syntheticException,
            thrownAt: hint.thrownAt,
            parseStack: parseStackCached,
          }),
          // In the literal, not added after: see the storm guard's `repeats`.
          contexts: repeats?.suppressed ? { repeats: { ...repeats } } : undefined,
        };
        hint.originalException = exception;
        runPipeline(input, hint, { sampled: true, summary: !!repeats?.suppressed });
      } catch (error) {
        internalError(error);
      }
      storm?.built();
      return eventId ?? givenId ?? uuid4();
    },
    captureMessage(message, level = 'info', hint = {}) {
      // A level that is no text (an object, a Symbol) is no level: the default applies.
      return captureWhole(
        { message: messageText(message), level: typeof level === 'string' ? level : 'info' },
        hint,
        true,
      );
    },
    captureEvent(event, hint) {
      return captureWhole(event, hint, false);
    },
    captureCheckIn(checkIn, monitorConfig) {
      if (runtime.sendCheckIn)
        return runtime.sendCheckIn(
          {
            live: enabled && !closed,
            options,
            logger,
            meta: envelopeMeta,
            transport: getTransport,
            drop: (reason, category) => client.recordDroppedEvent(reason, category),
            internalError,
          },
          checkIn,
          monitorConfig,
        );
      logger.warn('check-in dropped: this runtime sends no check-ins');
      return '';
    },
    getScope: () => store.getScope(),
    withScope(fn) {
      const scope = store.getScope().clone();
      return store.withScope(scope, fn);
    },
    addBreadcrumb(breadcrumb) {
      if (!enabled) return;
      try {
        recordBreadcrumb(store.getScope(), breadcrumb, options);
      } catch (error) {
        logger.debug('beforeBreadcrumb threw; breadcrumb dropped', error);
      }
    },
    recordDroppedEvent(reason, category, quantity = 1) {
      // In a storm this runs once per capture: no message is built for a silent logger.
      if (logger.enabled) logger.debug(`dropped ${quantity} ${category} (${reason})`);
      getTransport()?.recordDroppedEvent(reason, category, quantity);
    },
    // What the storm guard put off is built first: the transport then holds every capture so
    // far (exit delivery takes what is pending from it).
    getTransport() {
      storm?.runHeld();
      return getTransport();
    },
    getStatusPolicy: () => statusPolicy,
    getIntegration: (name) => integrations.find((i) => i.name === name),
    async flush(givenTimeoutMs) {
      if (!enabled) return true;
      storm?.runHeld();
      const timeoutMs = flushBound(givenTimeoutMs);
      const deadline = Date.now() + timeoutMs;
      try {
        const processed = await waitAll([...inFlight.keys()], timeoutMs);
        const delivered = transport ? await transport.flush(Math.max(0, deadline - Date.now())) : true;
        return processed && delivered;
      } catch {
        return false;
      }
    },
    async close(timeoutMs = DEFAULT_FLUSH_MS) {
      if (closed) return true;
      const result = await client.flush(timeoutMs);
      // Put off while the flush waited: handed to the transport, which counts what it cannot send.
      storm?.runHeld();
      closed = true;
      // What a hook still holds can no longer be sent: count it, and ignore it if it comes back.
      for (const waiting of inFlight.values()) client.recordDroppedEvent(waiting.reason, 'error');
      inFlight.clear();
      for (const integration of integrations) {
        try {
          integration.teardown?.();
        } catch (error) {
          logger.debug(`integration ${integration.name} teardown threw`, error);
        }
      }
      try {
        return (await transport?.close(0)) !== false && result;
      } catch {
        return false;
      }
    },
  };
  if (options.stormGuard !== false)
    storm = runtime.createStormGuard?.(options.stormGuard ?? {}, { client, store });

  function getTransport(): Transport | undefined {
    if (!enabled || transportFailed) return undefined;
    if (transport) return transport;
    try {
      if (options.transport) {
        const context: Parameters<NonNullable<ClientOptions['transport']>>[0] = {
          logger,
          envelopeMeta,
          sdkClient,
        };
        if (dsn) context.dsn = dsn;
        const made: unknown = options.transport(context);
        if (typeof (made as Transport | undefined)?.send !== 'function')
          throw new TypeError(
            `it returned ${made === null ? 'null' : typeof made}, not an object with a send method`,
          );
        transport = made as Transport;
      } else if (dsn) {
        const executor =
          runtime.createExecutor?.(dsn, sdkClient) ??
          createFetchExecutor({ url: envelopeUrlWithAuth(dsn, sdkClient) });
        transport = createTransport({ logger, envelopeMeta, ...options.transportOptions }, executor);
      }
    } catch (error) {
      // Like a bad option, said once whether or not debug is on: nothing could be sent.
      transportFailed = true;
      reportConfigError(
        `the transport could not be made, no event is sent: ${error instanceof Error ? error.message : typeof error}`,
      );
    }
    return transport;
  }

  /**
   * Captures an event given whole. A message (`guarded`) asks the storm guard first, as an
   * exception does: an error response sent in a loop (`res.status(500).send()`) is a storm too.
   * An event given to `captureEvent` is the app's own, each one meant (a job's failure report).
   */
  function captureWhole(event: EventInput, givenHint: EventHint | undefined, guarded: boolean): string {
    const givenId = givenEventId(givenHint) ?? givenEventId(event);
    if (!enabled || closed || droppedEarly()) return givenId ?? storm?.id() ?? uuid4();
    let eventId: string | undefined;
    try {
      if (typeof event !== 'object' || event === null)
        throw new TypeError('captureEvent needs an event object');
      const hint = readHint(givenHint);
      let repeats: Repeats | undefined;
      if (guarded && storm) {
        // Sampling and the storm guard decide before anything is built.
        if (sampledOut()) return givenId ?? uuid4();
        const admitted = storm.admitMessage(
          String(event.message),
          typeof event.level === 'string' ? event.level : 'info',
          store.getScope().getUser()?.id,
        );
        if (!admitted) return givenId ?? storm.id();
        repeats = admitted;
      }
      eventId = givenId ?? uuid4();
      const input: EventInput = { ...event, event_id: eventId };
      if (repeats?.suppressed) input.contexts = { ...input.contexts, repeats: { ...repeats } };
      // Unless sampled above, the pipeline samples it.
      runPipeline(input, hint, repeats ? { sampled: true, summary: !!repeats.suppressed } : undefined);
    } catch (error) {
      internalError(error);
    }
    storm?.built();
    return eventId ?? givenId ?? uuid4();
  }

  /**
   * True (and the drop counted) when the transport would drop an event sent now: a full queue
   * or a rate limit. Checked before anything is built, so an error storm stays cheap.
   */
  function droppedEarly(): boolean {
    try {
      const reason = getTransport()?.wouldDrop?.('error');
      if (!reason) return false;
      client.recordDroppedEvent(reason, 'error');
      return true;
    } catch {
      return false;
    }
  }

  function internalError(error: unknown): void {
    logger.error('internal error (the event was dropped)', error);
    try {
      getTransport()?.recordDroppedEvent('internal_sdk_error', 'error', 1);
    } catch {
      // Nothing more can be done without risking the host.
    }
  }

  /** True (and counted) when `sampleRate` leaves this error event out. */
  function sampledOut(): boolean {
    if (options.sampleRate === undefined || Math.random() < options.sampleRate) return false;
    client.recordDroppedEvent('sample_rate', 'error');
    return true;
  }

  /**
   * Runs the event pipeline; synchronous as long as every integration and beforeSend is. `early`
   * says what was decided before the event was built: sampling done, and whether the event
   * carries a count of suppressed repeats (then it is no duplicate of the previous one).
   */
  function runPipeline(
    input: EventInput,
    hint: EventHint,
    early?: { sampled: boolean; summary: boolean },
  ): void {
    const event = buildEvent(input, store.getScope().getData(), defaults);
    // Every event, messages included, as in Sentry's SDKs (their client samples every event
    // without a `type`); unless sampling was decided before the event was built.
    if (!early?.sampled && sampledOut()) return;
    if (isIgnored(event)) {
      drop('event_processor', 'by ignoreErrors');
      return;
    }
    if (options.dedupe !== false) {
      const key = dedupeKey(event);
      if (sameDedupeKey(key, lastKey) && !early?.summary) {
        drop('event_processor', 'same as the previous event');
        return;
      }
      lastKey = key;
    }
    if (inFlight.size >= MAX_WAITING_EVENTS) {
      drop('queue_overflow', 'too many events wait on async hooks');
      return;
    }
    const waiting: Waiting = { reason: 'event_processor' };
    track(run(event, hint, 0, waiting), waiting);
  }

  /**
   * Runs the integrations from `index`, then `beforeSend` (the step after the last integration),
   * then sends. What a step throws or rejects keeps the event as it was; an integration drops it
   * by returning a falsy value, `beforeSend` by returning `null`. Synchronous as long as every
   * step is.
   */
  function run(
    event: FaultlineEvent,
    hint: EventHint,
    index: number,
    waiting: Waiting,
  ): void | Promise<void> {
    for (let i = index; i <= integrations.length; i++) {
      const integration = integrations[i];
      const name = integration?.name ?? 'beforeSend';
      let result: ReturnType<NonNullable<Integration['processEvent']>> | undefined;
      try {
        if (integration) {
          if (!integration.processEvent) continue;
          result = integration.processEvent(event, hint, client);
        } else {
          if (!options.beforeSend) break;
          result = options.beforeSend(event, hint);
        }
      } catch (error) {
        logger.debug(`${name} threw; event kept`, error);
        continue;
      }
      if (isPromiseLike(result)) {
        waiting.reason = integration ? 'event_processor' : 'before_send';
        return Promise.resolve(result).then(
          (next) => {
            if (closed) return;
            if (dropped(integration, next, name)) return;
            return run(isEventObject(next) ? next : event, hint, i + 1, waiting);
          },
          (error) => {
            if (closed) return;
            logger.debug(`${name} rejected; event kept`, error);
            return run(event, hint, i + 1, waiting);
          },
        );
      }
      if (dropped(integration, result, name)) return;
      // Anything but an event object (`true`, a number) leaves the event as it was.
      if (isEventObject(result)) event = result;
    }
    send(event);
  }

  /** True (and counted) when a step's result drops the event. */
  function dropped(integration: Integration | undefined, result: unknown, name: string): boolean {
    if (integration ? result : result !== null) return false;
    drop(integration ? 'event_processor' : 'before_send', `by ${name}`);
    return true;
  }

  /** Counts an error event dropped on purpose, saying why in debug mode. */
  function drop(reason: DiscardReason, why: string): void {
    logger.debug(`dropped: ${why}`);
    client.recordDroppedEvent(reason, 'error');
  }

  function send(event: FaultlineEvent): void {
    const wire = normalizeEvent(
      sanitizeEvent(event, { ...options.scrub, sendDefaultPii: options.sendDefaultPii === true }, memory),
      logger,
      memory,
    );
    getTransport()?.send(createEventEnvelope(wire, envelopeMeta));
  }

  function track(result: void | Promise<void>, waiting: Waiting): void {
    if (!isPromiseLike(result)) return;
    const done: Promise<void> = result.then(undefined, internalError).finally(() => inFlight.delete(done));
    inFlight.set(done, waiting);
  }

  function isIgnored(event: FaultlineEvent): boolean {
    const patterns = options.ignoreErrors;
    if (!patterns?.length) return false;
    const messages = eventMessages(event);
    return patterns.some((p) =>
      messages.some((m) => m && (typeof p === 'string' ? m.includes(p) : safeTest(p, m))),
    );
  }

  if (enabled) {
    integrations = chooseIntegrations(options.integrations, runtime.defaultIntegrations ?? [], logger);
    setupIntegrations(integrations, client, logger);
  }
  return client;
}

/** Where an event waiting on an async hook is, as the reason its drop would be counted under. */
interface Waiting {
  reason: DiscardReason;
}

function isEventObject(value: unknown): value is FaultlineEvent {
  return typeof value === 'object' && value !== null;
}

/**
 * The bound of a flush: the default when none (or no number) is given, 0 for a negative one,
 * and for Infinity the longest a timer can wait.
 */
function flushBound(timeoutMs: unknown): number {
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs)) return DEFAULT_FLUSH_MS;
  return Math.min(Math.max(0, timeoutMs), MAX_TIMER_MS);
}

/** The id an event or a hint gives, if valid; an unreadable one gives none. */
function givenEventId(event: unknown): string | undefined {
  // Most calls give no hint: read through `?.`, since reading a property of `undefined` would
  // throw, and an exception costs more than everything else a counted capture does.
  try {
    const id = (event as EventInput | undefined)?.event_id;
    return isId(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

/** A copy of the hint; one that cannot be read counts as none, since it only refines the event. */
function readHint(hint: unknown): EventHint {
  try {
    // Spreading `null` gives `{}` too.
    return typeof hint === 'object' ? { ...hint } : {};
  } catch {
    return {};
  }
}

/** The text of a message, whatever the app passed: a value that cannot become a string is not a reason to throw. */
function messageText(message: unknown): string {
  try {
    return String(message);
  } catch {
    return '[unprintable message]';
  }
}

function safeTest(pattern: RegExp, value: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(value);
}

function waitAll(pending: Array<Promise<unknown>>, timeoutMs: number): Promise<boolean> {
  if (pending.length === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = keepAliveTimer(() => resolve(false), timeoutMs);
    Promise.all(pending).then(
      () => {
        cancelTimer(timer);
        resolve(true);
      },
      () => resolve(false),
    );
  });
}
