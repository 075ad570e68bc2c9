// The express quick start of packages/node/README.md.

import { close, expressErrorHandler, expressRequestHandler, init } from '@faultline/node';
import express from 'express';

init({ release: 'shop@1.4.2' }); // DSN from FAULTLINE_DSN
const app = express();
app.use(expressRequestHandler());
app.get('/users/:id', (req) => {
  throw new Error(`user ${req.params.id} not found`);
});
app.use(expressErrorHandler());
const server = app.listen(0, '127.0.0.1', async () => {
  const res = await fetch(`http://127.0.0.1:${server.address().port}/users/42`);
  console.log(`status ${res.status}`);
  await close(2000);
  server.close();
});
