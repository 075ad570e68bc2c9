/**
 * The browser client: scopes, building events (errors with their linked errors, messages,
 * hand-built events), then sampleRate, ignoreErrors, dedupe, integrations and `beforeSend`,
 * then sanitizing, then the transport. Every drop is counted for client reports, and no SDK
 * error reaches the page: capture never throws and user hooks run inside try/catch.
 */
import type {
  Breadcrumb,
  DataCategory,
  DiscardReason,
  EnvelopeMeta,
  EventHint,
  EventInput,
  FaultlineEvent,
  Logger,
  Scope,
  ScopeStore,
  SeverityLevel,
} from '@faultline/core';
import { eventMessages, isId, isIntegration, uuid4 } from '@faultline/core';
import { normalizeEventEssentials } from '@faultline/core/protocol';
import { exceptionsFrom } from './exception.js';
import { matches } from './noise-filter.js';
import type { BrowserOptions, Integration } from './options.js';
import { sanitizeEvent } from './sanitize.js';
import { recordBreadcrumb } from './scope.js';
import { SDK_INFO } from './sdk-info.js';
import type { ClientTransport } from './transport.js';

/** What `init` and `getClient` return: the running SDK. */
export interface BrowserClient {
  /** False when the SDK is off (no DSN, a bad DSN, `enabled: false`): every call is then a cheap no-op. */
  readonly enabled: boolean;
  /** Reports an error (or any thrown value); returns the event id. */
  captureException(exception: unknown, hint?: EventHint): string;
  /** Reports a message, level `info` unless given; returns the event id. */
  captureMessage(message: string, level?: SeverityLevel, hint?: EventHint): string;
  /** Reports a hand-built event; returns the event id. */
  captureEvent(event: EventInput, hint?: EventHint): string;
  /** The current scope: what events captured now start with. */
  getScope(): Scope;
  /** Runs `fn` with a copy of the current scope, current while `fn` runs (synchronously). */
  withScope<T>(fn: (scope: Scope) => T): T;
  addBreadcrumb(breadcrumb: Breadcrumb): void;
  /** Counts an event dropped on purpose, for the next client report. */
  recordDroppedEvent(reason: DiscardReason, category: DataCategory, quantity?: number): void;
  /** Waits until queued events are sent, at most `timeoutMs` (default 2000); false on timeout. */
  flush(timeoutMs?: number): Promise<boolean>;
  /** Flushes, then removes everything the integrations installed; later captures are ignored. */
  close(timeoutMs?: number): Promise<boolean>;
}

export function createClient(
  options: BrowserOptions,
  /** None for a disabled client. */
  transport: ClientTransport | undefined,
  defaults: Integration[],
  meta: EnvelopeMeta,
  logger: Logger,
  /** The scopes, kept by the page's front from `init` on (see init.ts). */
  store: ScopeStore,
): BrowserClient {
  const maxBreadcrumbs = options.maxBreadcrumbs ?? 100;
  const scrub = { ...options.scrub, sendDefaultPii: options.sendDefaultPii === true };
  const dedupe = options.dedupe !== false;
  const captured = new WeakSet<object>();
  const inFlight = new Set<Promise<unknown>>();
  // `beforeSend` runs as the last step of the pipeline, after the integrations.
  const beforeSend = { name: 'beforeSend', processEvent: options.beforeSend } as Integration;
  let integrations = defaults;
  let lastKey: string | undefined;
  // A disabled client is closed from the start.
  let closed = !transport;

  // The transport logs every drop in debug mode.
  const drop = (reason: DiscardReason) => transport?.recordDroppedEvent(reason, 'error');

  const internalError = (error: unknown) => {
    logger.error('internal error', error);
    drop('internal_sdk_error');
  };

  const threw = (name: string) => (error: unknown) => logger.debug(`${name} threw`, error);

  /** Runs a user hook or an integration; what it throws or rejects is logged, never passed on. */
  const guard = (name: string, fn: () => unknown): Promise<any> => (async () => fn())().catch(threw(name));

  /** Builds the event from the current scope now, and runs the rest of the pipeline. */
  async function process(input: EventInput, hint: EventHint): Promise<void> {
    // A copy: ours to change.
    const data = store.getScope().getData();
    for (const key in input.tags) data.tags[key] = String(input.tags[key]);
    let event = {
      // Else the release a build step put on the page, as Sentry's bundler plugins do.
      release: options.release ?? (globalThis as any).SENTRY_RELEASE?.id,
      environment: options.environment,
      dist: options.dist,
      // A timestamp that is not a number is replaced in the protocol step.
      timestamp: Date.now() / 1000,
      ...data,
      ...input,
      platform: 'javascript',
      // A scope may raise the level, as in Sentry SDKs.
      level: data.level ?? input.level ?? 'error',
      tags: data.tags,
      contexts: { ...data.contexts, ...input.contexts },
      extra: { ...data.extra, ...input.extra },
      ...(input.user && { user: { ...data.user, ...input.user } }),
      // The last `maxBreadcrumbs`; none when it is 0.
      breadcrumbs: [...data.breadcrumbs, ...(input.breadcrumbs ?? [])].slice(-maxBreadcrumbs || Infinity),
      sdk: SDK_INFO,
    } as FaultlineEvent;

    // Every event, messages included, as in Sentry's SDKs.
    if (Math.random() >= (options.sampleRate ?? 1)) return drop('sample_rate');
    const messages = eventMessages(event);
    // The same event again (a render loop, a retry storm): only the first is sent.
    const key = JSON.stringify([
      messages,
      event.exception?.values?.map((v) => v.stacktrace),
      event.fingerprint,
    ]);
    if (messages.some((m) => m && matches(options.ignoreErrors, m)) || (dedupe && key === lastKey))
      return drop('event_processor');
    lastKey = key;

    // What throws or rejects keeps the event as it was; `null` drops it.
    for (const step of [...integrations, beforeSend]) {
      const next =
        step.processEvent && (await guard(step.name, () => step.processEvent!(event, hint, client)));
      if (next === null) return drop(step === beforeSend ? 'before_send' : 'event_processor');
      if (typeof next === 'object' && next) event = next;
    }
    transport!.send({
      headers: { event_id: event.event_id, ...meta },
      items: [[{ type: 'event' }, normalizeEventEssentials(sanitizeEvent(event, scrub), logger)]],
    });
  }

  /**
   * Starts the pipeline for what `build` returns, unless the client is closed or the transport
   * would drop the event anyway (full queue, rate limit): an error storm then costs a counter.
   * Hooks that never settle would hold events forever: at most 100 wait, the rest are counted.
   */
  function capture(
    build: (hint: EventHint) => EventInput | undefined,
    hint?: EventHint | null,
    givenId?: () => unknown,
    originalException?: unknown,
  ): string {
    let eventId = uuid4();
    // A copy: what the pipeline reads of the hint can no longer throw. An unreadable hint is
    // left out, not the event.
    let readable: EventHint = { originalException };
    try {
      readable = { ...readable, ...hint };
    } catch {}
    try {
      // The front gives the id it returned for a capture made before the pipeline loaded.
      const id = isId(readable.event_id) ? readable.event_id : givenId?.();
      if (isId(id)) eventId = id;
      if (!closed) {
        const early = inFlight.size > 99 ? 'queue_overflow' : transport!.wouldDrop?.('error');
        // `void`: a custom transport's return value is not an event.
        const input = early ? void drop(early) : build(readable);
        if (input) {
          const done: Promise<unknown> = process({ ...input, event_id: eventId }, readable)
            .catch(internalError)
            .then(() => inFlight.delete(done));
          inFlight.add(done);
        }
      }
    } catch (error) {
      internalError(error);
    }
    return eventId;
  }

  const client: BrowserClient = {
    enabled: !!transport,
    captureException: (exception, hint) =>
      capture(
        (hint) => {
          // Captured before (by the app, then again by a handler): sent once.
          if (dedupe) {
            if (captured.has(exception as object)) return;
            try {
              captured.add(exception as object);
            } catch {
              // A primitive cannot be remembered.
            }
          }
          // Without a level, the event is an `error`.
          return {
            level: hint.level!,
            exception: {
              values: exceptionsFrom(
                exception,
                { type: 'generic', handled: true, ...hint.mechanism },
                options.maxCauseDepth,
                hint.syntheticException,
              ),
            },
          };
        },
        hint,
        undefined,
        exception,
      ),
    captureMessage: (message, level = 'info', hint) =>
      capture(() => ({ message: String(message), level }), hint),
    // Not an event object: counted as an internal error, as everywhere, and never thrown.
    captureEvent: (event, hint) =>
      capture(
        () => {
          if (Object(event) !== event) throw TypeError('no event object');
          return event;
        },
        hint,
        () => event.event_id,
      ),
    getScope: () => store.getScope(),
    withScope(fn) {
      const scope = store.getScope().clone();
      return store.withScope(scope, () => fn(scope));
    },
    addBreadcrumb: (breadcrumb) =>
      recordBreadcrumb(store.getScope(), breadcrumb, options, threw('beforeBreadcrumb')),
    recordDroppedEvent: (reason, category, quantity) =>
      transport?.recordDroppedEvent(reason, category, quantity),
    flush: (timeoutMs = 2000) =>
      Promise.race([
        Promise.all(inFlight).then(() => transport?.flush(timeoutMs) ?? true),
        new Promise<boolean>((resolve) => setTimeout(resolve, timeoutMs, false)),
      ]).catch(() => false),
    async close(timeoutMs) {
      if (closed) return true;
      // At once (the body of an async call runs synchronously): a replaced client's handlers
      // and wrappers are gone before the next `init` installs its own.
      for (const integration of integrations) guard(integration.name, () => integration.teardown?.());
      const ok = await client.flush(timeoutMs);
      closed = true;
      return (await transport!.close(0).catch(() => false)) && ok;
    },
  };

  try {
    const { integrations: option } = options;
    integrations = typeof option === 'function' ? option(defaults) : [...defaults, ...(option ?? [])];
    // Not a list of integrations: logged as a throw, and the defaults are used.
    if (!integrations.every(isIntegration)) throw integrations;
  } catch (error) {
    threw('integrations')(error);
    integrations = defaults;
  }
  for (const integration of integrations) guard(integration.name, () => integration.setup?.(client));
  return client;
}
