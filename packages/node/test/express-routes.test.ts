import type { Server } from 'node:http';
import { createTestTransport } from '@faultline/core/testing';
import express5 from 'express';
import express4 from 'express4';
import { afterEach, describe, expect, it } from 'vitest';
import { close, expressErrorHandler, expressRequestHandler, init } from '../src/index.js';

let server: Server | undefined;
afterEach(async () => {
  await close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** Ends an app with the SDK's error handler and a plain 500, listens, and gives its base URL. */
async function endAndListen(app: ReturnType<typeof express5>): Promise<string> {
  app.use(expressErrorHandler());
  app.use((_error: unknown, _req: unknown, res: { status(code: number): { end(): void } }, _next: unknown) =>
    res.status(500).end(),
  );
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

describe.each([
  ['express 5', express5],
  ['express 4', express4 as unknown as typeof express5],
])('%s: a route given several paths', (_name, express) => {
  it('names the path the request matched, not all of them', async () => {
    const transport = createTestTransport();
    init({ dsn: 'https://public@example.invalid/1', transport: () => transport });
    const app = express();
    app.use(expressRequestHandler());
    const api = express.Router();
    api.get(['/a/:x', '/b/:y'], (req) => {
      throw new Error(`failed at ${req.path}`);
    });
    app.use('/api', api);
    const base = await endAndListen(app);
    for (const path of ['/api/b/2', '/api/a/1?q=1']) {
      expect((await fetch(`${base}${path}`)).status).toBe(500);
    }
    expect(transport.events().map((e) => e.transaction)).toEqual(['GET /api/b/:y', 'GET /api/a/:x']);
  });
});

describe.each([
  ['express 5', express5],
  ['express 4', express4 as unknown as typeof express5],
])('%s: an app mounted at a path with parameters', (_name, express) => {
  it('names the mount by its template, so one route is one transaction whatever the values', async () => {
    const transport = createTestTransport();
    init({ dsn: 'https://public@example.invalid/1', transport: () => transport });
    const app = express();
    app.use(expressRequestHandler());
    const orders = express();
    orders.get('/orders/:id', (req) => {
      throw new Error(`order ${req.params.id} failed`);
    });
    orders.get('/gone', (_req, res) => {
      res.status(503).end();
    });
    const reports = express();
    reports.get('/daily/:day', () => {
      throw new Error('report failed');
    });
    orders.use('/reports/:format', reports);
    // An app at the root and a router before it: neither holds the routes, the mounted app does.
    app.use(express());
    app.use('/health', express.Router());
    app.use('/api/:tenant', orders);
    const base = await endAndListen(app);
    for (const path of ['/api/acme/orders/7', '/api/globex/orders/8?x=1', '/api/acme/reports/csv/daily/3']) {
      expect((await fetch(`${base}${path}`)).status).toBe(500);
    }
    expect((await fetch(`${base}/api/initech/gone`)).status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(transport.events().map((e) => e.transaction)).toEqual([
      'GET /api/:tenant/orders/:id',
      'GET /api/:tenant/orders/:id',
      // The mounted app's own mounts are hidden from the app's routers: named as requested.
      'GET /api/:tenant/reports/csv/daily/:day',
      'GET /api/:tenant/gone',
    ]);
    expect(transport.events()[0]?.request?.url).toMatch(/\/api\/acme\/orders\/7$/);
  });
});
