import type { User } from '@faultline/core';
import { requestContext } from './deferred.js';
import {
  captureHttpError,
  type HttpAdapter,
  type HttpRequestState,
  heldState,
  holdState,
  openRequestScope,
  type RequestScope,
  releaseState,
  reportHttpStatus,
} from './http-scope.js';
import type { NodeRequest, NodeResponse } from './http-types.js';
import { undoAtStop } from './stop-hooks.js';

/** The parts of an express (4 or 5) request the SDK reads. */
export interface ExpressRequest extends NodeRequest {
  originalUrl?: string | undefined;
  baseUrl?: string | undefined;
  route?: { path?: unknown } | undefined;
  protocol?: string | undefined;
  ip?: string | undefined;
  body?: unknown;
  user?: unknown;
  params?: Record<string, string | string[] | undefined> | undefined;
  query?: unknown;
}

export type ExpressNext = (error?: unknown) => void;

export interface ExpressRequestHandlerOptions {
  /**
   * Who made the request. Called only when an event is built, after the app's own middleware
   * has authenticated the request. Return `undefined` for no user.
   * Type `req` as your app's own request type (express's `Request`, with the fields your
   * middleware adds): a method's parameter accepts it.
   * @default the id of `req.user` (`{ id: req.user.id }`), nothing else
   * @example user: (req: Request) => ({ id: req.session.accountId }) // Request from express, with express-session
   */
  user?(req: ExpressRequest): User | undefined;
}

/**
 * First middleware of an express app: runs the rest of the request in its own scope, so
 * anything captured while handling it carries the request (scrubbed), the route template as
 * `transaction` (`GET /users/:id`) and the user. Also reports error responses sent without a
 * thrown error (`res.status(503).json(…)`), per the status policy. Never touches the response.
 * @example
 * app.use(expressRequestHandler());
 * // routes…
 * app.use(expressErrorHandler());
 */
export function expressRequestHandler(
  options: ExpressRequestHandlerOptions = {},
): (req: ExpressRequest, res: NodeResponse, next: ExpressNext) => void {
  const adapter = expressAdapter(options);
  return function faultlineRequestHandler(req, res, next) {
    let scope: RequestScope<ExpressRequest> | undefined;
    try {
      scope = openRequestScope(adapter, req);
    } catch {
      // The SDK's own failure: the request goes on without it.
    }
    if (!scope) {
      next();
      return;
    }
    try {
      scope.run(enter, scope, res, next);
    } catch (error) {
      // After `next` it is the app's own error; before, the SDK's, and the request goes on without it.
      if (scope.entered) throw error;
      next();
    }
  };
}

/** How the SDK reads an express request. */
function expressAdapter(options: ExpressRequestHandlerOptions): HttpAdapter<ExpressRequest> {
  return {
    method: (req) => req.method,
    route: routeOf,
    // The template is built only for an event; the status policy only asks whether a route matched.
    matched: (req) => typeof req.route === 'object' && req.route !== null,
    request: (req, client) =>
      requestContext(
        { raw: req, url: req.originalUrl, protocol: req.protocol, body: req.body, ip: req.ip },
        client,
      ),
    user: options.user ?? defaultUser,
  };
}

/** The rest of the request, in its scope: one function for every request, so no closure is made per request. */
function enter(scope: RequestScope<ExpressRequest>, res: NodeResponse, next: ExpressNext): void {
  scope.entered = true;
  track(scope.req, res, scope);
  next();
}

function track(req: ExpressRequest, res: NodeResponse, state: HttpRequestState<ExpressRequest>): void {
  try {
    // Each property of the request or response is read once: each has a hidden class of its
    // own, so every read of one is a lookup V8 has not cached (the socket's class is shared).
    const socket = req.socket;
    holdState(req, socket, state);
    // A response of Node's own server (its socket belongs to a server) is reported from the
    // channel Node publishes when any response finishes; a listener on each response would cost
    // a hello-world request about 4 % of its instructions. Responses made otherwise (adapters that
    // run express without a server, in serverless functions) get the listener.
    if (!servedByNode(socket) || !subscribeFinish()) res.on('finish', onFinish);
  } catch {
    // A request that cannot be marked (frozen, a Proxy) is served without the SDK's bookkeeping.
  }
}

function servedByNode(socket: unknown): boolean {
  const server = (socket as { server?: unknown } | null | undefined)?.server;
  return typeof server === 'object' && server !== null;
}

let finishSubscribed = false;

/**
 * Subscribes, once per process, to `http.server.response.finish`, which Node's HTTP and HTTPS
 * servers publish when a response has been sent
 * (https://nodejs.org/api/diagnostics_channel.html#built-in-channels), until the SDK stops: a
 * response of a request the SDK does not follow costs one property read.
 */
function subscribeFinish(): boolean {
  if (finishSubscribed) return true;
  try {
    const channels = process.getBuiltinModule('node:diagnostics_channel');
    channels.subscribe('http.server.response.finish', onFinishMessage);
    finishSubscribed = true;
    undoAtStop(() => {
      channels.unsubscribe('http.server.response.finish', onFinishMessage);
      finishSubscribed = false;
    });
  } catch {
    // Without the channel, each response gets its own listener.
  }
  return finishSubscribed;
}

function onFinishMessage(message: unknown): void {
  try {
    const { request, response, socket } = message as {
      request?: ExpressRequest;
      response?: NodeResponse;
      socket?: unknown;
    };
    const state = request && heldState(request, socket);
    if (!state || !response) return;
    releaseState(request, socket, state);
    reportHttpStatus(state, response.statusCode);
  } catch {
    // Reporting must never disturb the server.
  }
}

export interface ExpressErrorHandlerOptions {
  /**
   * Decides whether an error is reported; replaces the status policy (`captureStatus`).
   * @example shouldHandleError: (error, status) => status >= 500 || status === 401
   */
  // A method, as `user` is, so a callback typed with express's own `Request` fits.
  shouldHandleError?(error: unknown, status: number, req: ExpressRequest): boolean;
}

/**
 * Error middleware, after the routes and before the app's own error handlers: reports the
 * error per the status policy (5xx by default, 4xx when listed in `captureStatus` and a route
 * matched, 404 never unless listed), with mechanism `express`, then passes the very same
 * error on with `next(err)`: the response is left to the app.
 */
export function expressErrorHandler(
  options: ExpressErrorHandlerOptions = {},
): (error: unknown, req: ExpressRequest, res: NodeResponse, next: ExpressNext) => void {
  // Without `expressRequestHandler()` in front (or for a request that began while the SDK was
  // off), the error is still reported, with the request read now.
  const adapter = expressAdapter({});
  return function faultlineErrorHandler(error, req, res, next) {
    try {
      const state = heldState(req, req.socket) ?? openRequestScope(adapter, req);
      if (state && !state.captured) {
        const decide = options.shouldHandleError;
        const status = errorStatus(error, res);
        captureHttpError(
          state,
          error,
          status,
          'express',
          decide && (() => decide.call(options, error, status, req)),
        );
      }
    } catch {
      // Whatever happens here, the app's error handling goes on unchanged.
    }
    next(error);
  };
}

/**
 * The status express will answer with, as its final handler computes it: the error's own
 * `status`/`statusCode` when it is 4xx/5xx, else the response's when it is, else 500.
 */
function errorStatus(error: unknown, res: NodeResponse): number {
  if (typeof error === 'object' && error !== null) {
    const own = (error as { status?: unknown }).status ?? (error as { statusCode?: unknown }).statusCode;
    if (typeof own === 'number' && own >= 400 && own <= 599) return own;
  }
  const current = res.statusCode;
  return current >= 400 && current <= 599 ? current : 500;
}

/** Reports an error response sent without a thrown error; one listener shared by every response. */
function onFinish(this: NodeResponse): void {
  try {
    const req = this.req as ExpressRequest | undefined;
    const state = req && heldState(req, req.socket);
    if (!state) return;
    releaseState(req, req.socket, state);
    reportHttpStatus(state, this.statusCode);
  } catch {
    // Reporting must never disturb the server.
  }
}

/**
 * The route template of a request (`/api/:tenant/v1/orders/:orderId`), read when an event or a
 * status report needs it, never while express routes: express sets `req.route` when it
 * dispatches to a route and keeps it, while `req.baseUrl` is the mount path (with values) only
 * inside the router, so the mount's template is found in the app's routers.
 */
function routeOf(req: ExpressRequest): string | undefined {
  const route = req.route;
  if (typeof route !== 'object' || route === null) return undefined;
  const base = mountTemplate(req, route) ?? mountOf(req, route.path) ?? '';
  const path = pathOf(route.path, () => pathWithin(req, base));
  if (path === undefined) return undefined;
  return joinPath(base, path);
}

/** The layers of an express router that the SDK reads (express 5's `router` package, express 4's own). */
interface Layer {
  route?: unknown;
  handle?: { stack?: unknown };
  /** Express 5: a mount at `/` (matches every path, consumes nothing), and one matcher per path. */
  slash?: boolean;
  matchers?: Array<(path: string) => { path: string; params: Record<string, unknown> } | false>;
  /** Express 4: the mount path's expression and its parameter names. */
  regexp?: RegExp & { fast_slash?: boolean };
  keys?: Array<{ name?: unknown }>;
}

/** Deepest nesting of routers followed. */
const MAX_MOUNT_DEPTH = 16;

/**
 * The template of the mount paths above `route` (`/api/:tenant/v1`): the app's router is walked
 * along the request's path to the router layer that holds this very route, each mount's matched
 * part with its parameter values named (`/acme` → `/:tenant`). Undefined when the route is not
 * found there (a sub-app's route, a router express does not expose) or the layers cannot be read.
 */
function mountTemplate(req: ExpressRequest, route: { path?: unknown }): string | undefined {
  try {
    type App = { _router?: { stack?: unknown }; router?: { stack?: unknown }; parent?: unknown };
    const isApp = (value: unknown): value is App =>
      typeof value === 'function' || (typeof value === 'object' && value !== null);
    const given = (req as { app?: unknown }).app;
    if (!isApp(given)) return undefined;
    // A response sent from a mounted app is reported while `req.app` is still that app: its
    // routes are found from the app it is mounted on (express sets `parent` at the mount).
    let app: App = given;
    for (let depth = 0; depth < MAX_MOUNT_DEPTH; depth++) {
      const parent = app.parent;
      if (!isApp(parent)) break;
      app = parent;
    }
    // `_router` first: in express 4, reading `app.router` throws.
    const router = app._router ?? app.router;
    const path = ((req.originalUrl ?? req.url ?? '').split('?')[0] ?? '') || '/';
    return findRoute(router?.stack, path, route, 0, false) ?? findRoute(router?.stack, path, route, 0, true);
  } catch {
    return undefined;
  }
}

/**
 * The mount template above `route` in `stack`. With `opaque`, for a route found in no router:
 * the first express app mounted along the path (`app.use('/api/:tenant', subApp)`) is taken to
 * hold it. Express mounts an app through a wrapper that keeps no reference to the app's router,
 * so its own mounts below are named by their values (`/api/:tenant/v/2`).
 */
function findRoute(
  stack: unknown,
  path: string,
  route: { path?: unknown },
  depth: number,
  opaque: boolean,
): string | undefined {
  if (!Array.isArray(stack) || depth > MAX_MOUNT_DEPTH) return undefined;
  for (const layer of stack as Layer[]) {
    if (layer.route !== undefined) {
      if (layer.route === route && !opaque) return '';
      continue;
    }
    const inner = layer.handle?.stack;
    const app = !Array.isArray(inner) && opaque && isMountedApp(layer);
    if (!Array.isArray(inner) && !app) continue;
    const mount = matchMount(layer, path);
    if (!mount) continue;
    const rest = path.slice(mount.path.length) || '/';
    const found = app ? valuesAbove(rest, route.path) : findRoute(inner, rest, route, depth + 1, opaque);
    if (found !== undefined) return mount.template + found;
  }
  return undefined;
}

/** A layer of `app.use(path, subApp)`: express's wrapper around a mounted app, at a path of its own. */
function isMountedApp(layer: Layer): boolean {
  const handle = layer.handle as { name?: unknown } | undefined;
  return (
    typeof handle === 'function' && handle.name === 'mounted_app' && !layer.slash && !layer.regexp?.fast_slash
  );
}

/**
 * The part of a mounted app's `path` above a route with template `template` (`/v/2` of
 * `/v/2/deep/9` for `/deep/:x`), as it was requested; undefined when the route's own segments
 * cannot be counted or do not fit.
 */
function valuesAbove(path: string, template: unknown): string | undefined {
  if (typeof template !== 'string' || /[*?()]/.test(template)) return undefined;
  const own = template.split('/').filter(Boolean).length;
  const segments = path.split('/').filter(Boolean);
  if (segments.length < own) return undefined;
  const above = segments.slice(0, segments.length - own);
  return above.length ? `/${above.join('/')}` : '';
}

/** The part of `path` a router layer's mount path matches, and that part with its parameters named. */
function matchMount(layer: Layer, path: string): { path: string; template: string } | undefined {
  if (layer.slash || layer.regexp?.fast_slash) return { path: '', template: '' };
  let matched: string | undefined;
  const params: Record<string, unknown> = {};
  if (Array.isArray(layer.matchers)) {
    for (const matcher of layer.matchers) {
      const found = matcher(path);
      if (!found) continue;
      matched = found.path;
      Object.assign(params, found.params);
      break;
    }
  } else if (layer.regexp instanceof RegExp) {
    const found = layer.regexp.exec(path);
    if (found) {
      matched = found[0];
      layer.keys?.forEach((key, i) => {
        if (typeof key?.name === 'string') params[key.name] = found[i + 1];
      });
    }
  }
  if (matched === undefined) return undefined;
  const template = matched.replace(/\/$/, '').replace(/[^/]+/g, (segment) => {
    for (const key in params) if (params[key] === segment && !/^\d+$/.test(key)) return `:${key}`;
    return segment;
  });
  return { path: matched, template };
}

/**
 * The mount path of a route not found in the app's routers: the request's path without as many
 * segments as the route has.
 */
function mountOf(req: ExpressRequest, path: unknown): string | undefined {
  if (req.baseUrl || typeof path !== 'string' || path.includes('*')) return req.baseUrl;
  const own = path.split('/').filter(Boolean).length;
  const segments = ((req.originalUrl ?? req.url ?? '').split('?')[0] ?? '').split('/').filter(Boolean);
  return segments.length > own ? `/${segments.slice(0, segments.length - own).join('/')}` : '';
}

function pathOf(path: unknown, requestPath: () => string): string | undefined {
  if (typeof path === 'string') return path;
  if (path instanceof RegExp) return String(path);
  if (Array.isArray(path)) {
    // `app.get(['/a/:x', '/b/:y'], …)`: the template is the one this request matched.
    const templates = path.filter((p): p is string | RegExp => typeof p === 'string' || p instanceof RegExp);
    const within = requestPath();
    const chosen = templates.find((template) => matchesTemplate(template, within)) ?? templates[0];
    return chosen === undefined ? undefined : pathOf(chosen, requestPath);
  }
  return undefined;
}

/** The request's path below the router's mount path (what express matches a route against). */
function pathWithin(req: ExpressRequest, base: string): string {
  const full = (req.originalUrl ?? req.url ?? '').split('?')[0] ?? '';
  return base && full.startsWith(base) ? full.slice(base.length) || '/' : full;
}

/** Whether a route path matches: `:name` is one segment, `*` the rest, all else literal. */
function matchesTemplate(template: string | RegExp, path: string): boolean {
  if (template instanceof RegExp) return template.test(path);
  const pattern = template
    .split('/')
    .map((segment) =>
      segment.startsWith(':')
        ? '[^/]+'
        : segment.startsWith('*')
          ? '.*'
          : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${pattern}/?$`, 'i').test(path);
}

function joinPath(base: string, path: string): string {
  if (!base) return path || '/';
  if (path === '/' || path === '') return base;
  return `${base.replace(/\/$/, '')}${path.startsWith('/') ? '' : '/'}${path}`;
}

function defaultUser(req: ExpressRequest): User | undefined {
  const user = req.user;
  if (typeof user !== 'object' || user === null) return undefined;
  const id = (user as { id?: unknown }).id;
  return typeof id === 'string' || typeof id === 'number' ? { id } : undefined;
}
