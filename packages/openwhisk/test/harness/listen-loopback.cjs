// Preloaded (`node -r`) into a real Apache OpenWhisk Node.js runtime started by the harness.
// The runtime listens on a hard-coded port 8080 on every interface; tests must bind 127.0.0.1
// on an ephemeral port and may run side by side, so the one listen on 8080 is moved there and
// its port announced on stdout as `OW_HARNESS_PORT <port>`, as the stand-in proxy does.
'use strict';

const net = require('node:net');

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  if (args[0] !== 8080) return listen.apply(this, args);
  // Only the runtime's own server: an action's servers listen where they ask.
  net.Server.prototype.listen = listen;
  const rest = args.slice(1);
  this.once('listening', () => process.stdout.write(`OW_HARNESS_PORT ${this.address().port}\n`));
  return listen.call(this, 0, '127.0.0.1', ...rest);
};
