// An express 5 hello-world server for the throughput figures, with one SDK's middleware or
// none; `/throw` always throws the same error. Each variant runs in its own process: `node express-throughput.server.cjs <variant>`,
// DSN in BENCH_DSN; prints `READY <port>` once listening on 127.0.0.1; answers `cpu` on its IPC channel.
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
  // The instruction counts run the server about 50 times slower than it runs here: there the
  // storm guard's one event a second of the throwing route would be one every few dozen
  // requests instead of one every few thousand, so they ask for none after the burst.
  const perSecond = process.env.BENCH_STORM_PER_SECOND;
  faultline.init({ dsn, ...(perSecond !== undefined && { stormGuard: { perSecond: Number(perSecond) } }) });
}
const express = require('express');

// For the instruction counts (express-instructions.mjs): stop after answering BENCH_EXIT_AFTER
// requests of BENCH_EXIT_PATH, without exit listeners, as a process that is killed.
const exitAfter = Number(process.env.BENCH_EXIT_AFTER ?? 0);
const exitPath = process.env.BENCH_EXIT_PATH;
let answered = 0;
function count(path) {
  if (exitAfter > 0 && path === exitPath && ++answered === exitAfter)
    setImmediate(() => process.reallyExit(0));
}

const app = express();
if (faultline) app.use(faultline.expressRequestHandler());
app.get('/', (_req, res) => {
  res.send('hello world');
  count('/');
});
// Always fails the same way: an app stuck on one bug, each request an error report.
class CheckoutError extends Error {
  name = 'CheckoutError';
}
app.get('/throw', () => {
  count('/throw');
  throw new CheckoutError('payment provider unreachable');
});
if (faultline) app.use(faultline.expressErrorHandler());
if (Sentry) Sentry.setupExpressErrorHandler(app);

const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`READY ${server.address().port}\n`);
});
// The bench asks for this process's CPU time (user + system, µs) before and after each load.
process.on('message', (message) => {
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send({ cpuMicros: user + system });
  }
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
