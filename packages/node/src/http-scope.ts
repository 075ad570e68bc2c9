import {
  type Client,
  createScope,
  type RequestData,
  type Scope,
  type SeverityLevel,
  statusMessage,
  type User,
} from '@faultline/core';
import { withIsolatedScope } from './api.js';
import { getClient } from './init.js';

/** What the framework adapters know about one request, read lazily at capture time. */
export interface HttpRequestInfo {
  method: string | undefined;
  /** The route template (`/users/:id`) once a route matched. */
  route(): string | undefined;
  /** The event's `request`, built on demand (headers scrubbed, body parsed…). */
  request(client: Client): RequestData;
  /** The user the app attached to the request, if any. */
  user(): User | undefined;
}

/** Per-request bookkeeping shared by the adapters. */
export interface HttpRequestState {
  client: Client;
  scope: Scope;
  info: HttpRequestInfo;
  /** Set once an error of this request was captured, so the response is not reported twice. */
  captured: boolean;
}

/**
 * Runs `fn` (the rest of the request) in a fresh isolated scope whose request context, route
 * template (`transaction`) and user are filled in only when an event is built: nothing is
 * computed on the happy path. Values the app sets on the scope itself win.
 */
export function runInRequestScope(
  info: HttpRequestInfo,
  fn: (state: HttpRequestState | undefined) => void,
): void {
  const client = getClient();
  if (!client?.enabled) {
    fn(undefined);
    return;
  }
  withIsolatedScope((scope) => {
    decorateScope(scope, client, info);
    fn({ client, scope, info, captured: false });
  });
}

/** The transaction name of a matched route: `GET /users/:id`. */
export function transactionName(method: string | undefined, route: string | undefined): string | undefined {
  if (route === undefined) return undefined;
  return method ? `${method.toUpperCase()} ${route}` : route;
}

function decorateScope(scope: Scope, client: Client, info: HttpRequestInfo): void {
  const getData = scope.getData.bind(scope);
  scope.getData = () => {
    const data = getData();
    try {
      if (data.request === undefined) data.request = info.request(client);
      if (data.transaction === undefined) {
        const name = transactionName(info.method, info.route());
        if (name !== undefined) data.transaction = name;
      }
      if (data.user === undefined) {
        const user = info.user();
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
export function captureHttpError(
  state: HttpRequestState,
  error: unknown,
  status: number,
  mechanismType: string,
  decide?: () => boolean,
): boolean {
  const { client, info } = state;
  const wanted = decide
    ? decide()
    : client.getStatusPolicy().shouldCapture(status, { routeMatched: info.route() !== undefined });
  if (!wanted) return false;
  inRequestScope(state, () => {
    client.captureException(error, {
      mechanism: { type: mechanismType, handled: false, data: { status_code: status } },
      data: { status },
    });
  });
  state.captured = true;
  return true;
}

/** Reports an error status sent without a thrown error (e.g. `res.status(503).send()`), per the policy. */
export function reportHttpStatus(state: HttpRequestState, status: number): void {
  if (state.captured || status < 400) return;
  const { client, info } = state;
  const route = info.route();
  if (!client.getStatusPolicy().shouldCapture(status, { routeMatched: route !== undefined })) return;
  state.captured = true;
  const level: SeverityLevel = status >= 500 ? 'error' : 'warning';
  inRequestScope(state, () => {
    client.captureMessage(statusMessage(status, info.method, transactionName(info.method, route)), level, {
      data: { status },
    });
  });
}

/**
 * Response events (`finish`) and framework hooks may run outside the request's async context;
 * events must still carry the request's scope.
 */
function inRequestScope(state: HttpRequestState, fn: () => void): void {
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

function isSameOrChild(current: Scope, scope: Scope): boolean {
  return current === scope;
}
