import type { IncomingMessage, ServerResponse } from 'node:http';
import type { User } from '@faultline/core';
import {
  captureHttpError,
  type HttpRequestState,
  reportHttpStatus,
  runInRequestScope,
} from './http-scope.js';
import { requestContext } from './request-context.js';

/** The parts of an express (4 or 5) request the SDK reads. */
export interface ExpressRequest extends IncomingMessage {
  originalUrl?: string | undefined;
  baseUrl?: string | undefined;
  route?: { path?: unknown } | undefined;
  protocol?: string | undefined;
  ip?: string | undefined;
  body?: unknown;
  user?: unknown;
}

export type ExpressNext = (error?: unknown) => void;

export interface ExpressRequestHandlerOptions {
  /**
   * Who made the request. Called only when an event is built, after the app's own middleware
   * has authenticated the request. Return `undefined` for no user.
   * @default the id of `req.user` (`{ id: req.user.id }`), nothing else
   * @example user: (req) => ({ id: req.session.accountId })
   */
  user?: (req: ExpressRequest) => User | undefined;
}

const STATE = Symbol.for('faultline.express.state');
type WithState = ExpressRequest & { [STATE]?: HttpRequestState; [ROUTE]?: string };
const ROUTE = Symbol.for('faultline.express.route');

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
): (req: ExpressRequest, res: ServerResponse, next: ExpressNext) => void {
  const userOf = options.user ?? defaultUser;
  return function faultlineRequestHandler(req, res, next) {
    const request = req as WithState;
    try {
      trackRoute(request);
    } catch {
      // A frozen or exotic request object: the route is then read from `req.route` only.
    }
    runInRequestScope(
      {
        method: req.method,
        route: () => routeOf(request),
        request: (client) =>
          requestContext(
            { raw: req, url: req.originalUrl, protocol: req.protocol, body: req.body, ip: req.ip },
            client,
          ),
        user: () => userOf(req),
      },
      (state) => {
        if (state) {
          request[STATE] = state;
          res.once('finish', () => {
            try {
              reportHttpStatus(state, res.statusCode);
            } catch {
              // Reporting must never disturb the server.
            }
          });
        }
        next();
      },
    );
  };
}

export interface ExpressErrorHandlerOptions {
  /**
   * Decides whether an error is reported; replaces the status policy (`captureStatus`).
   * @example shouldHandleError: (error, status) => status >= 500 || status === 401
   */
  shouldHandleError?: (error: unknown, status: number, req: ExpressRequest) => boolean;
}

/**
 * Error middleware, after the routes and before the app's own error handlers: reports the
 * error per the status policy (5xx by default, 4xx when listed in `captureStatus` and a route
 * matched, 404 never unless listed), with mechanism `express`, then passes the very same
 * error on with `next(err)`: the response is left to the app.
 */
export function expressErrorHandler(
  options: ExpressErrorHandlerOptions = {},
): (error: unknown, req: ExpressRequest, res: ServerResponse, next: ExpressNext) => void {
  return function faultlineErrorHandler(error, req, res, next) {
    try {
      const state = (req as WithState)[STATE];
      if (state && !state.captured) {
        const decide = options.shouldHandleError;
        const status = errorStatus(error, res);
        captureHttpError(state, error, status, 'express', decide && (() => decide(error, status, req)));
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
function errorStatus(error: unknown, res: ServerResponse): number {
  if (typeof error === 'object' && error !== null) {
    const own = (error as { status?: unknown }).status ?? (error as { statusCode?: unknown }).statusCode;
    if (typeof own === 'number' && own >= 400 && own <= 599) return own;
  }
  const current = res.statusCode;
  return current >= 400 && current <= 599 ? current : 500;
}

/**
 * Express sets `req.route` when it dispatches to a route, while `req.baseUrl` is the mount path
 * of the router holding it; by the time an error reaches an app-level handler, `baseUrl` has
 * been restored. An accessor records the full template at that moment.
 */
function trackRoute(req: WithState): void {
  let route = req.route;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set(value: ExpressRequest['route']) {
      route = value;
      const path = pathOf(value?.path);
      if (path !== undefined) req[ROUTE] = joinPath(req.baseUrl ?? '', path);
    },
  });
}

function routeOf(req: WithState): string | undefined {
  const recorded = req[ROUTE];
  if (recorded !== undefined) return recorded;
  const path = pathOf(req.route?.path);
  return path === undefined ? undefined : joinPath(req.baseUrl ?? '', path);
}

function pathOf(path: unknown): string | undefined {
  if (typeof path === 'string') return path;
  if (path instanceof RegExp) return String(path);
  if (Array.isArray(path)) return path.map(String).join(',');
  return undefined;
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
