import type { StatusMatcher } from '@faultline/core';
import { createStatusPolicy } from '@faultline/core/front';
import type { Integration } from './options.js';
import { hooks, patch } from './patch.js';

export interface HttpOptions {
  /** Add a breadcrumb per request. */
  breadcrumbs: boolean;
  /** Report responses `captureStatus` selects. */
  captureFailed: boolean;
  /**
   * Statuses to report, by code or inclusive range; 404 only when listed as 404. By default the
   * client's `captureStatus` option (5xx unless set).
   */
  captureStatus?: StatusMatcher[] | undefined;
  /** Requests to these URL prefixes are the SDK's own and are never recorded. */
  ignorePrefixes: string[];
}

/**
 * Watches `fetch` and `XMLHttpRequest`: a breadcrumb per request (method, URL, status), and a
 * `handled: false` error event (mechanism `http.client`) for each response whose status
 * `captureStatus` selects, with the frames of the code that sent the request. URLs are
 * scrubbed with everything else before sending (`sanitize.ts`).
 */
export function httpIntegration({
  breadcrumbs,
  captureFailed,
  captureStatus,
  ignorePrefixes,
}: HttpOptions): Integration {
  return hooks('HttpClient', (client) => {
    // The client's policy (its `captureStatus` option) unless this integration was given its own.
    const policy = captureStatus ? createStatusPolicy(captureStatus) : client.getStatusPolicy();
    /**
     * Call from the SDK's wrapper when a request starts; returns what to call with its status
     * (none: no answer), or throws when the request is not recorded.
     */
    const start = (category: string, method: string | undefined, target: string) => {
      const origin = new Error();
      const url = new URL(target, location.href).href;
      if (ignorePrefixes.some((prefix) => url.startsWith(prefix))) throw 0;
      method = (method ?? 'GET').toUpperCase();
      const request = { method, url };
      // The frames of the code that sent the request: those of `origin` without this function's
      // and the wrapper's. V8 starts a stack with an `Error` header line, Gecko and WebKit with
      // the first frame.
      const stack = `${origin.stack}`.replace(/^(Error\n)?.*\n.*\n?/, '');
      return (status?: number) => {
        try {
          const data = { ...request, ...(status && { status_code: status }) };
          // No status: no answer.
          const level = !(status! < 500) ? 'error' : status! > 399 ? 'warning' : 0;
          if (breadcrumbs) client.addBreadcrumb({ type: 'http', category, data, ...(level && { level }) });
          // Statuses `captureStatus` selects, by core's status policy.
          if (captureFailed && policy.shouldCapture(status!))
            client.withScope((scope) => {
              origin.name = 'HTTPClientError';
              origin.message = `HTTP ${status} response for ${method} ${url}`;
              // Frames of the code that sent the request, not of the callback that saw the answer.
              origin.stack = `${origin.name}: ${origin.message}\n${stack}`;
              scope.setRequest(request);
              scope.setContext('response', { status_code: status });
              scope.setTag('http.status_code', status!);
              client.captureException(origin, { mechanism: { type: 'http.client', handled: false } });
            });
        } catch {
          // Recording is best effort; the page's request is unaffected.
        }
      };
    };
    const proto = XMLHttpRequest.prototype;
    const opened = new WeakMap<XMLHttpRequest, unknown[]>();
    return [
      patch(
        globalThis,
        'fetch',
        (original) =>
          function (this: unknown, input: Parameters<typeof fetch>[0], init?: RequestInit) {
            let done: ((status?: number) => void) | undefined;
            try {
              const request = (input instanceof Request ? input : { url: String(input) }) as Request;
              done = start('fetch', init?.method ?? request.method, request.url);
            } catch {
              // Not recorded; the request itself goes ahead.
            }
            const pending = original.call(this, input, init);
            pending.then(
              (response) => done?.(response.status),
              () => done?.(),
            );
            return pending;
          } as typeof fetch,
      ),
      patch(
        proto,
        'open',
        (open) =>
          function (this: XMLHttpRequest, ...args: unknown[]) {
            opened.set(this, args);
            return (open as (...a: unknown[]) => void).apply(this, args);
          } as XMLHttpRequest['open'],
      ),
      patch(
        proto,
        'send',
        (send) =>
          function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
            try {
              const [method, url] = opened.get(this)!;
              const done = start('xhr', `${method}`, `${url}`);
              // At readyState 4, before `load` and `loadend`: an error thrown by the page's own
              // `onload` then already has this request among its breadcrumbs.
              const onState = () => {
                if (this.readyState !== 4) return;
                this.removeEventListener('readystatechange', onState);
                done(this.status || undefined);
              };
              this.addEventListener('readystatechange', onState);
            } catch {
              // Not recorded; the request itself goes ahead.
            }
            return send.call(this, body);
          },
      ),
    ];
  });
}
