import type { StatusMatcher } from '@faultline/core';
import type { BrowserClient } from './client.js';
import type { Integration } from './options.js';
import { patch, undoAll } from './patch.js';

export interface HttpOptions {
  /** Add a breadcrumb per request. */
  breadcrumbs: boolean;
  /** Report responses `captureStatus` selects. */
  captureFailed: boolean;
  /** Statuses to report, by code or inclusive range: 5xx by default; 404 only when listed as 404. */
  captureStatus?: StatusMatcher[] | undefined;
  /** Requests to these URL prefixes are the SDK's own and are never recorded. */
  ignorePrefixes: string[];
}

/** Whether a response status is reported: listed in `captureStatus`, and 404 only as exactly 404. */
export function shouldCapture(status: number, list: StatusMatcher[] = [[500, 599]]): boolean {
  return (
    status > 399 &&
    status < 600 &&
    list.some((m) =>
      typeof m === 'number' ? m === status : status !== 404 && status >= m[0] && status <= m[1],
    )
  );
}

/**
 * The stack lines of the code that sent a request: those of an error made in the SDK's wrapper,
 * without the wrapper's frame. V8 starts a stack with an `Error` header line, Gecko and WebKit
 * with the first frame.
 */
function callerStack(origin: Error): string {
  const lines = (origin.stack ?? '').split('\n');
  return lines.slice(lines[0] === 'Error' ? 2 : 1).join('\n');
}

type Done = ((status?: number) => void) | undefined;

/**
 * Watches `fetch` and `XMLHttpRequest`: a breadcrumb per request (method, URL, status), and a
 * `handled: false` error event (mechanism `http.client`) for each response whose status
 * `captureStatus` selects, with the frames of the code that sent the request. URLs are
 * scrubbed with everything else before sending (`sanitize.ts`).
 */
export function httpIntegration(options: HttpOptions): Integration {
  const undo: Array<() => void> = [];
  return {
    name: 'HttpClient',
    setup(client: BrowserClient) {
      /** Call when a request starts; returns what to call with its status (none: no answer). */
      const start = (category: string, method: string | undefined, target: string, origin: Error): Done => {
        const url = new URL(target, location.href).href;
        if (options.ignorePrefixes.some((prefix) => url.startsWith(prefix))) return undefined;
        method = (method ?? 'GET').toUpperCase();
        const stack = callerStack(origin);
        return (status) => {
          try {
            const level =
              status === undefined || status > 499 ? 'error' : status > 399 ? 'warning' : undefined;
            const data = { method, url, ...(status && { status_code: status }) };
            if (options.breadcrumbs)
              client.addBreadcrumb({ type: 'http', category, data, ...(level && { level }) });
            if (!options.captureFailed || !status || !shouldCapture(status, options.captureStatus)) return;
            const error = new Error(`HTTP ${status} response for ${method} ${url}`);
            error.name = 'HTTPClientError';
            // Frames of the code that sent the request, not of the callback that saw the answer.
            error.stack = `${error.name}: ${error.message}\n${stack}`;
            client.withScope((scope) => {
              scope.setRequest({ method, url });
              scope.setContext('response', { status_code: status });
              scope.setTag('http.status_code', status);
              client.captureException(error, { mechanism: { type: 'http.client', handled: false } });
            });
          } catch {
            // Recording is best effort; the page's request is unaffected.
          }
        };
      };

      undo.push(
        patch(
          globalThis,
          'fetch',
          (original) =>
            function (this: unknown, input: Parameters<typeof fetch>[0], init?: RequestInit) {
              let done: Done;
              try {
                const request = input instanceof Request ? input : undefined;
                done = start(
                  'fetch',
                  init?.method ?? request?.method,
                  request?.url ?? String(input),
                  new Error(),
                );
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
      );
      const proto = XMLHttpRequest.prototype;
      const opened = new WeakMap<XMLHttpRequest, [string, string]>();
      undo.push(
        patch(
          proto,
          'open',
          (open) =>
            function (this: XMLHttpRequest, ...args: unknown[]) {
              opened.set(this, [String(args[0]), String(args[1])]);
              return (open as (...a: unknown[]) => void).apply(this, args);
            } as XMLHttpRequest['open'],
        ),
        patch(
          proto,
          'send',
          (send) =>
            function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
              let done: Done;
              try {
                const [method, url] = opened.get(this)!;
                done = start('xhr', method, url, new Error());
                this.addEventListener('loadend', () => done?.(this.status || undefined));
              } catch {
                // Not recorded; the request itself goes ahead.
              }
              return send.call(this, body);
            },
        ),
      );
    },
    teardown: () => undoAll(undo),
  };
}
