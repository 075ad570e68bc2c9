import type {
  Breadcrumb,
  Client,
  Primitive,
  RequestData,
  Scope,
  ScopeData,
  SeverityLevel,
  User,
} from '@faultline/core';
import { createScope } from '@faultline/core/front';
import { statusMessage } from '@faultline/core/setup';
import { getClient, getScopeStore } from './init.js';
import type { AsyncScopeStore } from './scope-store.js';

/**
 * How a framework adapter reads one request, at capture time only. Plain functions taking the
 * request, so that nothing but one small state object is allocated per request.
 */
export interface HttpAdapter<R> {
  method(req: R): string | undefined;
  /** The route template (`/users/:id`) once a route matched. */
  route(req: R): string | undefined;
  /** Whether a route matched, where that is cheaper to tell than {@link route}'s template. */
  matched?(req: R): boolean;
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
  /** The status of the error response, once known: the event's response context. */
  status: number | undefined;
  /**
   * An error the request failed with that waits for its reply to be sent before it is reported
   * (fastify's app error handler decides the status after `onError`); undefined for none.
   */
  pending: { error: unknown } | undefined;
}

/**
 * The scope of one request and its bookkeeping, in one object: the only allocation the SDK adds
 * to a request besides the scope it forks. It forwards to that fork of the current scope; when
 * an event is built, the request context, route template (`transaction`), user and response
 * status are read from the request, so nothing is computed on the happy path, and an error the
 * storm guard only counts writes nothing to the scope. Values the app sets on the scope win.
 *
 * Made with `new`, never as an object literal: V8 tracks each literal in the code (its
 * allocation site) and, once most of its objects outlive a young-generation collection, makes
 * them in the old generation from then on. An error storm makes requests slow enough for a
 * literal that lives as long as its request to get that decision, and it stays: every later
 * request's state would then be born old, holding the young request, response and scope, which
 * every young collection must then keep and copy until a full collection (after 20,000 errors a
 * hello-world server promoted 4.6 instead of 3.5 MB per young collection). Class instances are
 * not tracked that way.
 */
export class RequestScope<R> implements Scope, HttpRequestState<R> {
  // Declared only: assigned in the constructor, so every instance has one shape.
  declare client: Client;
  declare req: R;
  declare adapter: HttpAdapter<R>;
  declare captured: boolean;
  declare status: number | undefined;
  declare pending: { error: unknown } | undefined;
  /** Set once the request went on inside this scope: what throws after that is the app's. */
  declare entered: boolean;
  declare private readonly store: AsyncScopeStore;
  declare private readonly inner: Scope;

  constructor(client: Client, store: AsyncScopeStore, req: R, adapter: HttpAdapter<R>) {
    this.client = client;
    this.req = req;
    this.adapter = adapter;
    this.captured = false;
    this.status = undefined;
    this.pending = undefined;
    this.entered = false;
    this.store = store;
    this.inner = store.getScope().clone();
  }

  get scope(): Scope {
    return this;
  }

  /** Calls `fn(a, b, c)` with this scope current, across everything it starts. */
  run<A, B, C>(fn: (a: A, b: B, c: C) => void, a: A, b: B, c: C): void {
    this.store.run(this, fn, a, b, c);
  }

  getData(): ScopeData {
    const data = this.inner.getData();
    try {
      const { adapter, req, client } = this;
      if (data.request === undefined) data.request = adapter.request(req, client);
      if (data.transaction === undefined) {
        const name = transactionName(adapter.method(req), adapter.route(req));
        if (name !== undefined) data.transaction = name;
      }
      if (data.user === undefined) {
        const user = readUser(adapter.user(req));
        if (user) data.user = user;
      }
      // The response context (https://develop.sentry.dev/sdk/data-model/event-payloads/contexts/#response-context).
      if (this.status !== undefined && data.contexts.response === undefined) {
        data.contexts.response = { status_code: this.status };
      }
    } catch {
      // A broken request object must not cost the event.
    }
    return data;
  }
  /** A copy holds what an event would (the request read now): it no longer follows the request. */
  clone(): Scope {
    return createScope(this.getData());
  }
  getUser(): User | undefined {
    return this.inner.getUser();
  }
  setUser(user: User | null): Scope {
    this.inner.setUser(user);
    return this;
  }
  setTag(key: string, value: Primitive): Scope {
    this.inner.setTag(key, value);
    return this;
  }
  setTags(tags: Record<string, Primitive>): Scope {
    this.inner.setTags(tags);
    return this;
  }
  setContext(name: string, context: Record<string, unknown> | null): Scope {
    this.inner.setContext(name, context);
    return this;
  }
  setExtra(key: string, value: unknown): Scope {
    this.inner.setExtra(key, value);
    return this;
  }
  setExtras(extras: Record<string, unknown>): Scope {
    this.inner.setExtras(extras);
    return this;
  }
  setLevel(level: SeverityLevel | undefined): Scope {
    this.inner.setLevel(level);
    return this;
  }
  setFingerprint(fingerprint: string[] | undefined): Scope {
    this.inner.setFingerprint(fingerprint);
    return this;
  }
  setTransaction(name: string | undefined): Scope {
    this.inner.setTransaction(name);
    return this;
  }
  setRequest(request: RequestData | undefined): Scope {
    this.inner.setRequest(request);
    return this;
  }
  addBreadcrumb(breadcrumb: Breadcrumb, max?: number): Scope {
    this.inner.addBreadcrumb(breadcrumb, max);
    return this;
  }
  clearBreadcrumbs(): Scope {
    this.inner.clearBreadcrumbs();
    return this;
  }
  clear(): Scope {
    this.inner.clear();
    return this;
  }
}

const HELD = Symbol('faultline.request.state');
type Holder = { [HELD]?: HttpRequestState<unknown> | undefined };

/**
 * Where the state of a request an adapter follows is kept: on the request's socket, in one slot
 * that the next request of a kept-alive connection takes over. Node's requests (and express's,
 * and fastify's, built on them) each get a hidden class of their own, so a property added to
 * one makes V8 build a new class for every request: about 17 K instructions, a third of all the
 * SDK added to a hello-world express request. A server's sockets share one class, and the
 * slot, once there, is only written. A request without a socket object keeps its state itself.
 */
function holderOf(req: object, socket: unknown): Holder {
  return (typeof socket === 'object' && socket !== null ? socket : req) as Holder;
}

/** Keeps `state` for `req`, whose socket is `socket`, until {@link releaseState}. */
export function holdState<R extends object>(req: R, socket: unknown, state: HttpRequestState<R>): void {
  holderOf(req, socket)[HELD] = state;
}

/**
 * The state kept for `req`: its holder's, unless a later request took the slot (HTTP/1.1
 * pipelining, HTTP/2 streams sharing their session's socket); then the request's own scope,
 * when it is current.
 */
export function heldState<R extends object>(req: R, socket: unknown): HttpRequestState<R> | undefined {
  const held = holderOf(req, socket)[HELD];
  if (held?.req === req) return held as HttpRequestState<R>;
  const scope = getScopeStore()?.getScope();
  return scope instanceof RequestScope && scope.req === req ? (scope as RequestScope<R>) : undefined;
}

/** Empties the slot once its request is answered, so that a kept-alive socket holds no request. */
export function releaseState<R extends object>(req: R, socket: unknown, state: HttpRequestState<R>): void {
  const holder = holderOf(req, socket);
  if (holder[HELD] === state) holder[HELD] = undefined;
}

/**
 * A new scope for `req` (not yet current: `run` makes it so), or undefined while the SDK is
 * off: then the request is served without the SDK.
 */
export function openRequestScope<R>(adapter: HttpAdapter<R>, req: R): RequestScope<R> | undefined {
  const client = getClient();
  if (!client?.enabled) return undefined;
  const store = getScopeStore();
  return store ? new RequestScope(client, store, req, adapter) : undefined;
}

/**
 * Runs `fn` (the rest of the request) in a fresh isolated scope for `req`, as `openRequestScope`
 * and `run` do; `fn` gets undefined while the SDK is off.
 */
export function runInRequestScope<R>(
  adapter: HttpAdapter<R>,
  req: R,
  fn: (state: HttpRequestState<R> | undefined) => void,
): void {
  const scope = openRequestScope(adapter, req);
  if (!scope) {
    fn(undefined);
    return;
  }
  scope.run(fn, scope, undefined, undefined);
}

/** The transaction name of a matched route: `GET /users/:id`. */
export function transactionName(method: string | undefined, route: string | undefined): string | undefined {
  if (route === undefined) return undefined;
  return method ? `${method.toUpperCase()} ${route}` : route;
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
    client.getStatusPolicy().shouldCapture(status, { routeMatched: routeMatched(adapter, req) });
  let wanted: boolean;
  try {
    wanted = decide ? decide() : byPolicy();
  } catch (error) {
    // The app's own decision failed: fall back to the status policy rather than lose the error.
    client.logger.debug('shouldHandleError threw; the status policy decides', error);
    wanted = byPolicy();
  }
  if (!wanted) return false;
  state.status = status;
  inRequestScope(state, () => {
    client.captureException(error, {
      mechanism: { type: mechanismType, handled: false, data: { status_code: status } },
      data: { status },
    });
  });
  state.captured = true;
  return true;
}

function routeMatched<R>(adapter: HttpAdapter<R>, req: R): boolean {
  return adapter.matched ? adapter.matched(req) : adapter.route(req) !== undefined;
}

/** Reports an error status sent without a thrown error (e.g. `res.status(503).send()`), per the policy. */
export function reportHttpStatus<R>(state: HttpRequestState<R>, status: number): void {
  if (state.captured || status < 400) return;
  const { client, adapter, req } = state;
  if (!client.getStatusPolicy().shouldCapture(status, { routeMatched: routeMatched(adapter, req) })) return;
  const route = adapter.route(req);
  const method = adapter.method(req);
  state.captured = true;
  state.status = status;
  const level: SeverityLevel = status >= 500 ? 'error' : 'warning';
  inRequestScope(state, () => {
    client.captureMessage(statusMessage(status, method, transactionName(method, route)), level, {
      data: { status },
    });
  });
}

/**
 * Response events (`finish`) and framework hooks may run outside the request's async context;
 * events must still carry the request's scope. Outside it, the request's own scope is entered
 * for the call: nothing is copied or read from the request unless an event is built (an error
 * the storm guard only counts costs what it costs inside the context).
 */
function inRequestScope<R>(state: HttpRequestState<R>, fn: () => void): void {
  const { client, scope } = state;
  if (isSameOrChild(client.getScope(), scope) || !(scope instanceof RequestScope)) {
    fn();
    return;
  }
  scope.run(call, fn, undefined, undefined);
}

function call(fn: () => void): void {
  fn();
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
