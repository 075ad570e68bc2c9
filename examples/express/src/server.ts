import { expressErrorHandler, expressRequestHandler, init } from '@faultline/node';
import express, { type NextFunction, type Request, type Response } from 'express';
import { findUser, loadOrder } from './users.js';

// Reads FAULTLINE_DSN (or SENTRY_DSN); without one the SDK stays off and costs nothing.
init({
  release: 'example-express@0.1.0',
  environment: process.env.FAULTLINE_ENVIRONMENT ?? 'development',
  // 5xx always; 401 and 403 on our own routes tell us about auth bugs. 404s are noise.
  captureStatus: [[500, 599], 401, 403],
});

const app = express();
app.use(expressRequestHandler());
app.use(express.json());

// Who is calling: a real app would verify a session; here a header names the user.
app.use((req: Request & { user?: { id: string } }, _res, next) => {
  const id = req.header('x-user-id');
  if (id) req.user = { id };
  next();
});

app.get('/users/:id', (req, res) => {
  res.json(findUser(req.params.id));
});

app.post('/checkout', (req, res) => {
  res.json({ ok: true, total: req.body.items.length });
});

app.get('/orders/:id', async (req, res) => {
  res.json(await loadOrder(req.params.id));
});

app.get('/admin', (_req, res) => {
  res.status(401).json({ error: 'sign in first' });
});

app.get('/reports', (_req, res) => {
  res.status(403).json({ error: 'not allowed' });
});

app.get('/maintenance', (_req, res) => {
  res.status(503).json({ error: 'down for maintenance' });
});

app.use(expressErrorHandler());
app.use((_err: Error, _req: Request, res: Response, _next: NextFunction) => {
  res.status(500).json({ error: 'internal error' });
});

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : process.env.PORT;
  console.log(`example-express listening on http://127.0.0.1:${port}`);
});
