import type { BrowserClient } from './client.js';
import type { Integration } from './options.js';
import { patch, undoAll } from './patch.js';

export interface HttpOptions {
  /** Add a breadcrumb per request. */
  breadcrumbs: boolean;
  /** Report responses the client's status policy selects (5xx by default). */
  captureFailed: boolean;
  /** Requests to these URL prefixes are the SDK's own and are never recorded. */
  ignorePrefixes: string[];
}

interface RequestInfo {
  method: string;
  url: string;
  /** Made when the request started, so a report shows the code that sent it. */
  origin: Error | undefined;
}

/**
 * Watches `fetch` and `XMLHttpRequest`: a breadcrumb per request (method, scrubbed URL,
 * status), and a `handled: false` error event (mechanism `http.client`) for each response whose
 * status the client's status policy selects: 5xx by default, 4xx only when listed in
 * `captureStatus`, 404 only when listed as 404.
 */
export function httpIntegration(options: HttpOptions): Integration {
  const undo: Array<() => void> = [];
  return {
    name: 'HttpClient',
    setup(client: BrowserClient) {
      if (!options.breadcrumbs && !options.captureFailed) return;
      const done = (info: RequestInfo, status: number | undefined, category: 'fetch' | 'xhr') =>
        onDone(client, options, info, status, category);
      const start: Start = (method, url, origin) => {
        const absolute = toAbsolute(url);
        if (options.ignorePrefixes.some((prefix) => absolute.startsWith(prefix))) return undefined;
        return {
          method: (method ?? 'GET').toUpperCase(),
          url: absolute,
          origin,
        };
      };
      if (typeof fetch === 'function') undo.push(wrapFetch(start, done, options.captureFailed));
      if (typeof XMLHttpRequest === 'function') undo.push(...wrapXhr(start, done, options.captureFailed));
    },
    teardown: () => undoAll(undo),
  };
}

function toAbsolute(url: string): string {
  try {
    return new URL(url, location.href).href;
  } catch {
    return url;
  }
}

function onDone(
  client: BrowserClient,
  options: HttpOptions,
  info: RequestInfo,
  status: number | undefined,
  category: 'fetch' | 'xhr',
): void {
  // Scrubbed with everything else before sending (`sanitize.ts`).
  const { url, method } = info;
  if (options.breadcrumbs) {
    const data: Record<string, unknown> = { method: info.method, url };
    if (status !== undefined) data.status_code = status;
    const level = status === undefined || status >= 500 ? 'error' : status >= 400 ? 'warning' : undefined;
    client.addBreadcrumb({ type: 'http', category, data, ...(level ? { level } : {}) });
  }
  if (!options.captureFailed || status === undefined || !client.getStatusPolicy().shouldCapture(status))
    return;
  const message = `HTTP ${status} response for ${method} ${url}`;
  const error = new Error(message);
  error.name = 'HTTPClientError';
  const frames = callerFrames(info.origin);
  // Frames of the code that sent the request, not of the callback that saw the answer.
  if (frames) error.stack = `${error.name}: ${message}\n${frames}`;
  client.withScope((scope) => {
    scope.setRequest({ method, url });
    scope.setContext('response', { status_code: status });
    scope.setTag('http.status_code', status);
    client.captureException(error, { mechanism: { type: 'http.client', handled: false } });
  });
}

/**
 * The stack lines of `origin` without its first frame (the SDK wrapper that created it). V8
 * starts a stack with an `Error` header line, Gecko and WebKit with the first frame.
 */
function callerFrames(origin: Error | undefined): string | undefined {
  const lines = origin?.stack?.split('\n');
  if (!lines) return undefined;
  return lines.slice(lines[0] === 'Error' ? 2 : 1).join('\n');
}

type Start = (method: string | undefined, url: string, origin: Error | undefined) => RequestInfo | undefined;
type Done = (info: RequestInfo, status: number | undefined, category: 'fetch' | 'xhr') => void;

function wrapFetch(start: Start, done: Done, withOrigin: boolean): () => void {
  return patch(globalThis, 'fetch', (original) => wrapped(original, start, done, withOrigin));
}

function wrapped(original: typeof fetch, start: Start, done: Done, withOrigin: boolean): typeof fetch {
  return function (this: unknown, input: RequestInfoLike, init?: RequestInit): Promise<Response> {
    const origin = withOrigin ? new Error() : undefined;
    let info: RequestInfo | undefined;
    try {
      const isRequest = typeof Request === 'function' && input instanceof Request;
      const url = isRequest ? (input as Request).url : String(input);
      info = start(init?.method ?? (isRequest ? (input as Request).method : undefined), url, origin);
    } catch {
      info = undefined;
    }
    const pending = original.call(this, input as Parameters<typeof fetch>[0], init);
    if (!info) return pending;
    const request = info;
    return pending.then(
      (response) => {
        safely(() => done(request, response.status, 'fetch'));
        return response;
      },
      (error: unknown) => {
        safely(() => done(request, undefined, 'fetch'));
        throw error;
      },
    );
  } as typeof fetch;
}

type RequestInfoLike = Parameters<typeof fetch>[0];

function wrapXhr(start: Start, done: Done, withOrigin: boolean): Array<() => void> {
  const proto = XMLHttpRequest.prototype;
  const requests = new WeakMap<XMLHttpRequest, { method: string; url: string }>();
  const wrapOpen = (open: XMLHttpRequest['open']) =>
    function (this: XMLHttpRequest, ...args: unknown[]) {
      try {
        requests.set(this, { method: String(args[0]), url: String(args[1]) });
      } catch {
        // Recording is best effort; the request itself must go ahead.
      }
      return (open as (...a: unknown[]) => void).apply(this, args);
    } as XMLHttpRequest['open'];
  const wrapSend = (send: XMLHttpRequest['send']) =>
    function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
      const origin = withOrigin ? new Error() : undefined;
      const opened = requests.get(this);
      const info = opened ? safely(() => start(opened.method, opened.url, origin)) : undefined;
      if (info) {
        this.addEventListener('loadend', () =>
          safely(() => done(info, this.status === 0 ? undefined : this.status, 'xhr')),
        );
      }
      return send.call(this, body);
    };
  return [patch(proto, 'open', wrapOpen), patch(proto, 'send', wrapSend)];
}

function safely<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
