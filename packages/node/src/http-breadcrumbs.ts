import type { Breadcrumb, Client, Integration, Scope } from '@faultline/core';
import { recordBreadcrumb } from '@faultline/core/front';
import { envelopeEndpoint } from '@faultline/core/setup';
import { loadPipeline } from './load-pipeline.js';

interface Pending {
  scope: Scope;
  method: string;
  url: string;
}

/** The parts of node:http's ClientRequest and undici's Request the channels hand us. */
interface HttpRequestLike {
  method?: string;
  protocol?: string;
  host?: string;
  path?: string;
  getHeader?(name: string): unknown;
}
interface UndiciRequestLike {
  method?: string;
  origin?: string | URL;
  path?: string;
}

/**
 * A breadcrumb per outgoing HTTP request (method, scrubbed URL, status), read from the
 * diagnostics channels node:http and undici (hence `fetch`) publish
 * (https://nodejs.org/api/diagnostics_channel.html#built-in-channels): no patching. The
 * breadcrumb goes to the scope that was current when the request started, so it lands in
 * the right request's or job's scope. The SDK's own envelope requests are left out.
 */
export function httpBreadcrumbsIntegration(): Integration {
  let channels: Array<[string, (message: unknown) => void]> = [];
  return {
    name: 'HttpBreadcrumbs',
    setup(client: Client) {
      if (channels.length > 0) return;
      // Fetched here, not imported: a process with this integration off, or with the SDK off,
      // does not load node:diagnostics_channel (0.3 ms of a cold start) unless http does.
      const { subscribe } = process.getBuiltinModule('node:diagnostics_channel');
      const own = client.dsn ? envelopeEndpoint(client.dsn) : undefined;
      const pending = new WeakMap<object, Pending>();

      const start = (request: object, method: string | undefined, url: string): void => {
        if (own && url.startsWith(own)) return;
        // Scrubbing lives in the pipeline: the first outgoing request loads it.
        const safeUrl = loadPipeline().scrubUrl(url, client.options.scrub);
        pending.set(request, {
          scope: client.getScope(),
          method: (method ?? 'GET').toUpperCase(),
          url: safeUrl,
        });
      };
      const finish = (request: object, status: number | undefined, error?: unknown): void => {
        const entry = pending.get(request);
        if (!entry) return;
        pending.delete(request);
        const data: Record<string, unknown> = { method: entry.method, url: entry.url };
        if (status !== undefined) data.status_code = status;
        const crumb: Breadcrumb = { type: 'http', category: 'http', data };
        if (error !== undefined || (status !== undefined && status >= 500)) crumb.level = 'error';
        else if (status !== undefined && status >= 400) crumb.level = 'warning';
        if (error instanceof Error) data.reason = error.message;
        addBreadcrumbTo(client, entry.scope, crumb);
      };

      const on = (name: string, listener: (message: unknown) => void): void => {
        const safe = (message: unknown): void => {
          try {
            listener(message);
          } catch (error) {
            client.logger.debug('http breadcrumb failed', error);
          }
        };
        subscribe(name, safe);
        channels.push([name, safe]);
      };

      on('http.client.request.start', (message) => {
        const request = (message as { request: HttpRequestLike }).request;
        const host = request.getHeader?.('host') ?? request.host;
        start(
          request,
          request.method,
          `${request.protocol ?? 'http:'}//${String(host)}${request.path ?? '/'}`,
        );
      });
      on('http.client.response.finish', (message) => {
        const { request, response } = message as { request: object; response: { statusCode?: number } };
        finish(request, response.statusCode);
      });
      on('http.client.request.error', (message) => {
        const { request, error } = message as { request: object; error: unknown };
        finish(request, undefined, error);
      });
      on('undici:request:create', (message) => {
        const request = (message as { request: UndiciRequestLike }).request;
        const origin = String(request.origin ?? '').replace(/\/$/, '');
        start(request, request.method, `${origin}${request.path ?? '/'}`);
      });
      on('undici:request:headers', (message) => {
        const { request, response } = message as { request: object; response: { statusCode?: number } };
        finish(request, response.statusCode);
      });
      on('undici:request:error', (message) => {
        const { request, error } = message as { request: object; error: unknown };
        finish(request, undefined, error);
      });
    },
    teardown() {
      if (channels.length === 0) return;
      const { unsubscribe } = process.getBuiltinModule('node:diagnostics_channel');
      for (const [name, listener] of channels) unsubscribe(name, listener);
      channels = [];
    },
  };
}

/**
 * Records a breadcrumb the SDK made in a given scope, the way the client records one in the
 * current scope: timestamp, `beforeBreadcrumb`, `maxBreadcrumbs`.
 */
export function addBreadcrumbTo(client: Client, scope: Scope, breadcrumb: Breadcrumb): void {
  if (!client.enabled) return;
  try {
    recordBreadcrumb(scope, breadcrumb, client.options, true);
  } catch (error) {
    client.logger.debug('beforeBreadcrumb threw; breadcrumb dropped', error);
  }
}
