/**
 * The part of the SDK only events need: options, DSN, the client pipeline (building, sampling,
 * integrations, `beforeSend`, sanitizing) and delivery. `init` loads it as a separate chunk
 * right away (a dynamic `import()`), so the page's first bundle holds only the hooks and the
 * front that queues what is captured meanwhile (init.ts).
 */
import { createLogger, type EnvelopeMeta, type ScopeStore, scrubOptionsProblem } from '@faultline/core';
import { breadcrumbsIntegration } from './breadcrumbs.js';
import { type BrowserClient, createClient } from './client.js';
import { browserContextIntegration } from './context.js';
import { debugIdsIntegration } from './debug-ids.js';
import { fetchExecutor } from './delivery.js';
import { dsnToString, envelopeUrl, parseDsn } from './dsn.js';
import { globalHandlersIntegration } from './global-handlers.js';
import { httpIntegration } from './http.js';
import { noiseFilterIntegration } from './noise-filter.js';
import { type BrowserOptions, type Integration, validateOptions } from './options.js';
import { SDK_INFO } from './sdk-info.js';
import { type BrowserTransport, type ClientTransport, createTransport } from './transport.js';

/**
 * The client for `options`, on the front's scopes: a disabled one (every call a cheap no-op)
 * when the SDK is off, after one console message saying why if the options cannot run.
 */
export function startClient(options: BrowserOptions, store: ScopeStore): BrowserClient {
  try {
    const client = start(options, store);
    if (client) return client;
  } catch (error) {
    // Says once, whether or not `debug` is on, why the SDK is off: the user would see nothing otherwise.
    // Passed as is: turning an unprintable thrown value (a Symbol) into text would throw.
    createLogger(true).warn('SDK disabled:', error);
  }
  return createClient({}, undefined, [], {}, createLogger(false), store);
}

/**
 * Starts the client; undefined when the SDK is off by choice (no DSN, `enabled: false`). Throws
 * the sentence that says why the SDK is off for options it cannot run with (a bad DSN).
 */
function start(options: BrowserOptions, store: ScopeStore): BrowserClient | undefined {
  validateOptions(options);
  const logger = createLogger(options.debug === true);
  // A bad scrub entry must not stop reporting: say which, scrub with the rest and the built-in rules.
  const scrubProblem = scrubOptionsProblem(options.scrub);
  if (scrubProblem)
    createLogger(true).warn(`${scrubProblem}; it is ignored, the built-in scrubbing rules apply`);
  const dsn = options.dsn ? parseDsn(options.dsn) : undefined;
  if (typeof dsn === 'string') throw dsn;
  if (options.enabled === false || !(dsn || options.transport)) {
    logger.debug('SDK disabled: no DSN given');
    return;
  }
  const sdkClient = `${SDK_INFO.name}/${SDK_INFO.version}`;
  const meta: EnvelopeMeta = { sdk: SDK_INFO, ...(dsn && { dsn: dsnToString(dsn) }) };
  const url = dsn && envelopeUrl(dsn, sdkClient);

  const integrations: Integration[] = [
    noiseFilterIntegration({
      filterNoise: options.filterNoise !== false,
      allowUrls: options.allowUrls,
      denyUrls: options.denyUrls,
    }),
    browserContextIntegration(),
    debugIdsIntegration(),
  ];
  const transport: ClientTransport & Partial<BrowserTransport> = options.transport
    ? options.transport({ logger, envelopeMeta: meta, sdkClient, ...(dsn && { dsn }) })
    : createTransport(
        // The page's own fetch, taken before the HTTP integration wraps it: the SDK's requests
        // are never recorded or reported.
        fetchExecutor(url!, fetch.bind(globalThis)),
        options.transportOptions ?? {},
        meta,
        logger,
        url,
        options.offlineQueue?.(`faultline:offline:${dsn!.host}:${dsn!.projectId}`),
      );
  if (typeof window !== 'undefined' && typeof document !== 'undefined') {
    if (!options.transport) integrations.push(transport.integration!);
    if (options.captureUnhandled !== false) integrations.push(globalHandlersIntegration());
    const sources = options.breadcrumbs ?? {};
    integrations.push(
      breadcrumbsIntegration(sources),
      httpIntegration({
        breadcrumbs: sources.http !== false,
        captureFailed: options.captureFailedRequests !== false,
        captureStatus: options.captureStatus,
        // The SDK's own endpoint: `{base}/api/{project}/`.
        ignorePrefixes: url ? [url.split('envelope/?')[0]!] : [],
      }),
    );
  }
  return createClient(options, transport, integrations, meta, logger, store);
}
