import * as diagnostics from 'node:diagnostics_channel';
import { IncomingMessage, type Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { findSecrets } from '@faultline/core/testing';
import express5 from 'express';
import express4 from 'express4';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../../../test-utils/receiver.js';
import {
  close,
  expressErrorHandler,
  expressRequestHandler,
  flush,
  init,
  type NodeOptions,
  setContext,
  setTag,
  setUser,
  withIsolatedScope,
} from '../src/index.js';
import {
  type Answer,
  bodyText,
  call,
  droppedPerReports,
  eventsParsedBySentry,
  PIPELINED_EXPECTED,
  pipelinedReports,
  SECRETS,
  secretRequest,
  secretValues,
  serve,
} from './http-helpers.js';

type ExpressModule = typeof express5;

/** The same app for express 4 and 5, with or without the SDK; routes cover the status policy. */
function buildApp(express: ExpressModule, withSdk: boolean) {
  const app = express();
  if (withSdk) app.use(expressRequestHandler());
  app.use(express.json());
  app.use((req, _res, next) => {
    (req as { user?: unknown }).user = { id: 'u-42', email: SECRETS.email, name: 'Ada' };
    next();
  });
  const api = express.Router();
  api.get('/users/:id', (req) => {
    throw new Error(`user ${req.params.id} lookup failed`);
  });
  app.use('/api', api);
  app.post('/checkout', () => {
    throw new Error('checkout failed');
  });
  app.get('/orders/:id', (req, _res, next) => {
    // Express 5 forwards rejections itself; express 4 needs `next`.
    const work = async () => {
      await new Promise((resolve) => setImmediate(resolve));
      throw new TypeError(`order ${req.params.id} has no lines`);
    };
    if (express === express5) return work() as unknown as undefined;
    work().catch(next);
  });
  app.get('/maintenance', (_req, res) => {
    res.status(503).json({ error: 'down for maintenance' });
  });
  app.get('/admin', (_req, res) => {
    res.status(401).json({ error: 'sign in first' });
  });
  app.get('/secure', () => {
    throw Object.assign(new Error('token expired'), { status: 401 });
  });
  app.get('/items/:id', (req) => {
    // What the app sets on the request's scope goes on its events, with the request's own context.
    setTag('item', req.params.id);
    setUser({ id: `buyer-${req.params.id}` });
    const note = withIsolatedScope((scope) => scope.getData().transaction);
    throw new Error(`item ${req.params.id} is gone (${note})`);
  });
  app.get('/upstream', () => {
    // The app's own response context wins over the one the SDK fills in.
    setContext('response', { status_code: 502, body_size: 12 });
    throw new Error('upstream answered garbage');
  });
  app.get('/missing', () => {
    throw Object.assign(new Error('no such thing'), { status: 404 });
  });
  if (withSdk) app.use(expressErrorHandler());
  app.use(
    (
      err: Error & { status?: number },
      _req: express5.Request,
      res: express5.Response,
      _next: express5.NextFunction,
    ) => {
      res.status(err.status ?? 500).json({ error: err.message });
    },
  );
  return app;
}

function startApp(express: ExpressModule, withSdk: boolean) {
  const app = buildApp(express, withSdk);
  return serve((port, host, ready) => app.listen(port, host, ready) as Server);
}

describe.each([
  ['express 4', express4 as unknown as ExpressModule],
  ['express 5', express5],
])('%s', (_name, express) => {
  let receiver: Receiver;
  let app: { url: string; close: () => Promise<void> };

  async function start(options: NodeOptions = {}): Promise<void> {
    init({
      dsn: receiver.dsn,
      captureUnhandled: false,
      exitFlushTimeoutMs: 0,
      breadcrumbs: { console: false },
      ...options,
    });
    app = await startApp(express, true);
  }

  beforeEach(async () => {
    receiver = await startReceiver();
  });

  afterEach(async () => {
    await app?.close();
    await close(1000);
    await receiver.close();
  });

  it('captures a thrown error with the route template as transaction and passes it on', async () => {
    await start();
    const answer = await call(`${app.url}/api/users/7?page=2`);
    expect(answer).toMatchObject({ status: 500, body: '{"error":"user 7 lookup failed"}' });
    await receiver.waitFor(1);
    const [event] = eventsParsedBySentry(receiver.requests);
    expect(event?.transaction).toBe('GET /api/users/:id');
    const exception = event?.exception.values.at(-1);
    expect(exception).toMatchObject({
      type: 'Error',
      value: 'user 7 lookup failed',
      mechanism: { type: 'express', handled: false },
    });
    expect(event?.request).toMatchObject({ method: 'GET', url: `${app.url}/api/users/7?page=2` });
    expect(event?.user).toEqual({ id: 'u-42' });
    expect(event?.contexts?.response).toEqual({ status_code: 500 });
  });

  it('reports errors with only the error handler installed, reading the request when it fails', async () => {
    init({
      dsn: receiver.dsn,
      captureUnhandled: false,
      exitFlushTimeoutMs: 0,
      breadcrumbs: { console: false },
    });
    const bare = express();
    const users = express.Router();
    users.get('/users/:id', (req) => {
      throw new Error(`user ${req.params.id} lookup failed`);
    });
    bare.use('/api', users);
    bare.use(expressErrorHandler());
    app = await serve((port, host, ready) => bare.listen(port, host, ready) as Server);
    const answer = await call(`${app.url}/api/users/7?page=2`);
    expect(answer.status).toBe(500);
    // The first request is read when it fails; the ones after it are followed from then on.
    expect((await call(`${app.url}/api/users/8`)).status).toBe(500);
    await receiver.waitFor(2);
    const events = eventsParsedBySentry(receiver.requests);
    const event = events.find((e) => e.exception.values.at(-1)?.value === 'user 7 lookup failed');
    const second = events.find((e) => e.exception.values.at(-1)?.value === 'user 8 lookup failed');
    expect(second?.transaction).toBe('GET /api/users/:id');
    expect(event?.exception.values.at(-1)).toMatchObject({
      value: 'user 7 lookup failed',
      mechanism: { type: 'express', handled: false },
    });
    expect(event?.transaction).toBe('GET /api/users/:id');
    expect(event?.request).toMatchObject({ method: 'GET', url: `${app.url}/api/users/7?page=2` });
  });

  it('names a route under a mount path with parameters by its template, not by the values', async () => {
    init({
      dsn: receiver.dsn,
      captureUnhandled: false,
      exitFlushTimeoutMs: 0,
      breadcrumbs: { console: false },
    });
    const tenants = express();
    tenants.use(expressRequestHandler());
    const v1 = express.Router();
    v1.get('/orders/:orderId', (req) => {
      throw new Error(`order ${req.params.orderId} failed`);
    });
    v1.get('/health', (_req, res) => {
      res.status(503).end();
    });
    const api = express.Router();
    api.use('/:tenant/v1', v1);
    tenants.use('/api', api);
    tenants.use(expressErrorHandler());
    app = await serve((port, host, ready) => tenants.listen(port, host, ready) as Server);
    for (const [i, tenant] of ['acme', 'globex', 'initech'].entries())
      await call(`${app.url}/api/${tenant}/v1/orders/${i}`);
    await call(`${app.url}/api/acme/v1/health`);
    await receiver.waitFor(4);
    const events = eventsParsedBySentry(receiver.requests);
    const named = (n: number) =>
      events.find((e) => e.exception?.values.at(-1)?.value === `order ${n} failed`)?.transaction;
    expect([named(0), named(1), named(2)]).toEqual([
      'GET /api/:tenant/v1/orders/:orderId',
      'GET /api/:tenant/v1/orders/:orderId',
      'GET /api/:tenant/v1/orders/:orderId',
    ]);
    // A status sent without a thrown error is named the same way, from inside the router.
    expect(events.find((e) => !e.exception)?.transaction).toBe('GET /api/:tenant/v1/health');
  });

  it("keeps the app's own response context on the event", async () => {
    await start();
    expect((await call(`${app.url}/upstream`)).status).toBe(500);
    await receiver.waitFor(1);
    const [event] = eventsParsedBySentry(receiver.requests);
    expect(event?.exception.values.at(-1)?.value).toBe('upstream answered garbage');
    expect(event?.contexts?.response).toEqual({ status_code: 502, body_size: 12 });
  });

  it('captures async failures forwarded to the error handler', async () => {
    await start();
    expect((await call(`${app.url}/orders/9`)).status).toBe(500);
    await receiver.waitFor(1);
    const [event] = eventsParsedBySentry(receiver.requests);
    expect(event?.transaction).toBe('GET /orders/:id');
    expect(event?.exception.values.at(-1)).toMatchObject({
      type: 'TypeError',
      value: 'order 9 has no lines',
    });
  });

  it('reports a 5xx sent without a thrown error as a message naming status and route', async () => {
    await start();
    expect((await call(`${app.url}/maintenance`)).status).toBe(503);
    await receiver.waitFor(1);
    const [event] = eventsParsedBySentry(receiver.requests);
    expect(event?.message).toBe('HTTP 503 response for GET /maintenance');
    expect(event?.transaction).toBe('GET /maintenance');
    expect(event?.exception).toBeUndefined();
    expect(event?.request?.url).toBe(`${app.url}/maintenance`);
    expect(event?.contexts?.response).toEqual({ status_code: 503 });
  });

  it('reports nothing for 404s and 4xx by default', async () => {
    await start();
    expect((await call(`${app.url}/nowhere`)).status).toBe(404);
    expect((await call(`${app.url}/missing`)).status).toBe(404);
    expect((await call(`${app.url}/admin`)).status).toBe(401);
    expect((await call(`${app.url}/secure`)).status).toBe(401);
    expect(await flush(2000)).toBe(true);
    expect(receiver.events()).toEqual([]);
  });

  it('reports opted-in 4xx on matched routes, thrown or sent, but never a 404', async () => {
    await start({ captureStatus: [[500, 599], 401] });
    expect((await call(`${app.url}/secure`)).status).toBe(401);
    expect((await call(`${app.url}/admin`)).status).toBe(401);
    expect((await call(`${app.url}/missing`)).status).toBe(404);
    await receiver.waitFor(2);
    expect(await flush(2000)).toBe(true);
    const events = eventsParsedBySentry(receiver.requests);
    expect(events).toHaveLength(2);
    const thrown = events.find((e) => e.exception);
    const sent = events.find((e) => !e.exception);
    expect(thrown?.transaction).toBe('GET /secure');
    expect(thrown?.exception.values.at(-1).value).toBe('token expired');
    expect(sent).toMatchObject({ message: 'HTTP 401 response for GET /admin', level: 'warning' });
  });

  it('sends none of the secrets a request carries and marks what it filtered', async () => {
    await start();
    const answer = await call(`${app.url}/checkout?token=${SECRETS.token}&ref=mail`, secretRequest());
    expect(answer.status).toBe(500);
    await receiver.waitFor(1);
    expect(await flush(2000)).toBe(true);
    for (const request of receiver.requests) expect(findSecrets(request.body, secretValues())).toEqual([]);
    const [event] = eventsParsedBySentry(receiver.requests);
    expect(event?.transaction).toBe('POST /checkout');
    expect(event?.request.headers).toMatchObject({ authorization: '[Filtered]', 'x-api-key': '[Filtered]' });
    expect(event?.request.headers.cookie).toBe('[Filtered]');
    expect(event?.request.url).toContain('token=[Filtered]');
    expect(event?.request.url).toContain('ref=mail');
    // Bodies are personal data: without sendDefaultPii there is none.
    expect(event?.request.data).toBeUndefined();
  });

  it('with sendDefaultPii sends the scrubbed body and still no secret', async () => {
    await start({ sendDefaultPii: true });
    await call(`${app.url}/checkout?token=${SECRETS.token}`, secretRequest());
    await receiver.waitFor(1);
    expect(await flush(2000)).toBe(true);
    // The e-mail address is personal data the app opted into; every credential stays out.
    const secrets = secretValues().filter((s) => s !== SECRETS.email);
    for (const request of receiver.requests) expect(findSecrets(request.body, secrets)).toEqual([]);
    const [event] = eventsParsedBySentry(receiver.requests);
    expect(event?.request.data).toMatchObject({
      password: '[Filtered]',
      payment: { card: '[Filtered]' },
      aws: { accessKeyId: '[Filtered]' },
      items: ['tea', 'mug'],
    });
    expect(event?.request.data.note).toBe('token for later: [Filtered]');
    expect(event?.request.env).toEqual({ REMOTE_ADDR: '127.0.0.1' });
    expect(bodyText(receiver.requests[0]!)).toContain('[Filtered]');
  });

  it('keeps concurrent requests apart and takes the user from the hook option', async () => {
    init({
      dsn: receiver.dsn,
      captureUnhandled: false,
      exitFlushTimeoutMs: 0,
      breadcrumbs: { console: false },
      // This test is about scope isolation: room for every event of the burst in the queue,
      // and no storm guard (40 events of one issue at once would otherwise be mostly counted).
      transportOptions: { maxQueueSize: 100 },
      stormGuard: false,
    });
    const concurrent = express();
    concurrent.use(expressRequestHandler({ user: (req) => ({ id: String(req.headers['x-user']) }) }));
    concurrent.get('/jobs/:id', (req, _res, next) => {
      // Interleave the requests: each resumes after the others have started.
      setTimeout(() => next(new Error(`job ${req.params.id} failed`)), 5 + (Number(req.params.id) % 7));
    });
    concurrent.use(expressErrorHandler());
    concurrent.use(
      (_err: Error, _req: express5.Request, res: express5.Response, _next: express5.NextFunction) => {
        res.status(500).end();
      },
    );
    app = await serve((port, host, ready) => concurrent.listen(port, host, ready) as Server);
    const ids = Array.from({ length: 40 }, (_, i) => i);
    await Promise.all(
      ids.map((id) => call(`${app.url}/jobs/${id}`, { headers: { 'x-user': `user-${id}` } })),
    );
    await receiver.waitFor((requests) => eventsParsedBySentry(requests).length >= ids.length);
    const events = eventsParsedBySentry(receiver.requests);
    expect(events).toHaveLength(ids.length);
    for (const event of events) {
      const id = /job (\d+) failed/.exec(event.exception.values.at(-1).value)?.[1];
      expect(event.user).toEqual({ id: `user-${id}` });
      expect(event.request.url).toBe(`${app.url}/jobs/${id}`);
      expect(event.transaction).toBe('GET /jobs/:id');
    }
  });

  it('a user or shouldHandleError hook that throws or returns garbage never costs the error', async () => {
    init({
      dsn: receiver.dsn,
      captureUnhandled: false,
      exitFlushTimeoutMs: 0,
      breadcrumbs: { console: false },
    });
    const unreadable = new Proxy(
      {},
      {
        get() {
          throw new Error('user trap');
        },
        ownKeys() {
          throw new Error('user trap');
        },
      },
    );
    const users: Array<() => unknown> = [
      () => unreadable,
      () => 'bob',
      () => {
        throw new Error('user hook bug');
      },
    ];
    const broken = express();
    broken.use((req, res, next) => {
      const pick = users[Number(req.query.user)] as () => never;
      expressRequestHandler({ user: pick })(req, res, next);
    });
    broken.get('/fail/:n', (req) => {
      throw new Error(`failure ${req.params.n}`);
    });
    broken.use(
      expressErrorHandler({
        shouldHandleError: () => {
          throw new Error('decide bug');
        },
      }),
    );
    app = await serve((port, host, ready) => broken.listen(port, host, ready) as Server);
    for (const n of [0, 1, 2]) expect((await call(`${app.url}/fail/${n}?user=${n}`)).status).toBe(500);
    expect(await flush(2000)).toBe(true);
    const events = eventsParsedBySentry(receiver.requests);
    expect(events.map((e) => e.exception?.values.at(-1).value).sort()).toEqual([
      'failure 0',
      'failure 1',
      'failure 2',
    ]);
    for (const event of events) expect(event.user).toBeUndefined();
  });

  it('after an error storm, each request still gets its own scope: route, request, user, tags', async () => {
    await start();
    // The storm: one error over and over, most of it only counted by the storm guard.
    for (let round = 0; round < 10; round++)
      await Promise.all(Array.from({ length: 20 }, () => call(`${app.url}/checkout`, { method: 'POST' })));
    const answers = await Promise.all([1, 2, 3, 4, 5].map((id) => call(`${app.url}/items/${id}?from=list`)));
    expect(answers.map((answer) => answer.status)).toEqual([500, 500, 500, 500, 500]);
    const items = () =>
      eventsParsedBySentry(receiver.requests).filter((event) => event.transaction === 'GET /items/:id');
    await receiver.waitFor(() => items().length === 5);
    const stormed = eventsParsedBySentry(receiver.requests).filter(
      (event) => event.transaction === 'POST /checkout',
    );
    expect(stormed.length).toBeGreaterThan(0);
    for (const event of items()) {
      const id = event.tags?.item;
      expect(event.exception.values.at(-1).value).toBe(`item ${id} is gone (GET /items/:id)`);
      expect(event.user).toEqual({ id: `buyer-${id}` });
      expect(event.request).toMatchObject({ method: 'GET', url: `${app.url}/items/${id}?from=list` });
      expect(event.contexts?.response).toEqual({ status_code: 500 });
    }
    expect(
      items()
        .map((event) => event.tags?.item)
        .sort(),
    ).toEqual(['1', '2', '3', '4', '5']);
  });

  it('a 5xx sent over and over without a thrown error is counted, not built each time, and the count arrives', async () => {
    await start();
    for (let round = 0; round < 15; round++)
      await Promise.all(Array.from({ length: 20 }, () => call(`${app.url}/maintenance`)));
    await flush(2000);
    await close(2000);
    const dropped = (reason: string) => droppedPerReports(receiver.requests, reason);
    const sent = eventsParsedBySentry(receiver.requests).filter(
      (event) => event.message === 'HTTP 503 response for GET /maintenance',
    );
    expect(sent.length).toBeGreaterThan(0);
    // Past the burst, the storm guard counts instead of building (backpressure); what it
    // let through and the duplicate filter dropped is counted too: all 300 are accounted for.
    expect(dropped('backpressure')).toBeGreaterThanOrEqual(200);
    expect(sent.length + dropped('backpressure') + dropped('event_processor')).toBe(300);
  });

  it("subscribes to Node's response channel at the first request and unsubscribes at close", async () => {
    const finished = diagnostics.channel('http.server.response.finish');
    await start();
    expect((await call(`${app.url}/maintenance`)).status).toBe(503);
    expect(finished.hasSubscribers).toBe(true);
    await close(1000);
    expect(finished.hasSubscribers).toBe(false);
  });

  it('an error passed on from a callback that lost the request context still carries the request', async () => {
    await start();
    // A pool that runs callbacks from its own timer, started outside any request, as some
    // database drivers do: the request's async context is lost on the way back.
    const queue: Array<() => void> = [];
    const pool = setInterval(() => {
      for (const callback of queue.splice(0)) callback();
    }, 5);
    const second = express();
    second.use(expressRequestHandler());
    second.get('/accounts/:id', (req, _res, next) => {
      queue.push(() => next(new Error(`account ${req.params.id} query failed`)));
    });
    second.use(expressErrorHandler());
    second.use((err: Error, _req: express5.Request, res: express5.Response, _next: express5.NextFunction) => {
      res.status(500).json({ error: err.message });
    });
    const served = await serve((port, host, ready) => second.listen(port, host, ready) as Server);
    try {
      expect((await call(`${served.url}/accounts/12?tab=billing`)).status).toBe(500);
      await receiver.waitFor(1);
      const [event] = eventsParsedBySentry(receiver.requests);
      expect(event?.exception.values.at(-1).value).toBe('account 12 query failed');
      expect(event?.transaction).toBe('GET /accounts/:id');
      expect(event?.request).toMatchObject({ method: 'GET', url: `${served.url}/accounts/12?tab=billing` });
      expect(event?.contexts?.response).toEqual({ status_code: 500 });
    } finally {
      clearInterval(pool);
      await served.close();
    }
  });

  it('keeps pipelined requests of one connection apart: each report carries its own request', async () => {
    await start();
    const slow = express();
    slow.use(expressRequestHandler());
    slow.get('/slow-unavailable', (_req, res) => {
      setTimeout(() => res.status(503).end(), 30);
    });
    slow.get('/slow-failure', (_req, _res, next) => {
      setTimeout(() => next(new Error('slow failure')), 30);
    });
    slow.get('/fine', (_req, res) => {
      res.send('fine');
    });
    slow.use(expressErrorHandler());
    const served = await serve((port, host, ready) => slow.listen(port, host, ready) as Server);
    try {
      const { statuses, events, reported } = await pipelinedReports(served.url, receiver);
      expect({ statuses, reported }).toEqual(PIPELINED_EXPECTED);
      expect(events).toHaveLength(2);
    } finally {
      await served.close();
    }
  });

  it('reports a 5xx sent without a thrown error also when no server answers (a serverless adapter)', async () => {
    await start();
    // What adapters that run express inside a function do: a request and response of Node's
    // classes over a stand-in socket that drops the bytes; no server, no connection.
    const socket = Object.assign(new Duplex({ read() {}, write: (_chunk, _encoding, done) => done() }), {
      remoteAddress: '127.0.0.1',
    });
    const req = new IncomingMessage(socket as unknown as Socket);
    Object.assign(req, { method: 'GET', url: '/maintenance', headers: { host: 'fn.example' } });
    const res = new ServerResponse(req);
    res.assignSocket(socket as unknown as Socket);
    const finished = new Promise((resolve) => res.on('finish', resolve));
    buildApp(express, true)(req as never, res as never);
    await finished;
    expect(res.statusCode).toBe(503);
    await receiver.waitFor(1);
    const [event] = eventsParsedBySentry(receiver.requests);
    expect(event?.message).toBe('HTTP 503 response for GET /maintenance');
    expect(event?.request?.url).toBe('http://fn.example/maintenance');
  });

  it('answers exactly as the same app without the SDK', async () => {
    await start({ captureStatus: [[500, 599], 401, 404] });
    const bare = await startApp(express, false);
    try {
      const paths: Array<[string, RequestInit?]> = [
        ['/api/users/1'],
        ['/orders/3'],
        ['/maintenance'],
        ['/admin'],
        ['/secure'],
        ['/missing'],
        ['/nowhere'],
        ['/checkout?token=x', secretRequest()],
      ];
      for (const [path, init] of paths) {
        const withSdk: Answer = await call(`${app.url}${path}`, init);
        const without: Answer = await call(`${bare.url}${path}`, init);
        expect(withSdk, path).toEqual(without);
      }
    } finally {
      await bare.close();
    }
  });
});
