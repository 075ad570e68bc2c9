import { fastifyPlugin, init, setUser } from '@faultline/node';
import Fastify from 'fastify';
import { priceOf, reserveStock } from './catalog.js';

init({
  release: 'example-fastify@0.1.0',
  environment: process.env.FAULTLINE_ENVIRONMENT ?? 'development',
  captureStatus: [[500, 599], 401, 403],
});

const app = Fastify();
await app.register(fastifyPlugin);

app.addHook('onRequest', async (request) => {
  const id = request.headers['x-user-id'];
  if (typeof id === 'string') setUser({ id });
});

app.get<{ Params: { sku: string } }>('/products/:sku/price', async (request) => ({
  price: priceOf(request.params.sku),
}));

app.post<{ Body: { sku: string; quantity: number } }>('/reservations', async (request) =>
  reserveStock(request.body.sku, request.body.quantity),
);

app.get('/admin', async (_request, reply) => reply.code(401).send({ error: 'sign in first' }));
app.get('/reports', async (_request, reply) => reply.code(403).send({ error: 'not allowed' }));
app.get('/maintenance', async (_request, reply) => reply.code(503).send({ error: 'down for maintenance' }));

const address = await app.listen({ port: Number(process.env.PORT ?? 3001), host: '127.0.0.1' });
console.log(`example-fastify listening on ${address}`);
