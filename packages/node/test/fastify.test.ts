import { findSecrets } from '@faultline/core/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../../../test-utils/receiver.js';
import { close, fastifyPlugin, flush, init, type NodeOptions, setUser } from '../src/index.js';
import {
  call,
  eventsParsedBySentry,
  PIPELINED_EXPECTED,
  pipelinedReports,
  SECRETS,
  secretRequest,
  secretValues,
} from './http-helpers.js';

/**
 * The same app with or without the SDK; the routes live in an encapsulated child plugin. The
 * own keys of each request, as the app's last hook sees them, go to `keysSeen`.
 */
async function buildApp(withSdk: boolean, keysSeen?: string[][]): Promise<FastifyInstance> {
  const app = Fastify();
  if (withSdk) await app.register(fastifyPlugin);
  if (keysSeen)
    app.addHook('onResponse', async (request) => {
      keysSeen.push(Reflect.ownKeys(request).map(String));
    });
  app.addHook('onRequest', async (request) => {
    const id = request.headers['x-user-id'];
    if (typeof id === 'string') setUser({ id });
  });
  await app.register(
    async (child) => {
      child.get<{ Params: { id: string } }>('/users/:id', async (request) => {
        await new Promise((resolve) => setImmediate(resolve));
        throw new Error(`user ${request.params.id} lookup failed`);
      });
      child.post('/checkout', async () => {
        throw new Error('checkout failed');
      });
    },
    { prefix: '/api' },
  );
  // The app's own error handler, in an encapsulated child, answers validation errors with a 422
  // and a known outage with a 200 holding a fallback.
  await app.register(
    async (child) => {
      child.setErrorHandler((error: Error, _request, reply) =>
        /fallback/.test(error.message)
          ? reply.code(200).send({ items: [] })
          : reply.code(422).send({ error: 'invalid' }),
      );
      child.post('/submit', async () => {
        throw new Error('field "email" is required');
      });
      child.get('/list', async () => {
        throw new Error('search is down, fallback served');
      });
    },
    { prefix: '/forms' },
  );
  app.get('/maintenance', async (_request, reply) => reply.code(503).send({ error: 'down for maintenance' }));
  app.get('/admin', async (_request, reply) => reply.code(401).send({ error: 'sign in first' }));
  app.get('/secure', async () => {
    throw Object.assign(new Error('token expired'), { statusCode: 401 });
  });
  app.get('/missing', async () => {
    throw Object.assign(new Error('no such thing'), { statusCode: 404 });
  });
  // Fastify compares the code numerically, so a string code sets the status too.
  app.get('/missing-by-string', async () => {
    throw Object.assign(new Error('no such thing either'), { statusCode: '404' });
  });
  app.get('/locked', async () => {
    throw Object.assign(new Error('account locked'), { status: '423' });
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app;
}

function urlOf(app: FastifyInstance): string {
  const address = app.server.address();
  return typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
}

describe('fastify 5', () => {
  let receiver: Receiver;
  let app: FastifyInstance | undefined;
  let url: string;

  async function start(options: NodeOptions = {}): Promise<void> {
    init({
      dsn: receiver.dsn,
      captureUnhandled: false,
      exitFlushTimeoutMs: 0,
      breadcrumbs: { console: false },
      ...options,
    });
    app = await buildApp(true);
    url = urlOf(app);
  }

  beforeEach(async () => {
    receiver = await startReceiver();
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await close(1000);
    await receiver.close();
  });

  it('captures an error thrown in an encapsulated route with its template and user', async () => {
    await start();
    const answer = await call(`${url}/api/users/7?page=2`, { headers: { 'x-user-id': 'u-7' } });
    expect(answer.status).toBe(500);
    await receiver.waitFor(1);
    const [event] = eventsParsedBySentry(receiver.requests);
    expect(event?.transaction).toBe('GET /api/users/:id');
    expect(event?.exception.values.at(-1)).toMatchObject({
      type: 'Error',
      value: 'user 7 lookup failed',
      mechanism: { type: 'fastify', handled: false },
    });
    expect(event?.request).toMatchObject({ method: 'GET', url: `${url}/api/users/7?page=2` });
    expect(event?.user).toEqual({ id: 'u-7' });
  });

  it('reports a 5xx sent without a thrown error as a message naming status and route', async () => {
    await start();
    expect((await call(`${url}/maintenance`)).status).toBe(503);
    await receiver.waitFor(1);
    const [event] = eventsParsedBySentry(receiver.requests);
    expect(event).toMatchObject({
      message: 'HTTP 503 response for GET /maintenance',
      transaction: 'GET /maintenance',
      level: 'error',
    });
  });

  it('reports nothing for 404s and 4xx by default', async () => {
    await start();
    expect((await call(`${url}/nowhere`)).status).toBe(404);
    expect((await call(`${url}/missing`)).status).toBe(404);
    expect((await call(`${url}/missing-by-string`)).status).toBe(404);
    expect((await call(`${url}/locked`)).status).toBe(423);
    expect((await call(`${url}/admin`)).status).toBe(401);
    expect((await call(`${url}/secure`)).status).toBe(401);
    expect(await flush(2000)).toBe(true);
    expect(receiver.events()).toEqual([]);
  });

  it("reports an error as the app's own error handler answered it: nothing for a 422 or a 200", async () => {
    await start();
    expect((await call(`${url}/forms/submit`, { method: 'POST' })).status).toBe(422);
    expect((await call(`${url}/forms/list`)).status).toBe(200);
    expect((await call(`${url}/api/checkout`, { method: 'POST' })).status).toBe(500);
    expect(await flush(2000)).toBe(true);
    const events = receiver.events();
    expect(events.map((e) => e.exception?.values.at(-1)?.value)).toEqual(['checkout failed']);
    expect(events[0]?.exception?.values.at(-1)?.mechanism?.data).toEqual({ status_code: 500 });
  });

  it('reports opted-in 4xx on matched routes, thrown or sent, but never a 404', async () => {
    await start({ captureStatus: [[500, 599], 401] });
    expect((await call(`${url}/secure`)).status).toBe(401);
    expect((await call(`${url}/admin`)).status).toBe(401);
    expect((await call(`${url}/nowhere`)).status).toBe(404);
    await receiver.waitFor(2);
    expect(await flush(2000)).toBe(true);
    const events = eventsParsedBySentry(receiver.requests);
    expect(events).toHaveLength(2);
    expect(events.find((e) => e.exception)?.transaction).toBe('GET /secure');
    expect(events.find((e) => !e.exception)).toMatchObject({
      message: 'HTTP 401 response for GET /admin',
      level: 'warning',
    });
  });

  it('sends none of the secrets a request carries and marks what it filtered', async () => {
    await start({ sendDefaultPii: true });
    const answer = await call(`${url}/api/checkout?token=${SECRETS.token}`, secretRequest());
    expect(answer.status).toBe(500);
    await receiver.waitFor(1);
    expect(await flush(2000)).toBe(true);
    const secrets = secretValues().filter((s) => s !== SECRETS.email);
    for (const request of receiver.requests) expect(findSecrets(request.body, secrets)).toEqual([]);
    const [event] = eventsParsedBySentry(receiver.requests);
    expect(event?.transaction).toBe('POST /api/checkout');
    expect(event?.request.headers).toMatchObject({
      authorization: '[Filtered]',
      cookie: '[Filtered]',
      'x-api-key': '[Filtered]',
    });
    expect(event?.request.url).toContain('token=[Filtered]');
    expect(event?.request.data).toMatchObject({ password: '[Filtered]', payment: { card: '[Filtered]' } });
  });

  it('keeps pipelined requests of one connection apart: each report carries its own request', async () => {
    await start();
    const second = Fastify();
    await second.register(fastifyPlugin);
    second.get('/slow-unavailable', async (_request, reply) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return reply.code(503).send({ error: 'down' });
    });
    second.get('/slow-failure', async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      throw new Error('slow failure');
    });
    second.get('/fine', async () => 'fine');
    await second.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { statuses, events, reported } = await pipelinedReports(urlOf(second), receiver);
      expect({ statuses, reported }).toEqual(PIPELINED_EXPECTED);
      expect(events).toHaveLength(2);
    } finally {
      await second.close();
    }
  });

  it("adds nothing to the app's request objects, also when a request fails", async () => {
    init({
      dsn: receiver.dsn,
      captureUnhandled: false,
      exitFlushTimeoutMs: 0,
      breadcrumbs: { console: false },
    });
    const withSdk: string[][] = [];
    const without: string[][] = [];
    app = await buildApp(true, withSdk);
    const bare = await buildApp(false, without);
    try {
      for (const path of ['/api/checkout', '/forms/submit', '/maintenance', '/nowhere']) {
        await call(`${urlOf(app)}${path}`, {
          method: path === '/maintenance' || path === '/nowhere' ? 'GET' : 'POST',
        });
        await call(`${urlOf(bare)}${path}`, {
          method: path === '/maintenance' || path === '/nowhere' ? 'GET' : 'POST',
        });
      }
      await receiver.waitFor(2);
      expect(withSdk).toHaveLength(4);
      expect(withSdk).toEqual(without);
    } finally {
      await bare.close();
    }
  });

  it('answers exactly as the same app without the SDK', async () => {
    await start({ captureStatus: [[500, 599], 401, 404] });
    const bare = await buildApp(false);
    try {
      const paths: Array<[string, RequestInit?]> = [
        ['/api/users/1'],
        ['/maintenance'],
        ['/admin'],
        ['/secure'],
        ['/missing'],
        ['/nowhere'],
        ['/api/checkout?token=x', secretRequest()],
      ];
      for (const [path, requestInit] of paths) {
        const withSdk = await call(`${url}${path}`, requestInit);
        const without = await call(`${urlOf(bare)}${path}`, requestInit);
        expect(withSdk, path).toEqual(without);
      }
    } finally {
      await bare.close();
    }
  });
});
