import type { User } from '@faultline/core';
import { requestContext } from './deferred.js';
import {
  captureHttpError,
  type HttpAdapter,
  type HttpRequestState,
  heldState,
  holdState,
  releaseState,
  reportHttpStatus,
  runInRequestScope,
} from './http-scope.js';
import type { NodeRequest, NodeResponse } from './http-types.js';

/** The parts of a fastify (4 or 5) request the SDK reads. */
export interface FastifyRequestLike {
  raw: NodeRequest;
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  protocol?: string | undefined;
  ip?: string | undefined;
  body?: unknown;
  is404?: boolean | undefined;
  routeOptions?: { url?: string | undefined };
  user?: unknown;
  /** The request id fastify gives each request. */
  id?: string | undefined;
  params?: unknown;
  query?: unknown;
}

export interface FastifyReplyLike {
  statusCode: number;
  raw: NodeResponse;
}

type HookDone = (error?: Error) => void;

/** The part of a fastify instance the plugin uses. */
export interface FastifyInstanceLike {
  addHook(
    name: 'onRequest',
    hook: (request: FastifyRequestLike, reply: FastifyReplyLike, done: HookDone) => void,
  ): unknown;
  addHook(
    name: 'onError',
    hook: (request: FastifyRequestLike, reply: FastifyReplyLike, error: Error, done: HookDone) => void,
  ): unknown;
  addHook(
    name: 'onSend',
    hook: (request: FastifyRequestLike, reply: FastifyReplyLike, payload: unknown, done: HookDone) => void,
  ): unknown;
  addHook(
    name: 'onResponse',
    hook: (request: FastifyRequestLike, reply: FastifyReplyLike, done: HookDone) => void,
  ): unknown;
}

export interface FastifyPluginOptions {
  /**
   * Who made the request; called only when an event is built.
   * @default the id of `request.user` (`{ id: request.user.id }`), nothing else
   */
  // A method, so a callback typed with fastify's own `FastifyRequest` fits (methods compare their
  // parameters both ways).
  user?(request: FastifyRequestLike): User | undefined;
  /** Decides whether an error is reported; replaces the status policy (`captureStatus`). */
  shouldHandleError?(error: unknown, status: number, request: FastifyRequestLike): boolean;
}

/** The socket fastify's request came on, where its state is kept (see `holdState`). */
const socketOf = (request: FastifyRequestLike): unknown => request.raw?.socket;
const stateOf = (request: FastifyRequestLike) => heldState(request, socketOf(request));

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
    // Fastify always passes an object; a direct call might not.
    const decide = options?.shouldHandleError;
    const adapter: HttpAdapter<FastifyRequestLike> = {
      method: (request) => request.method,
      route: routeOf,
      request: (request, client) =>
        requestContext(
          {
            raw: request.raw,
            url: request.url,
            protocol: request.protocol,
            body: request.body,
            ip: request.ip,
          },
          client,
        ),
      user: options?.user ?? defaultUser,
    };

    fastify.addHook('onRequest', (request, _reply, next) => {
      let passedOn = false;
      try {
        runInRequestScope(adapter, request, (state) => {
          if (state) mark(request, state);
          passedOn = true;
          // Calling `next` inside the scope makes the rest of the request (hooks, handler) run in it.
          next();
        });
      } catch (error) {
        // After `next` it is the app's own error; before, the SDK's, and the request goes on without it.
        if (passedOn) throw error;
        next();
      }
    });

    // Fastify 5 runs `onError` before the app's error handler, which decides the status (an
    // encapsulated handler may answer 422): the error waits for the reply to be sent.
    fastify.addHook('onError', (request, _reply, error, next) => {
      try {
        const state = stateOf(request);
        // Kept in the request's state, not on the request: a property added to a request
        // gives it a hidden class of its own (see `holdState`).
        if (state && !state.captured) state.pending = { error };
      } catch {
        // Error reporting must never change how fastify answers.
      }
      next();
    });

    /** Captures the error the request failed with, as answered, once. */
    const settle = (request: FastifyRequestLike, reply: FastifyReplyLike) => {
      const state = stateOf(request);
      const pending = state?.pending;
      if (!state || !pending) return;
      state.pending = undefined;
      if (state.captured) return;
      const { error } = pending;
      // As answered: an error the app's handler turned into a success is no failed request.
      const answered = reply.statusCode;
      const status =
        Number.isInteger(answered) && answered >= 200 && answered <= 599
          ? answered
          : errorStatus(error, answered);
      captureHttpError(
        state,
        error,
        status,
        'fastify',
        decide && (() => decide.call(options, error, status, request)),
      );
    };

    fastify.addHook('onSend', (request, reply, _payload, next) => {
      try {
        settle(request, reply);
      } catch {
        // As above.
      }
      next();
    });

    fastify.addHook('onResponse', (request, reply, next) => {
      try {
        // A reply that never went through `onSend` (hijacked): its error is settled here.
        settle(request, reply);
        const state = stateOf(request);
        if (state) {
          releaseState(request, socketOf(request), state);
          reportHttpStatus(state, reply.statusCode);
        }
      } catch {
        // As above.
      }
      next();
    });

    done();
  },
  {
    // What `fastify-plugin` sets: the hooks apply to the whole instance, not an encapsulated child.
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: 'faultline',
    [Symbol.for('plugin-meta')]: { name: 'faultline', fastify: '>=4' },
  },
);

function mark(request: FastifyRequestLike, state: HttpRequestState<FastifyRequestLike>): void {
  try {
    holdState(request, socketOf(request), state);
  } catch {
    // A request that cannot be marked (frozen, a Proxy) is served without the SDK's bookkeeping.
  }
}

/** The route template of a matched route (`/users/:id`); none for fastify's not-found handler. */
function routeOf(request: FastifyRequestLike): string | undefined {
  if (request.is404) return undefined;
  const url = request.routeOptions?.url;
  return typeof url === 'string' && url !== '' ? url : undefined;
}

/** The status the error was answered with; one the reply does not have yet as fastify would set it. */
function errorStatus(error: unknown, replyStatus: number): number {
  if (replyStatus >= 400 && replyStatus <= 599) return replyStatus;
  if (typeof error === 'object' && error !== null) {
    // As fastify's setErrorStatusCode: `statusCode`, then `status`, compared as numbers, so
    // `'404'` answers 404.
    for (const own of [
      (error as { statusCode?: unknown }).statusCode,
      (error as { status?: unknown }).status,
    ]) {
      const code = typeof own === 'number' || typeof own === 'string' ? Number(own) : Number.NaN;
      if (Number.isInteger(code) && code >= 400 && code <= 599) return code;
    }
  }
  return 500;
}

function defaultUser(request: FastifyRequestLike): User | undefined {
  const user = request.user;
  if (typeof user !== 'object' || user === null) return undefined;
  const id = (user as { id?: unknown }).id;
  return typeof id === 'string' || typeof id === 'number' ? { id } : undefined;
}
