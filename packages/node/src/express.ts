import type { User } from '@faultline/core';
import { requestContext } from './deferred.js';
import {
  captureHttpError,
  type HttpAdapter,
  type HttpRequestState,
  openRequestScope,
  type RequestScope,
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

const STATE = Symbol('faultline.express.state');
const ROUTE = Symbol('faultline.express.route');
const MOUNT = Symbol('faultline.express.mount');
const BASE = Symbol('faultline.express.base');
const TEMPLATES = Symbol('faultline.express.templates');
type Tracked = ExpressRequest & {
  [STATE]?: HttpRequestState<ExpressRequest>;
  /** `req.route` of requests the SDK does not follow (it was off when they started). */
  [ROUTE]?: ExpressRequest['route'];
  /** The mount path of its router then. */
  [MOUNT]?: string | undefined;
  /** `baseUrl` as express sets it, once the SDK follows it. */
  [BASE]?: string | undefined;
  /** Mount paths holding parameters, by the `baseUrl` they gave: `/acme/v1` → `/:tenant/v1`. */
  [TEMPLATES]?: Map<string, string>;
};

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
    trackRoutes(req);
  } catch {
    // Without the accessor the route is read from `req.route` alone.
  }
  try {
    (req as Tracked)[STATE] = state;
    // A response of Node's own server (its socket belongs to a server) is reported from the
    // channel Node publishes when any response finishes; a listener on each response would cost
    // a hello-world request about 4 % of its instructions. Responses made otherwise (adapters that
    // run express without a server, in serverless functions) get the listener.
    if (!servedByNode(res) || !subscribeFinish()) res.on('finish', onFinish);
  } catch {
    // A request that cannot be marked (frozen, a Proxy) is served without the SDK's bookkeeping.
  }
}

function servedByNode(res: NodeResponse): boolean {
  const socket = (res as { socket?: { server?: unknown } | null }).socket;
  return typeof socket?.server === 'object' && socket.server !== null;
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
    const { request, response } = message as { request?: Tracked; response?: NodeResponse };
    const state = request?.[STATE];
    if (state && response) reportHttpStatus(state, response.statusCode);
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
      trackRoutes(req);
      const state = (req as Tracked)[STATE] ?? openRequestScope(adapter, req);
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
    const state = (this.req as Tracked | undefined)?.[STATE];
    if (state) reportHttpStatus(state, this.statusCode);
  } catch {
    // Reporting must never disturb the server.
  }
}

/** The app request prototypes that record route templates. */
const tracking = new WeakSet<object>();

/**
 * Express sets `req.route` when it dispatches to a route, while `req.baseUrl` is the mount path
 * of the router holding it; by the time an error reaches an app-level handler, `baseUrl` has
 * been restored. An accessor on the app's request prototype (`app.request`, express's own
 * extension point, which express makes the prototype of every request) records the full
 * template at that moment. Defined once per app, so requests keep their shape and cost nothing.
 */
function trackRoutes(req: ExpressRequest): void {
  const proto: unknown = Object.getPrototypeOf(req);
  if (typeof proto !== 'object' || proto === null || tracking.has(proto)) return;
  tracking.add(proto);
  // Only an express app's request object (it carries `app`), and only if nothing defines `route` yet.
  if (!Object.hasOwn(proto, 'app') || 'route' in proto) return;
  Object.defineProperty(proto, 'route', {
    configurable: true,
    enumerable: false,
    get(this: Tracked) {
      const state = this[STATE];
      return state ? (state.matchedRoute as ExpressRequest['route']) : this[ROUTE];
    },
    // Runs for every routed request: it only records, the template is built if an event needs it.
    set(this: Tracked, value: ExpressRequest['route']) {
      const state = this[STATE];
      const mount = this[TEMPLATES]?.get(this.baseUrl ?? '') ?? this.baseUrl;
      if (state) {
        state.matchedRoute = value;
        state.mountPath = mount;
      } else {
        this[ROUTE] = value;
        this[MOUNT] = mount;
      }
    },
  });
  if ('baseUrl' in proto) return;
  // A router mounted at a path with parameters (`app.use('/:tenant', router)`) sets `baseUrl` to
  // the values (`/acme`); while it does, `params` holds them, so the mount's template is known
  // then. Requests through mounts without parameters allocate nothing.
  Object.defineProperty(proto, 'baseUrl', {
    configurable: true,
    enumerable: true,
    get(this: Tracked) {
      return this[BASE];
    },
    set(this: Tracked, value: string | undefined) {
      const before = this[BASE] ?? '';
      this[BASE] = value;
      if (typeof value !== 'string' || value.length <= before.length || !value.startsWith(before)) return;
      // Runs inside express's routing: whatever the app put in `params`, nothing may throw here.
      try {
        const known = this[TEMPLATES]?.get(before);
        const params = this.params;
        let named = false;
        for (const _ in params) {
          named = true;
          break;
        }
        // A mount without parameters under one without (`/api`): nothing to record.
        if (known === undefined && !named) return;
        let added = value.slice(before.length);
        if (named)
          added = added.replace(/[^/]+/g, (segment) => {
            for (const key in params) if (params?.[key] === segment) return `:${key}`;
            return segment;
          });
        if (known === undefined && added === value.slice(before.length)) return;
        this[TEMPLATES] ??= new Map();
        this[TEMPLATES].set(value, (known ?? before) + added);
      } catch {
        // The mount path keeps its values.
      }
    },
  });
}

function routeOf(req: ExpressRequest): string | undefined {
  const state = (req as Tracked)[STATE];
  const route = (state?.matchedRoute as ExpressRequest['route']) ?? req.route;
  const base =
    (state?.matchedRoute ? state.mountPath : ((req as Tracked)[MOUNT] ?? mountOf(req, route?.path))) ?? '';
  const path = pathOf(route?.path, () => pathWithin(req, base));
  if (path === undefined) return undefined;
  return joinPath(base, path);
}

/**
 * The mount path of a route read after its router was left, for a request nobody followed (only
 * the error handler is installed): the request's path without as many segments as the route has.
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
