import type { Client, Integration } from '@faultline/core';
import {
  carrier,
  createLogger,
  createScope,
  createStatusPolicy,
  isId,
  recordBreadcrumb,
  uuid4,
} from '@faultline/core/front';
import {
  checkOptions,
  chooseIntegrations,
  clientSettings,
  OPTION_RULES,
  setupIntegrations,
} from '@faultline/core/setup';
import { nodeDefaultIntegrations } from './default-integrations.js';
import { detectRelease } from './detect-release.js';
import { loadPipeline } from './load-pipeline.js';
import { registerFront } from './loaded-client.js';
import { NODE_OPTION_RULES, type NodeOptions, withEnvDefaults } from './options.js';
import { type AsyncScopeStore, createAsyncScopeStore } from './scope-store.js';
import { runStopHooks } from './stop-hooks.js';

type Current = NonNullable<ReturnType<typeof carrier>['current']> & {
  client: Client;
  store?: AsyncScopeStore;
};

/** The current client lives in core's process-wide carrier, shared by the ESM and CJS copies. */
const current = (): Current | undefined => carrier().current as Current | undefined;

/**
 * Starts the SDK. Options left out are read from the environment: `FAULTLINE_DSN` (or
 * `SENTRY_DSN`), `FAULTLINE_RELEASE` (or `SENTRY_RELEASE`), `FAULTLINE_ENVIRONMENT` (or
 * `SENTRY_ENVIRONMENT`, then `NODE_ENV`). Without a DSN the SDK stays off and costs nothing; a
 * bad option prints one message and leaves it off. Never throws. Calling it again replaces the
 * previous client.
 *
 * `init` checks the options and installs the hooks (process handlers, breadcrumbs, exit
 * delivery) and the scopes; the part that builds and sends events loads synchronously when
 * first needed (the first capture), so starting costs an app that never fails almost nothing.
 *
 * @example
 * init({ release: 'shop@1.4.2' }); // DSN from FAULTLINE_DSN
 */
export function init(options: NodeOptions = {}): Client {
  try {
    replaceCurrent(undefined);
    const checked = checkOptions<NodeOptions>(options, `${OPTION_RULES} ${NODE_OPTION_RULES}`);
    let started: Current;
    if (typeof checked === 'string') {
      createLogger(true).warn(`SDK disabled: ${checked}`);
      started = startFront({ enabled: false });
    } else {
      started = startFront(withEnvDefaults(checked, process.env));
    }
    replaceCurrent(started);
    return started.client;
  } catch (error) {
    // Not even `options.debug` can be trusted here: the options themselves may be what threw.
    createLogger(true).error('init failed; the SDK is off', error);
    return startFront({ enabled: false }).client;
  }
}

/** The current client, or undefined before `init` and after `close`. */
export function getClient(): Client | undefined {
  return current()?.client;
}

/** The scope store of the current client, for the request adapters to enter a scope directly. */
export function getScopeStore(): AsyncScopeStore | undefined {
  return current()?.store;
}

/**
 * Delivers what is queued (at most `timeoutMs`), then turns the SDK off: every process listener,
 * channel subscription and console wrapper it added is removed and `getClient()` returns
 * undefined. Never rejects.
 */
export async function close(timeoutMs?: number): Promise<boolean> {
  const closing = current();
  if (!closing) return true;
  delete carrier().current;
  try {
    return await closing.client.close(timeoutMs);
  } catch {
    return false;
  } finally {
    closing.stop?.();
  }
}

/**
 * The client of `init`. It checks the options (one message for a bad one), creates the scopes,
 * and chooses and sets up the integrations, whose hooks need nothing else. Everything that
 * builds, sends or counts events is core's client in the pipeline, started synchronously on
 * first need; the scopes are shared, so what the app set before is on the first event.
 */
function startFront(resolved: NodeOptions): Current {
  const [options, logger, dsn, enabled] = clientSettings(resolved, NODE_OPTION_RULES);
  const store = createAsyncScopeStore(createScope(options.initialScope));
  const statusPolicy = createStatusPolicy(options.captureStatus);
  let cwd = '';
  try {
    cwd = process.cwd();
  } catch {
    // The working directory was removed: no package.json to name the release from.
  }
  let integrations: Integration[] = [];
  let real: Client | undefined;
  let failed = false;
  let closed = false;

  /** The pipeline's client, started on first call; undefined when off, closed or not loadable. */
  const pipeline = (): Client | undefined => {
    if (real || failed || closed || !enabled) return real;
    try {
      real = loadPipeline().startClient({
        options,
        integrations,
        store,
        detectRelease: () => detectRelease(process.env, cwd),
      });
      started();
    } catch (error) {
      failed = true;
      // Said once, like a bad option: the SDK stays off.
      createLogger(true).warn('SDK disabled: its event pipeline failed to load', error);
    }
    return real;
  };
  /** The id of a capture that goes nowhere: the one asked for, else a fresh one. */
  const idOf = (asked: () => unknown): string => {
    try {
      const id = asked();
      if (isId(id)) return id as string;
    } catch {}
    return uuid4();
  };

  const front: Client = {
    enabled,
    // The pipeline's client starts from a copy of these; from then on its own are the ones it reads.
    get options() {
      return real ? real.options : options;
    },
    logger,
    dsn,
    captureException: (exception, hint) =>
      pipeline()?.captureException(exception, hint) ?? idOf(() => hint?.event_id),
    captureMessage: (message, level, hint) =>
      pipeline()?.captureMessage(message, level, hint) ?? idOf(() => hint?.event_id),
    captureEvent: (event, hint) =>
      pipeline()?.captureEvent(event, hint) ?? idOf(() => hint?.event_id ?? event.event_id),
    captureCheckIn: (checkIn, monitorConfig) => pipeline()?.captureCheckIn(checkIn, monitorConfig) ?? '',
    getScope: () => store.getScope(),
    withScope(fn) {
      const scope = store.getScope().clone();
      return store.withScope(scope, fn);
    },
    addBreadcrumb(breadcrumb) {
      if (real) return real.addBreadcrumb(breadcrumb);
      if (!enabled) return;
      try {
        recordBreadcrumb(store.getScope(), breadcrumb, options);
      } catch (error) {
        logger.debug('beforeBreadcrumb threw; breadcrumb dropped', error);
      }
    },
    recordDroppedEvent: (reason, category, quantity) =>
      pipeline()?.recordDroppedEvent(reason, category, quantity),
    getTransport: () => pipeline()?.getTransport(),
    getStatusPolicy: () => statusPolicy,
    getIntegration: (name) => integrations.find((integration) => integration.name === name),
    // Nothing captured yet: nothing to deliver.
    flush: (timeoutMs) => (real ? real.flush(timeoutMs) : Promise.resolve(true)),
    async close(timeoutMs) {
      if (real) return real.close(timeoutMs);
      if (!closed) {
        closed = true;
        teardownAll(integrations);
      }
      return true;
    },
  };
  const started = registerFront(front, () => real);

  if (enabled) {
    integrations = chooseIntegrations(options.integrations, nodeDefaultIntegrations(options), logger);
    setupIntegrations(integrations, front, logger);
    // Core checks `scrub` entries when its client starts; started now, a bad entry is named at init.
    if (options.scrub !== undefined) pipeline();
  }
  const stop = () => {
    teardownAll(integrations);
    runStopHooks();
  };
  return { client: front, stop, store };
}

function replaceCurrent(next: Current | undefined): void {
  const previous = current();
  if (next) carrier().current = next;
  else delete carrier().current;
  if (previous && !next) {
    // The replaced client still delivers what it holds, in the background and bounded.
    previous.stop?.();
    void Promise.resolve()
      .then(() => previous.client.close())
      .catch(() => undefined);
  }
}

function teardownAll(integrations: Integration[]): void {
  for (const integration of integrations) {
    try {
      integration.teardown?.();
    } catch {
      // One integration failing to undo itself must not stop the others.
    }
  }
}
