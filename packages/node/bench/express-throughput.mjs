// Throughput of an express hello-world app with the SDK's request and error handlers against
// the same app without them, in the same run. Each app runs in its own process (so nothing the
// SDK installs touches the baseline), and the rounds alternate so drift in machine load hits
// both alike. Uses the built package: run `npx tsup` in packages/core and packages/node first.
//
//   node packages/node/bench/express-throughput.mjs [--rounds 10] [--duration 3] [--express4]
//
// Each round measures both apps back to back (alternating which goes first), and the figure
// reported is the median of the per-round ratios: load from other processes shifts both halves
// of a round alike, so the ratio is steadier than either throughput.
import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    serve: { type: 'string' },
    rounds: { type: 'string', default: '10' },
    duration: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    express4: { type: 'boolean', default: false },
  },
});

if (values.serve) {
  await serve(values.serve === 'sdk', values.express4);
} else {
  await bench();
}

async function serve(withSdk, useExpress4) {
  const { default: express } = await import(useExpress4 ? 'express4' : 'express');
  const app = express();
  if (withSdk) {
    const sdk = await import('@faultline/node');
    // A real DSN: nothing is sent on the happy path, so the port need not answer.
    sdk.init({ dsn: 'http://public@127.0.0.1:9/1', exitFlushTimeoutMs: 0 });
    app.use(sdk.expressRequestHandler());
    app.get('/', (_req, res) => res.send('hello world'));
    app.use(sdk.expressErrorHandler());
  } else {
    app.get('/', (_req, res) => res.send('hello world'));
  }
  const server = app.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
  process.on('message', (message) => {
    if (message === 'stop') server.close(() => process.exit(0));
  });
}

function start(kind) {
  const args = ['--serve', kind];
  if (values.express4) args.push('--express4');
  const child = fork(new URL(import.meta.url).pathname, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', ({ port }) => resolve({ child, url: `http://127.0.0.1:${port}/` }));
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
}

async function load(url, duration) {
  const { default: autocannon } = await import('autocannon');
  const result = await autocannon({ url, connections: Number(values.connections), duration });
  if (result.non2xx || result.errors)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

async function bench() {
  const servers = { bare: await start('bare'), sdk: await start('sdk') };
  const rounds = Number(values.rounds);
  const duration = Number(values.duration);
  const samples = { bare: [], sdk: [] };
  try {
    // Warm both up (JIT, sockets), then alternate which goes first.
    await load(servers.bare.url, 2);
    await load(servers.sdk.url, 2);
    for (let i = 0; i < rounds; i++) {
      const order = i % 2 === 0 ? ['bare', 'sdk'] : ['sdk', 'bare'];
      for (const kind of order) samples[kind].push(await load(servers[kind].url, duration));
    }
  } finally {
    for (const { child } of Object.values(servers)) {
      child.removeAllListeners('exit');
      child.send('stop');
    }
  }
  const median = (list) => {
    const sorted = [...list].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  const summary = (kind) => ({
    rps: median(samples[kind].map((s) => s.rps)),
    p50: median(samples[kind].map((s) => s.p50)),
    p99: median(samples[kind].map((s) => s.p99)),
  });
  const bare = summary('bare');
  const sdk = summary('sdk');
  const name = values.express4 ? 'express 4' : 'express 5';
  console.log(
    `${name} hello world, node ${process.version}, ${rounds} rounds × ${duration}s, ${values.connections} connections, medians`,
  );
  for (const [label, s] of [
    ['without SDK', bare],
    ['with SDK', sdk],
  ]) {
    console.log(
      `  ${label.padEnd(12)} ${s.rps.toFixed(0).padStart(7)} req/s   p50 ${s.p50} ms   p99 ${s.p99} ms`,
    );
  }
  console.log(`  per round (req/s): without ${samples.bare.map((s) => s.rps.toFixed(0)).join(', ')}`);
  console.log(`                     with    ${samples.sdk.map((s) => s.rps.toFixed(0)).join(', ')}`);
  const ratios = samples.sdk.map((s, i) => (s.rps / samples.bare[i].rps) * 100);
  console.log(`  ratio per round (%): ${ratios.map((r) => r.toFixed(1)).join(', ')}`);
  console.log(
    `  with SDK: ${median(ratios).toFixed(1)}% of the throughput without (median of rounds; ratio of medians ${((sdk.rps / bare.rps) * 100).toFixed(1)}%; target ≥ 97%)`,
  );
}
