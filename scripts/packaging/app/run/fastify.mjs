// The fastify quick start of packages/node/README.md.

import { close, fastifyPlugin, init } from '@faultline/node';
import Fastify from 'fastify';

init({ release: 'shop@1.4.2' });
const app = Fastify();
await app.register(fastifyPlugin);
app.get('/orders/:id', async (request) => {
  throw new Error(`order ${request.params.id} failed`);
});
const res = await app.inject({ method: 'GET', url: '/orders/7' });
console.log(`status ${res.statusCode}`);
await close(2000);
await app.close();
