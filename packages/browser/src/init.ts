import {
  type Client,
  type ClientRuntime,
  createClient,
  createLogger,
  envelopeEndpoint,
  envelopeUrlWithAuth,
  type Integration,
  parseDsn,
} from '@faultline/core';
import { breadcrumbsIntegration } from './breadcrumbs.js';
import { browserContextIntegration } from './context.js';
import { debugIdsIntegration } from './debug-ids.js';
import { type BrowserDelivery, createBrowserDelivery, deliveryIntegration } from './delivery.js';
import { globalHandlersIntegration } from './global-handlers.js';
import { httpIntegration } from './http.js';
import { noiseFilterIntegration } from './noise-filter.js';
import type { BrowserOptions } from './options.js';
import { SDK_INFO } from './sdk-info.js';

let current: Client | undefined;
let installed: Integration[] = [];

/** The client `init` started, until `close`; undefined before. */
export function getClient(): Client | undefined {
  return current;
}

/**
 * Starts Faultline in the page. Without a DSN (and without a custom `transport`) the SDK stays
 * off and every call is a cheap no-op; a bad option disables it with one console message.
 *
 * @example
 * init({ dsn: 'https://public@o1.ingest.example.com/1', release: 'shop@2.3.0' });
 */
export function init(options: BrowserOptions = {}): Client | undefined {
  // A second init replaces the first: its handlers and wrappers go now, its queue is flushed.
  if (current) {
    uninstall();
    void close(0);
  }
  const inPage = typeof window !== 'undefined' && typeof document !== 'undefined';
  const parsed = typeof options.dsn === 'string' ? parseDsn(options.dsn) : undefined;
  const dsn = parsed?.ok ? parsed.dsn : undefined;
  const sdkClient = `${SDK_INFO.name}/${SDK_INFO.version}`;

  let delivery: BrowserDelivery | undefined;
  if (dsn && typeof fetch === 'function') {
    const makeQueue = options.offlineQueue;
    delivery = createBrowserDelivery({
      url: envelopeUrlWithAuth(dsn, sdkClient),
      // The page's own fetch, taken before the HTTP integration wraps it: the SDK's requests
      // are never recorded or reported.
      fetch: fetch.bind(globalThis),
      queue:
        typeof makeQueue === 'function'
          ? makeQueue(`faultline:offline:${dsn.host}:${dsn.projectId}`)
          : undefined,
      logger: createLogger(options.debug === true),
    });
  }

  const integrations: Integration[] = [
    noiseFilterIntegration({
      filterNoise: options.filterNoise !== false,
      allowUrls: options.allowUrls,
      denyUrls: options.denyUrls,
    }),
    browserContextIntegration(),
    debugIdsIntegration(),
  ];
  if (inPage) {
    if (options.captureUnhandled !== false) integrations.push(globalHandlersIntegration());
    const sources = options.breadcrumbs ?? {};
    integrations.push(
      breadcrumbsIntegration(sources),
      httpIntegration({
        breadcrumbs: sources.http !== false,
        captureFailed: options.captureFailedRequests !== false,
        ignorePrefixes: dsn ? [envelopeEndpoint(dsn).replace(/envelope\/$/, '')] : [],
      }),
    );
    if (delivery && !options.transport) integrations.push(deliveryIntegration(delivery));
  }

  const runtime: ClientRuntime = { platform: 'javascript', sdk: SDK_INFO, defaultIntegrations: integrations };
  if (delivery) {
    const { executor } = delivery;
    runtime.createExecutor = () => executor;
  }
  const client = createClient(options, runtime);
  current = client.enabled ? client : undefined;
  installed = current ? integrations : [];
  return current;
}

function uninstall(): void {
  for (const integration of installed.splice(0)) {
    try {
      integration.teardown?.();
    } catch {
      // Teardown is best effort; the client logs failures at close.
    }
  }
}

/**
 * Sends what is queued (within `timeoutMs`), removes every listener and wrapper the SDK
 * installed, and forgets the client. Resolves false if not everything was sent in time.
 */
export function close(timeoutMs?: number): Promise<boolean> {
  const client = current;
  current = undefined;
  installed = [];
  return client ? client.close(timeoutMs) : Promise.resolve(true);
}
