/**
 * The part of the SDK only events need: core's client (options check, DSN, building, sampling,
 * integrations, `beforeSend`, scrubbing, envelopes) and core's transport around the page's
 * delivery. `init` loads it as a separate chunk right away (a dynamic `import()`), so the page's
 * first bundle holds only the hooks and the front that queues what is captured meanwhile (init.ts).
 */
import {
  type Client,
  createClient,
  envelopeUrlWithAuth,
  type Integration,
  parseDsn,
  type ScopeStore,
} from '@faultline/core';
import { breadcrumbsIntegration } from './breadcrumbs.js';
import { browserContextIntegration } from './context.js';
import { debugIdsIntegration } from './debug-ids.js';
import { globalHandlersIntegration } from './global-handlers.js';
import { httpIntegration } from './http.js';
import { noiseFilterIntegration } from './noise-filter.js';
import { BROWSER_OPTION_RULES, type BrowserOptions } from './options.js';
import { pageDelivery } from './page-delivery.js';
import { SDK_INFO } from './sdk-info.js';

/**
 * Core's client for `options`, on the front's scopes. Off (every call a cheap no-op) without a
 * DSN or transport; core names a bad option in one console message.
 */
export function startClient(
  options: BrowserOptions,
  store: ScopeStore,
  /** False for an `init` already replaced: its options are checked, but nothing is installed in the page. */
  hooks = true,
): Client {
  let defaultIntegrations: Integration[] = [];
  let createExecutor: ReturnType<typeof pageDelivery>['createExecutor'] | undefined;
  // Options that cannot be read give no integrations here; core says why the SDK is off.
  try {
    defaultIntegrations = [
      noiseFilterIntegration({
        filterNoise: options.filterNoise !== false,
        allowUrls: options.allowUrls,
        denyUrls: options.denyUrls,
      }),
      browserContextIntegration(),
      debugIdsIntegration(),
    ];
    if (hooks && typeof window !== 'undefined' && typeof document !== 'undefined') {
      // The page's own fetch, taken before the HTTP integration wraps it.
      const delivery = pageDelivery(fetch.bind(globalThis), options.offlineQueue);
      createExecutor = delivery.createExecutor;
      if (!options.transport) defaultIntegrations.push(delivery.integration);
      if (options.captureUnhandled !== false) defaultIntegrations.push(globalHandlersIntegration());
      const sources = options.breadcrumbs ?? {};
      defaultIntegrations.push(
        breadcrumbsIntegration(sources),
        httpIntegration({
          breadcrumbs: sources.http !== false,
          captureFailed: options.captureFailedRequests !== false,
          // The SDK's own endpoint: `{base}/api/{project}/`.
          ignorePrefixes: ownEndpoint(options.dsn),
        }),
      );
    }
  } catch {}
  let given: BrowserOptions = options;
  try {
    // Else the release a build step put on the page, as Sentry's bundler plugins do.
    const release = (globalThis as { SENTRY_RELEASE?: { id?: unknown } }).SENTRY_RELEASE?.id;
    if (options.release === undefined && release !== undefined)
      given = { ...options, release: release as string };
  } catch {}
  return createClient(given as never, {
    platform: 'javascript',
    sdk: SDK_INFO,
    optionRules: BROWSER_OPTION_RULES,
    ...(createExecutor && { createExecutor }),
    defaultIntegrations,
    createScopeStore: () => store,
  });
}

/** Where the SDK's own requests go, so the HTTP integration never records them. */
function ownEndpoint(dsn: unknown): string[] {
  const parsed = typeof dsn === 'string' ? parseDsn(dsn) : undefined;
  return parsed?.ok ? [envelopeUrlWithAuth(parsed.dsn, '').split('envelope/?')[0]!] : [];
}
