/**
 * What only events need, loaded on first need (the first capture, check-in, dropped event or
 * transport access; at exit only if something was captured): core's client (event building,
 * sampling, integrations' event work, `beforeSend`, scrubbing, envelopes, transport), Node's
 * stack frames, source maps, context lines, contexts, request context, HTTP executors and the
 * exit sender (what is left at `process.exit()` only exists after a capture).
 * `init` installs the hooks and scopes without it (init.ts); this file is built on its own
 * (`dist/pipeline.cjs`) and required synchronously, so nothing captured waits or is lost.
 */
import {
  authHeader,
  type Client,
  cachedStackParser,
  createCapturedSet,
  createClient,
  createSanitizeMemory,
  createStormGuard,
  envelopeEndpoint,
  type Integration,
  type ScopeStore,
  sendCheckIn,
  useUUIDSource,
} from '@faultline/core';
import { createHttpExecutor } from './http-executor.js';
import { NODE_OPTION_RULES, type NodeOptions } from './options.js';
import { SDK_INFO } from './sdk-info.js';
import { parseStackFrames } from './stack-frames.js';

export {
  applyFrameResolver,
  createTransport,
  normalize,
  outcomeOf,
  requestDataFrom,
  scrubUrl,
  scrubValue,
  toMonitorConfig,
  triageIntegration,
} from '@faultline/core';
export { contextsIntegration } from './contexts.js';
export { createHttpExecutor } from './http-executor.js';
export { requestContext } from './request-context.js';
export { sourceMapsIntegration } from './source-maps.js';
export { deliverSync } from './sync-deliver.js';
export { createUndiciExecutor } from './undici-executor.js';

/** What `init` decided and installed, for the client to start from. */
export interface FrontState {
  /** The options as checked by `init` (the release detected here is added to them). */
  options: NodeOptions;
  /** The integrations `init` chose and set up: the client runs their event work only. */
  integrations: Integration[];
  /** The scopes `init` created, which the app may have changed since. */
  store: ScopeStore;
  /**
   * The release found from the environment or the package.json above the working directory at
   * `init` (the front's own reader: the pipeline loads one file of core, not core's front too).
   */
  detectRelease(): string | undefined;
}

/** Core's client on what `init` prepared. */
export function startClient(front: FrontState): Client {
  const { options } = front;
  // Event ids from `node:crypto`: the global `crypto` is Web Crypto, whose first use loads it.
  if (typeof process.getBuiltinModule === 'function')
    useUUIDSource(() => process.getBuiltinModule('node:crypto').randomUUID());
  // Looked for now rather than at init: it reads files, and only events and check-ins carry it.
  if (options.release === undefined) {
    const release = front.detectRelease();
    if (release) options.release = release;
  }
  const { integrations: _chosen, ...given } = options;
  return createClient(given, {
    platform: 'node',
    sdk: SDK_INFO,
    optionRules: NODE_OPTION_RULES,
    createExecutor: (dsn, sdkClient) =>
      createHttpExecutor({
        url: envelopeEndpoint(dsn),
        headers: { 'x-sentry-auth': authHeader(dsn, sdkClient), 'user-agent': sdkClient },
      }),
    createScopeStore: () => front.store,
    parseStack: parseStackFrames,
    // The process's own clock: the global `performance` loads perf_hooks on first access, about
    // a millisecond more for the first capture of a process.
    createStormGuard: (guard, host) => createStormGuard({ clock: monotonicMs, ...guard }, host),
    cacheStacks: cachedStackParser,
    capturedSet: createCapturedSet,
    createSanitizeMemory,
    sendCheckIn,
    defaultIntegrations: front.integrations.map(eventWorkOf),
  });
}

/** Milliseconds on the monotonic clock, with sub-millisecond precision. */
function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** The integration without its `setup`, which `init` already ran with its own client. */
function eventWorkOf(integration: Integration): Integration {
  const work: Integration = { name: integration.name };
  if (integration.processEvent)
    work.processEvent = (event, hint, client) => integration.processEvent!(event, hint, client);
  if (integration.teardown) work.teardown = () => integration.teardown!();
  return work;
}
