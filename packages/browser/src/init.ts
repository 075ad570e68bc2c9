import { carrier, createLogger, type EnvelopeMeta, scrubOptionsProblem } from '@faultline/core';
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

/** The client `init` started, until `close`; undefined before. It lives in core's process-wide carrier. */
export const getClient = (): BrowserClient | undefined => carrier().current?.client as BrowserClient;

/**
 * Starts Faultline in the page and returns the client. Without a DSN (and without a custom
 * `transport`) the SDK stays off: the client is disabled and every call is a cheap no-op. A bad
 * DSN disables it with one console message; any other bad option is named in one message and
 * its default applies. Never throws.
 *
 * @example
 * init({ dsn: 'https://public@o1.ingest.example.com/1', release: 'shop@2.3.0' });
 */
export function init(options: BrowserOptions = {}): BrowserClient {
  // A second init replaces the first: its handlers and wrappers go now (node's too, if the
  // page runs both), its queue is flushed.
  carrier().current?.stop?.();
  void close(0);
  let client: BrowserClient | undefined;
  try {
    client = start(options);
  } catch (error) {
    // Says once, whether or not `debug` is on, why the SDK is off: the user would see nothing otherwise.
    // Passed as is: turning an unprintable thrown value (a Symbol) into text would throw.
    createLogger(true).warn('SDK disabled:', error);
  }
  client ??= createClient({}, undefined, [], {}, createLogger(false));
  carrier().current = { client };
  return client;
}

/**
 * Starts the client; undefined when the SDK is off by choice (no DSN, `enabled: false`). Throws
 * the sentence that says why the SDK is off for options it cannot run with (a bad DSN).
 */
function start(options: BrowserOptions): BrowserClient | undefined {
  validateOptions(options);
  const logger = createLogger(options.debug === true);
  // A bad scrub entry must not stop reporting: say which, scrub with the rest and the built-in rules.
  const scrubProblem = scrubOptionsProblem(options.scrub);
  if (scrubProblem)
    createLogger(true).warn(`${scrubProblem}; it is ignored, the built-in scrubbing rules apply`);
  const dsn = options.dsn ? parseDsn(options.dsn) : undefined;
  if (typeof dsn === 'string') throw dsn;
  if (options.enabled === false || !(dsn || options.transport)) {
    logger.debug('SDK disabled: no DSN');
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
  return createClient(options, transport, integrations, meta, logger);
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
