import {
  authHeader,
  type Client,
  type ClientRuntime,
  cachedStackParser,
  carrier,
  checkOptions,
  createClient,
  createLogger,
  createStormGuard,
  envelopeEndpoint,
  type Integration,
  OPTION_RULES,
  sendCheckIn,
} from '@faultline/core';
import { nodeDefaultIntegrations } from './default-integrations.js';
import { detectRelease } from './detect-release.js';
import { createHttpExecutor } from './http-executor.js';
import { NODE_OPTION_RULES, type NodeOptions, withEnvDefaults } from './options.js';
import { createAsyncScopeStore } from './scope-store.js';
import { SDK_INFO } from './sdk-info.js';
import { parseStackFrames } from './stack-frames.js';

type Current = NonNullable<ReturnType<typeof carrier>['current']> & { client: Client };

/** The current client lives in core's process-wide carrier, shared by the ESM and CJS copies. */
const current = (): Current | undefined => carrier().current as Current | undefined;

/** Core's options, then Node's own. */
const RULES = OPTION_RULES + NODE_OPTION_RULES;

const runtime: ClientRuntime = {
  platform: 'node',
  sdk: SDK_INFO,
  createExecutor: (dsn, sdkClient) =>
    createHttpExecutor({
      url: envelopeEndpoint(dsn),
      headers: { 'x-sentry-auth': authHeader(dsn, sdkClient), 'user-agent': sdkClient },
    }),
  createScopeStore: createAsyncScopeStore,
  parseStack: parseStackFrames,
  createStormGuard,
  cacheStacks: cachedStackParser,
  sendCheckIn,
};

/**
 * Starts the SDK. Options left out are read from the environment: `FAULTLINE_DSN` (or
 * `SENTRY_DSN`), `FAULTLINE_RELEASE` (or `SENTRY_RELEASE`), `FAULTLINE_ENVIRONMENT` (or
 * `SENTRY_ENVIRONMENT`, then `NODE_ENV`). Without a DSN the SDK stays off and costs nothing; a
 * bad option prints one message and leaves it off. Never throws. Calling it again replaces the
 * previous client.
 *
 * @example
 * init({ release: 'shop@1.4.2' }); // DSN from FAULTLINE_DSN
 */
export function init(options: NodeOptions = {}): Client {
  try {
    replaceCurrent(undefined);
    let client: Client;
    let integrations: Integration[] = [];
    const checked = checkOptions<NodeOptions>(options, RULES);
    if (typeof checked === 'string') {
      createLogger(true).warn(`SDK disabled: ${checked}`);
      client = createClient({ enabled: false }, runtime);
    } else {
      const resolved = withEnvDefaults(checked, process.env);
      const release = resolved.release === undefined && detectRelease(process.env, process.cwd());
      if (release) resolved.release = release;
      integrations = nodeDefaultIntegrations(resolved);
      client = createClient(resolved, { ...runtime, defaultIntegrations: integrations });
    }
    replaceCurrent({ client, stop: () => teardownAll(integrations) });
    return client;
  } catch (error) {
    // Not even `options.debug` can be trusted here: the options themselves may be what threw.
    createLogger(true).error('init failed; the SDK is off', error);
    return createClient({ enabled: false }, runtime);
  }
}

/** The current client, or undefined before `init` and after `close`. */
export function getClient(): Client | undefined {
  return current()?.client;
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
