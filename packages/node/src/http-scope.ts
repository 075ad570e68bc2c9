import {
  type Client,
  type RequestData,
  type Scope,
  type SeverityLevel,
  statusMessage,
  type User,
} from '@faultline/core';
import { createScope } from '@faultline/core/front';
import { getClient } from './init.js';
import { withIsolatedScope } from './node-api.js';

/**
 * How a framework adapter reads one request, at capture time only. Plain functions taking the
 * request, so that nothing but one small state object is allocated per request.
 */
export interface HttpAdapter<R> {
  method(req: R): string | undefined;
  /** The route template (`/users/:id`) once a route matched. */
  route(req: R): string | undefined;
  /** The event's `request`, built on demand (headers scrubbed, body parsed…). */
  request(req: R, client: Client): RequestData;
  /** The user the app attached to the request, if any. */
  user(req: R): User | undefined;
}

/** Per-request bookkeeping shared by the adapters. */
export interface HttpRequestState<R = unknown> {
  client: Client;
  scope: Scope;
  req: R;
  adapter: HttpAdapter<R>;
  /** Set once an error of this request was captured, so the response is not reported twice. */
  captured: boolean;
  /** The route the framework matched and the mount path of its router then (express). */
  matchedRoute: unknown;
  mountPath: string | undefined;
}

/**
 * Runs `fn` (the rest of the request) in a fresh isolated scope whose request context, route
 * template (`transaction`) and user are filled in only when an event is built: nothing is
 * computed on the happy path. Values the app sets on the scope itself win.
 */
export function runInRequestScope<R>(
  adapter: HttpAdapter<R>,
  req: R,
  fn: (state: HttpRequestState<R> | undefined) => void,
): void {
  const client = getClient();
  if (!client?.enabled) {
    fn(undefined);
    return;
  }
  withIsolatedScope((scope) => {
    const state: HttpRequestState<R> = {
      client,
      scope,
      req,
      adapter,
      captured: false,
      matchedRoute: undefined,
      mountPath: undefined,
    };
    decorateScope(state);
    fn(state);
  });
}

/** The transaction name of a matched route: `GET /users/:id`. */
export function transactionName(method: string | undefined, route: string | undefined): string | undefined {
  if (route === undefined) return undefined;
  return method ? `${method.toUpperCase()} ${route}` : route;
}

function decorateScope<R>(state: HttpRequestState<R>): void {
  const { scope } = state;
  const getData = scope.getData;
  scope.getData = () => {
    const data = getData.call(scope);
    try {
      const { adapter, req, client } = state;
      if (data.request === undefined) data.request = adapter.request(req, client);
      if (data.transaction === undefined) {
        const name = transactionName(adapter.method(req), adapter.route(req));
        if (name !== undefined) data.transaction = name;
      }
      if (data.user === undefined) {
        const user = readUser(adapter.user(req));
        if (user) data.user = user;
      }
    } catch {
      // A broken request object must not cost the event.
    }
    return data;
  };
  scope.clone = () => createScope(scope.getData());
}

/**
 * Captures an error that a framework saw, in the request's scope, per the status policy (or
 * the app's own `decide`); returns whether it was captured.
 */
export function captureHttpError<R>(
  state: HttpRequestState<R>,
  error: unknown,
  status: number,
  mechanismType: string,
  decide?: () => boolean,
): boolean {
  const { client, adapter, req } = state;
  const byPolicy = (): boolean =>
    client.getStatusPolicy().shouldCapture(status, { routeMatched: adapter.route(req) !== undefined });
  let wanted: boolean;
  try {
    wanted = decide ? decide() : byPolicy();
  } catch (error) {
    // The app's own decision failed: fall back to the status policy rather than lose the error.
    client.logger.debug('shouldHandleError threw; the status policy decides', error);
    wanted = byPolicy();
  }
  if (!wanted) return false;
  inRequestScope(state, () => {
    // The response context (https://develop.sentry.dev/sdk/data-model/event-payloads/contexts/#response-context).
    client.getScope().setContext('response', { status_code: status });
    client.captureException(error, {
      mechanism: { type: mechanismType, handled: false, data: { status_code: status } },
      data: { status },
    });
  });
  state.captured = true;
  return true;
}

/** Reports an error status sent without a thrown error (e.g. `res.status(503).send()`), per the policy. */
export function reportHttpStatus<R>(state: HttpRequestState<R>, status: number): void {
  if (state.captured || status < 400) return;
  const { client, adapter, req } = state;
  const route = adapter.route(req);
  const method = adapter.method(req);
  if (!client.getStatusPolicy().shouldCapture(status, { routeMatched: route !== undefined })) return;
  state.captured = true;
  const level: SeverityLevel = status >= 500 ? 'error' : 'warning';
  inRequestScope(state, () => {
    client.getScope().setContext('response', { status_code: status });
    client.captureMessage(statusMessage(status, method, transactionName(method, route)), level, {
      data: { status },
    });
  });
}

/**
 * Response events (`finish`) and framework hooks may run outside the request's async context;
 * events must still carry the request's scope.
 */
function inRequestScope<R>(state: HttpRequestState<R>, fn: () => void): void {
  const { client, scope } = state;
  if (isSameOrChild(client.getScope(), scope)) {
    fn();
    return;
  }
  withIsolatedScope((current) => {
    const data = scope.getData();
    current.clear();
    if (data.user) current.setUser(data.user);
    current.setTags(data.tags);
    for (const [name, context] of Object.entries(data.contexts)) current.setContext(name, context);
    current.setExtras(data.extra);
    if (data.level) current.setLevel(data.level);
    if (data.fingerprint) current.setFingerprint(data.fingerprint);
    current.setTransaction(data.transaction);
    current.setRequest(data.request);
    for (const breadcrumb of data.breadcrumbs) current.addBreadcrumb(breadcrumb, Number.POSITIVE_INFINITY);
    fn();
  });
}

/** The app's user as a plain copy; anything but a readable object counts as no user. */
function readUser(user: unknown): User | undefined {
  if (typeof user !== 'object' || user === null) return undefined;
  try {
    return { ...user };
  } catch {
    return undefined;
  }
}

function isSameOrChild(current: Scope, scope: Scope): boolean {
  return current === scope;
}
