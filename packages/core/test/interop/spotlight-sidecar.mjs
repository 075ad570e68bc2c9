// Starts the Spotlight sidecar on 127.0.0.1 from its library export, never from its CLI: the
// CLI initialises Sentry with Spotlight's own DSN (telemetry) and binds all interfaces.
// Prints `SPOTLIGHT_READY <port>` once listening; stops on SIGTERM or when stdin closes.
import http from 'node:http';

// @hono/node-server calls `server.listen(port, undefined, cb)`, which binds every interface:
// give calls without a host the loopback host instead.
const listen = http.Server.prototype.listen;
http.Server.prototype.listen = function loopbackListen(...args) {
  if (typeof args[0] === 'number') {
    if (args[1] === undefined) args[1] = '127.0.0.1';
    else if (typeof args[1] === 'function') args.splice(1, 0, '127.0.0.1');
  }
  return listen.apply(this, args);
};

const { setupSpotlight } = await import('@spotlightjs/spotlight');
const server = await setupSpotlight({ port: 0, isStandalone: true, logger: silentLogger() });
if (!server) {
  process.stderr.write('spotlight: another sidecar answered on the port\n');
  process.exit(1);
}
const address = server.address();
process.stdout.write(`SPOTLIGHT_READY ${address.address} ${address.port}\n`);

const stop = () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);

function silentLogger() {
  const noop = () => undefined;
  return { info: noop, warn: noop, error: noop, debug: noop, trace: noop };
}
