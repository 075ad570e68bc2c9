/**
 * The HTTP framework adapters as the package exports them: small stand-ins that load the
 * adapters' own file (frameworks.ts) when an app first asks for one, so that `require` and
 * `init` in an app that serves no express or fastify routes do not parse them.
 */
import type {
  ExpressErrorHandlerOptions,
  ExpressNext,
  ExpressRequest,
  ExpressRequestHandlerOptions,
} from './express.js';
import type { FastifyInstanceLike, FastifyPluginOptions } from './fastify.js';
import type { NodeResponse } from './http-types.js';
import { loadFrameworks } from './load-frameworks.js';

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
  options?: ExpressRequestHandlerOptions,
): (req: ExpressRequest, res: NodeResponse, next: ExpressNext) => void {
  return loadFrameworks().expressRequestHandler(options);
}

/**
 * Error middleware, after the routes and before the app's own error handlers: reports the
 * error per the status policy (5xx by default, 4xx when listed in `captureStatus` and a route
 * matched, 404 never unless listed), with mechanism `express`, then passes the very same
 * error on with `next(err)`: the response is left to the app.
 */
export function expressErrorHandler(
  options?: ExpressErrorHandlerOptions,
): (error: unknown, req: ExpressRequest, res: NodeResponse, next: ExpressNext) => void {
  return loadFrameworks().expressErrorHandler(options);
}

/**
 * Fastify plugin: each request runs in its own scope with its request context, the route
 * template (`GET /users/:id`) as `transaction`, and the user; errors are reported per the
 * status policy with mechanism `fastify`, and error responses sent without a thrown error are
 * reported too. Replies are never changed. It applies to the whole app, not only to the
 * context it is registered in.
 * @example
 * await app.register(fastifyPlugin);
 */
export const fastifyPlugin = Object.assign(
  function faultline(fastify: FastifyInstanceLike, options: FastifyPluginOptions, done: () => void): void {
    loadFrameworks().fastifyPlugin(fastify, options, done);
  },
  {
    // What `fastify-plugin` sets: the hooks apply to the whole instance, not an encapsulated child.
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: 'faultline',
    [Symbol.for('plugin-meta')]: { name: 'faultline', fastify: '>=4' },
  },
);
