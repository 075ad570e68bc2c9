import type { Client, EventHint, Scope } from '@faultline/core';
import {
  carrier,
  createLogger,
  createScope,
  createStackScopeStore,
  isId,
  recordBreadcrumb,
  uuid4,
} from '@faultline/core/front';
import { reportUncaught, UNCAUGHT, type Uncaught } from './global-handlers.js';
import type { BrowserClient, BrowserOptions } from './options.js';
import { listen, undoAll } from './patch.js';

/**
 * Captures kept while the pipeline loads (the few milliseconds after `init`); more are dropped
 * and counted as `queue_overflow` once it has.
 */
const MAX_WAITING = 100;

/** Waits before the pipeline chunk is asked for again after it failed to load. */
const LOAD_RETRY_MS = [500, 2000];

/** The client `init` started, until `close`; undefined before. It lives in core's process-wide carrier. */
export const getClient = (): BrowserClient | undefined => carrier().current?.client as BrowserClient;

/**
 * Starts Faultline in the page and returns the client. Without a DSN (and without a custom
 * `transport`) the SDK stays off: the client is disabled and every call is a cheap no-op. A bad
 * DSN disables it with one console message; any other bad option is named in one message and
 * its default applies. Never throws.
 *
 * The hooks and the scopes are here from the start; the pipeline that builds and sends events
 * (options, DSN, client, delivery: `pipeline.ts`) is a separate chunk, loaded at once. What is
 * captured before it arrives waits for it, with the id returned now and the scope of the moment
 * of capture; `flush` and `close` wait for it too, within their timeout.
 *
 * @example
 * init({ dsn: 'https://public@o1.ingest.example.com/1', release: 'shop@2.3.0' });
 */
export function init(options: BrowserOptions = {}): BrowserClient {
  // A second init replaces the first: its handlers and wrappers go now (node's too, if the
  // page runs both), its queue is flushed.
  carrier().current?.stop?.();
  void close(0);
  const client = createFront(options);
  carrier().current = { client };
  return client;
}

/** The client of `init`: it records scopes and captures until the pipeline runs, then hands over to it. */
function createFront(options: BrowserOptions): BrowserClient {
  let real: BrowserClient | undefined;
  let failed = false;
  let closed = false;
  let closeMs: number | undefined;
  let closing: Promise<boolean> | undefined;
  /** What waits for the pipeline, in order; `captures` of them are captures. */
  const waiting: Array<(client: BrowserClient) => unknown> = [];
  let captures = 0;
  let overflow = 0;
  // Until the pipeline says (it checks the options and the DSN): on with a DSN or a transport,
  // unless turned off. Options that cannot be read leave it off.
  let on = false;
  let given: BrowserOptions = {};
  let root: Scope;
  try {
    on = options.enabled !== false && !!(options.dsn || options.transport);
    given = options;
    root = createScope(options.initialScope);
  } catch {
    root = createScope();
  }
  const store = createStackScopeStore(root);
  const shut = (timeoutMs?: number) => (closing ??= real!.close(timeoutMs));

  // What the page does not catch while the pipeline loads (a script failing right after `init`)
  // waits in order with the captures; the global handlers report it if the options keep them.
  const early =
    on && typeof window !== 'undefined'
      ? UNCAUGHT.map((type) =>
          listen(window, type, (event: Uncaught) => {
            if (captures >= MAX_WAITING) return void overflow++;
            try {
              const scope = store.getScope().clone();
              captures++;
              waiting.push(
                (client) =>
                  (client as Client).getIntegration?.('GlobalHandlers') &&
                  store.withScope(scope, () => reportUncaught(client, type, event)),
              );
            } catch {
              // A listener of ours never throws into the page.
            }
          }),
        )
      : [];

  const start = ({ startClient }: typeof import('./pipeline.js')) => {
    // Even for an `init` replaced meanwhile, the options are checked and a problem said once;
    // its hooks, though, would only be torn down again (and could not be if the next
    // client's wrappers were installed over them).
    real = startClient(options, store, !closed || captures > 0);
    // The pipeline's own handlers are listening now.
    undoAll(early);
    for (const run of waiting.splice(0)) run(real);
    if (overflow) real.recordDroppedEvent('queue_overflow', 'error', overflow);
    if (closed) void shut(closeMs);
  };
  const fail = (error: unknown) => {
    failed = true;
    undoAll(early);
    // Said once, like a bad option: the SDK stays off.
    createLogger(true).warn(
      `SDK disabled: its pipeline failed to load${captures ? ` (${captures} capture${captures === 1 ? '' : 's'} lost)` : ''}`,
      error,
    );
    waiting.length = 0;
  };
  // A chunk that failed to load (a network error, a navigation that started and was then
  // cancelled) is asked for again while the captures wait: Chromium and WebKit fetch it anew.
  const load = (attempt: number): Promise<void> =>
    import('./pipeline.js').then(start, (error: unknown) =>
      attempt < LOAD_RETRY_MS.length && !(closed && !captures)
        ? new Promise<void>((resolve) => setTimeout(resolve, LOAD_RETRY_MS[attempt])).then(() =>
            load(attempt + 1),
          )
        : fail(error),
    );
  const ready = load(0);

  /** True once the pipeline is there (or failed to load), false if `timeoutMs` passed first. */
  const loaded = (timeoutMs: number) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    return Promise.race([
      ready.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(resolve, timeoutMs, false))),
    ]).finally(() => clearTimeout(timer));
  };

  /** Forwards a capture, or keeps it until the pipeline runs; returns the event id either way. */
  const capture = (
    hint: EventHint | null | undefined,
    givenId: () => unknown,
    run: (client: BrowserClient, hint: EventHint) => string,
  ): string => {
    if (real) return run(real, hint!);
    let id = uuid4();
    try {
      const wanted = givenId();
      if (isId(wanted)) id = wanted;
    } catch {}
    if (on && !failed && !closed) {
      if (captures >= MAX_WAITING) overflow++;
      else {
        let copy: EventHint = { event_id: id };
        try {
          copy = { ...hint, event_id: id };
        } catch {}
        // The scope as it is now: the event starts from it, whatever the app sets later.
        const scope = store.getScope().clone();
        captures++;
        waiting.push((client) => store.withScope(scope, () => run(client, copy)));
      }
    }
    return id;
  };

  return {
    get enabled() {
      return real ? real.enabled : on && !failed;
    },
    captureException: (exception, hint) =>
      capture(
        hint,
        () => hint?.event_id,
        (client, h) => client.captureException(exception, h),
      ),
    captureMessage: (message, level, hint) =>
      capture(
        hint,
        () => hint?.event_id,
        (client, h) => client.captureMessage(message, level, h),
      ),
    captureEvent: (event, hint) =>
      capture(
        hint,
        () => event.event_id,
        (client, h) => client.captureEvent(event, h),
      ),
    getScope: () => store.getScope(),
    withScope(fn) {
      const scope = store.getScope().clone();
      return store.withScope(scope, fn);
    },
    addBreadcrumb(breadcrumb) {
      if (real) real.addBreadcrumb(breadcrumb);
      else if (on)
        try {
          recordBreadcrumb(store.getScope(), breadcrumb, given);
        } catch {
          // The app's `beforeBreadcrumb` threw: the breadcrumb is dropped, as by the client.
        }
    },
    recordDroppedEvent(...args) {
      if (real) real.recordDroppedEvent(...args);
      else if (!failed) waiting.push((client) => client.recordDroppedEvent(...args));
    },
    async flush(timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      // Off from the start: nothing was kept to send.
      if (!real && on && !(await loaded(timeoutMs))) return false;
      return real ? real.flush(Math.max(0, deadline - Date.now())) : true;
    },
    async close(timeoutMs) {
      closed = true;
      undoAll(early);
      closeMs = timeoutMs;
      if (real) return shut(timeoutMs);
      if (!on) return true;
      const bound = timeoutMs ?? 2000;
      const deadline = Date.now() + bound;
      if (!(await loaded(bound))) return false;
      return real ? shut(Math.max(0, deadline - Date.now())) : true;
    },
  };
}

/**
 * Sends what is queued (within `timeoutMs`), removes every listener and wrapper the SDK
 * installed, and forgets the client. Resolves false if not everything was sent in time.
 */
export async function close(timeoutMs?: number): Promise<boolean> {
  const client = getClient();
  delete carrier().current;
  return !client || client.close(timeoutMs);
}
