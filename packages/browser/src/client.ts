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
  SeverityLevel,
  StatusPolicy,
  Transport,
} from '@faultline/core';
import { exceptionsFrom } from './exception.js';
import { isId, uuid } from './ids.js';
import type { BrowserOptions, Integration } from './options.js';
import { sanitizeEvent } from './sanitize.js';
import { createScope, DEFAULT_MAX_BREADCRUMBS } from './scope.js';
import { SDK_INFO } from './sdk-info.js';

/** What `init` and `getClient` return: the running SDK. */
export interface BrowserClient {
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
  /** Which HTTP statuses of failed requests are reported (`captureStatus`). */
  getStatusPolicy(): StatusPolicy;
  getTransport(): Transport | undefined;
  /** Waits until queued events are sent, at most `timeoutMs` (default 2000); false on timeout. */
  flush(timeoutMs?: number): Promise<boolean>;
  /** Flushes, then removes everything the integrations installed; later captures are ignored. */
  close(timeoutMs?: number): Promise<boolean>;
}

const after = (ms: number) => new Promise<false>((resolve) => setTimeout(resolve, ms, false));

/** `Type: message` lines an event is matched on by `ignoreErrors`. */
function messagesOf(event: FaultlineEvent): string[] {
  const values = event.exception?.values ?? [];
  return [
    event.message ?? '',
    ...values.map((v) => (v.type && v.value ? `${v.type}: ${v.value}` : v.value || v.type || '')),
  ];
}

const matches = (pattern: string | RegExp, text: string) => {
  if (typeof pattern === 'string') return text.includes(pattern);
  pattern.lastIndex = 0;
  return pattern.test(text);
};

export function createClient(
  options: BrowserOptions,
  transport: Transport,
  defaults: Integration[],
  meta: EnvelopeMeta,
  logger: Logger,
): BrowserClient {
  const maxBreadcrumbs = options.maxBreadcrumbs ?? DEFAULT_MAX_BREADCRUMBS;
  const scrub = { ...options.scrub, sendDefaultPii: options.sendDefaultPii === true };
  const captured = new WeakSet<object>();
  const inFlight = new Set<Promise<unknown>>();
  let scope = createScope(options.initialScope);
  let integrations: Integration[] = [];
  let lastKey: string | undefined;
  let closed = false;

  const drop = (reason: DiscardReason, why: string) => {
    logger.debug(`dropped ${why}`);
    transport.recordDroppedEvent(reason, 'error');
  };

  const internalError = (error: unknown) => {
    logger.error('internal error (the event was dropped)', error);
    transport.recordDroppedEvent('internal_sdk_error', 'error');
  };

  /** Builds the event from the current scope now, and runs the rest of the pipeline. */
  async function process(input: EventInput, hint: EventHint): Promise<void> {
    const { breadcrumbs, tags, contexts, extra, user, level, ...data } = scope.getData();
    const stringTags: Record<string, string> = {};
    for (const key in input.tags) stringTags[key] = String(input.tags[key]);
    let event = {
      release: options.release,
      environment: options.environment,
      dist: options.dist,
      ...data,
      ...input,
      timestamp: typeof input.timestamp === 'number' ? input.timestamp : Date.now() / 1000,
      platform: 'javascript',
      // A scope may raise the level, as in Sentry SDKs.
      level: level ?? input.level ?? 'error',
      contexts: { ...contexts, ...input.contexts },
      tags: { ...tags, ...stringTags },
      extra: { ...extra, ...input.extra },
      ...((user || input.user) && { user: { ...user, ...input.user } }),
      breadcrumbs: maxBreadcrumbs
        ? [...breadcrumbs, ...(input.breadcrumbs ?? [])].slice(-maxBreadcrumbs)
        : [],
      sdk: SDK_INFO,
    } as FaultlineEvent;

    const messages = messagesOf(event);
    if (
      (event.exception || /^(?:error|fatal)$/.test(event.level)) &&
      Math.random() >= (options.sampleRate ?? 1)
    )
      return drop('sample_rate', 'by sampleRate');
    if (options.ignoreErrors?.some((p) => messages.some((m) => m && matches(p, m))))
      return drop('event_processor', `by ignoreErrors: ${messages.filter(Boolean)[0]}`);
    if (options.dedupe !== false) {
      const values = event.exception?.values ?? [];
      const last = values[values.length - 1];
      const key = JSON.stringify([
        event.message,
        last?.type,
        last?.value,
        last?.stacktrace,
        event.fingerprint,
      ]);
      if (key === lastKey) return drop('event_processor', 'as the same as the previous event');
      lastKey = key;
    }

    for (const integration of integrations) {
      if (!integration.processEvent) continue;
      let next: FaultlineEvent | null;
      try {
        next = await integration.processEvent(event, hint, client);
      } catch (error) {
        logger.debug(`integration ${integration.name} threw; event kept`, error);
        continue;
      }
      if (!next) return drop('event_processor', `by integration ${integration.name}`);
      event = next;
    }
    if (options.beforeSend) {
      try {
        const next = await options.beforeSend(event, hint);
        if (next === null) return drop('before_send', 'by beforeSend');
        if (typeof next === 'object' && next) event = next;
      } catch (error) {
        logger.debug('beforeSend threw; the event is sent unchanged', error);
      }
    }
    transport.send({
      headers: { event_id: event.event_id, ...meta },
      items: [[{ type: 'event' }, sanitizeEvent(event, scrub)]],
    });
  }

  /**
   * Starts the pipeline for what `build` returns, unless the client is closed or the transport
   * would drop the event anyway (full queue, rate limit): an error storm then costs a counter.
   */
  function capture(build: () => EventInput | undefined, hint: EventHint, eventId = uuid()): string {
    try {
      if (closed) return eventId;
      const early = transport.wouldDrop?.('error');
      if (early) {
        transport.recordDroppedEvent(early, 'error');
        return eventId;
      }
      const input = build();
      if (!input) return eventId;
      const done: Promise<void> = process({ ...input, event_id: eventId }, hint)
        .catch(internalError)
        .then(() => {
          inFlight.delete(done);
        });
      inFlight.add(done);
    } catch (error) {
      internalError(error);
    }
    return eventId;
  }

  const client: BrowserClient = {
    captureException(exception, hint = {}) {
      return capture(
        () => {
          if (options.dedupe !== false && typeof exception === 'object' && exception) {
            if (captured.has(exception)) {
              logger.debug('dropped: this error object was already captured');
              return undefined;
            }
            captured.add(exception);
          }
          const mechanism = { type: 'generic', handled: true, ...hint.mechanism };
          const values = exceptionsFrom(exception, mechanism, options.maxCauseDepth, hint.syntheticException);
          return { level: hint.level ?? 'error', exception: { values } };
        },
        { ...hint, originalException: exception },
      );
    },
    captureMessage(message, level = 'info', hint = {}) {
      return capture(() => ({ message: String(message), level }), hint);
    },
    captureEvent(event, hint = {}) {
      return capture(() => event, hint, isId(event.event_id) ? event.event_id : uuid());
    },
    getScope: () => scope,
    withScope(fn) {
      const outer = scope;
      scope = outer.clone();
      try {
        return fn(scope);
      } finally {
        scope = outer;
      }
    },
    addBreadcrumb(breadcrumb) {
      try {
        let crumb: Breadcrumb | null = { timestamp: Date.now() / 1000, ...breadcrumb };
        if (options.beforeBreadcrumb) crumb = options.beforeBreadcrumb(crumb);
        if (crumb) scope.addBreadcrumb(crumb, maxBreadcrumbs);
      } catch (error) {
        logger.debug('beforeBreadcrumb threw; breadcrumb dropped', error);
      }
    },
    recordDroppedEvent: (reason, category, quantity) =>
      transport.recordDroppedEvent(reason, category, quantity),
    getStatusPolicy: () => ({
      // 5xx by default; 4xx only when listed, 404 only when listed as exactly 404.
      shouldCapture(status, context = {}) {
        const list = options.captureStatus ?? [[500, 599]];
        return (
          status >= 400 &&
          status < 600 &&
          (status === 404
            ? list.includes(404)
            : list.some((m) => (typeof m === 'number' ? m === status : status >= m[0] && status <= m[1]))) &&
          (status >= 500 || context.routeMatched !== false)
        );
      },
    }),
    getTransport: () => transport,
    async flush(timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      try {
        const processed = await Promise.race([Promise.all(inFlight).then(() => true), after(timeoutMs)]);
        return processed && (await transport.flush(Math.max(0, deadline - Date.now())));
      } catch {
        return false;
      }
    },
    async close(timeoutMs) {
      if (closed) return true;
      const ok = await client.flush(timeoutMs);
      closed = true;
      for (const integration of integrations) {
        try {
          integration.teardown?.();
        } catch (error) {
          logger.debug(`integration ${integration.name} teardown threw`, error);
        }
      }
      return (await transport.close(0).catch(() => false)) && ok;
    },
  };

  try {
    integrations =
      typeof options.integrations === 'function'
        ? options.integrations(defaults)
        : [...defaults, ...(options.integrations ?? [])];
  } catch (error) {
    logger.error('the integrations option threw; using the defaults', error);
    integrations = defaults;
  }
  for (const integration of integrations) {
    try {
      integration.setup?.(client);
    } catch (error) {
      logger.error(`integration ${integration.name} failed to set up`, error);
    }
  }
  return client;
}
