import {
  authHeader,
  type Client,
  type ClientRuntime,
  createClient,
  createLogger,
  createStormGuard,
  envelopeEndpoint,
  type Integration,
} from '@faultline/core';
import { nodeDefaultIntegrations } from './default-integrations.js';
import { createHttpExecutor } from './http-executor.js';
import { type NodeOptions, validateNodeOptions, withEnvDefaults } from './options.js';
import { createAsyncScopeStore } from './scope-store.js';
import { SDK_INFO } from './sdk-info.js';
import { parseStackFrames } from './stack-frames.js';

interface Current {
  client: Client;
  /** The integrations `init` created, torn down at once when the client is replaced. */
  integrations: Integration[];
}

/** The one place the current client lives; `close()` empties it. */
let current: Current | undefined;

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
export function init(options: NodeOptions = {}): Client | undefined {
  try {
    replaceCurrent(undefined);
    let client: Client;
    let integrations: Integration[] = [];
    if (typeof options !== 'object' || options === null) {
      // Core reports the problem and returns a disabled client.
      client = createClient(options as NodeOptions, runtime);
    } else {
      const resolved = withEnvDefaults(options, process.env);
      const problem = validateNodeOptions(resolved);
      if (problem) {
        createLogger(true).warn(`SDK disabled: ${problem}`);
        client = createClient({ enabled: false }, runtime);
      } else {
        integrations = nodeDefaultIntegrations(resolved);
        client = createClient(resolved, { ...runtime, defaultIntegrations: integrations });
      }
    }
    replaceCurrent({ client, integrations });
    return client;
  } catch (error) {
    // Not even `options.debug` can be trusted here: the options themselves may be what threw.
    createLogger(true).error('init failed; the SDK is off', error);
    return undefined;
  }
}

/** The current client, or undefined before `init` and after `close`. */
export function getClient(): Client | undefined {
  return current?.client;
}

/** Waits until everything captured so far is delivered, at most `timeoutMs`. Never rejects. */
export async function flush(timeoutMs?: number): Promise<boolean> {
  try {
    return (await current?.client.flush(timeoutMs)) ?? true;
  } catch {
    return false;
  }
}

/**
 * Delivers what is queued (at most `timeoutMs`), then turns the SDK off: every process listener,
 * channel subscription and console wrapper it added is removed and `getClient()` returns
 * undefined. Never rejects.
 */
export async function close(timeoutMs?: number): Promise<boolean> {
  const closing = current;
  if (!closing) return true;
  current = undefined;
  try {
    return await closing.client.close(timeoutMs);
  } catch {
    return false;
  } finally {
    teardown(closing);
  }
}

function replaceCurrent(next: Current | undefined): void {
  const previous = current;
  current = next;
  if (previous && !next) {
    // The replaced client still delivers what it holds, in the background and bounded.
    teardown(previous);
    void previous.client.close().catch(() => undefined);
  }
}

function teardown(entry: Current): void {
  for (const integration of entry.integrations) {
    try {
      integration.teardown?.();
    } catch {
      // One integration failing to undo itself must not stop the others.
    }
  }
}
