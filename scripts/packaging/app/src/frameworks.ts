// The middleware options typed with the frameworks' own request types, as apps write them.

import { expressErrorHandler, expressRequestHandler, fastifyPlugin } from '@faultline/node';
import type { Request } from 'express';
import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'express-serve-static-core' {
  interface Request {
    session: { accountId: string };
  }
}

export const handlers = [
  expressRequestHandler({ user: (req: Request) => ({ id: req.session.accountId }) }),
  expressRequestHandler({ user: (req) => ({ id: String(req.headers['x-user-id']) }) }),
  expressErrorHandler({ shouldHandleError: (_error, status) => status >= 500 }),
  expressErrorHandler({
    shouldHandleError: (_error: unknown, status: number, req: Request) => status >= 500 || !!req.session,
  }),
];

export async function register(app: FastifyInstance): Promise<void> {
  await app.register(fastifyPlugin, {
    user: (request: FastifyRequest) => ({ id: String(request.headers['x-user-id']) }),
  });
  await app.register(fastifyPlugin, { user: (request) => ({ id: request.ip ?? 'anonymous' }) });
  await app.register(fastifyPlugin, { user: (request) => ({ id: request.id ?? 'anonymous' }) });
  await app.register(fastifyPlugin, {
    shouldHandleError: (_error: unknown, status: number, request: FastifyRequest) =>
      status >= 500 && request.url !== '/health',
  });
}
