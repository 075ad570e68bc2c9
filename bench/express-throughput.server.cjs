// An express 5 hello-world server for the throughput figure, with one SDK's middleware or
// none. Each variant runs in its own process: `node express-throughput.server.cjs <variant>`,
// DSN in BENCH_DSN; prints `READY <port>` once listening on 127.0.0.1.
const variant = process.argv[2];
const dsn = process.env.BENCH_DSN;

// Sentry instruments express when it is initialised before express is loaded.
let Sentry;
if (variant === 'sentry') {
  Sentry = require('@sentry/node');
  Sentry.init({ dsn });
}
let faultline;
if (variant === 'faultline') {
  faultline = require('@faultline/node');
  faultline.init({ dsn });
}
const express = require('express');

const app = express();
if (faultline) app.use(faultline.expressRequestHandler());
app.get('/', (_req, res) => {
  res.send('hello world');
});
if (faultline) app.use(faultline.expressErrorHandler());
if (Sentry) Sentry.setupExpressErrorHandler(app);

const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`READY ${server.address().port}\n`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
