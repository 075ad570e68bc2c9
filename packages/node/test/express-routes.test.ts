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
    app.use(expressErrorHandler());
    app.use(
      (_error: unknown, _req: unknown, res: { status(code: number): { end(): void } }, _next: unknown) =>
        res.status(500).end(),
    );
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    for (const path of ['/api/b/2', '/api/a/1?q=1']) {
      expect((await fetch(`http://127.0.0.1:${port}${path}`)).status).toBe(500);
    }
    expect(transport.events().map((e) => e.transaction)).toEqual(['GET /api/b/:y', 'GET /api/a/:x']);
  });
});
