// Figure 3: express hello-world throughput with each SDK's middleware against none, measured
// with autocannon in the same run. Each server runs in its own child process; rounds are
// interleaved, in turn forwards (none, faultline, sentry) and backwards, so that drift in machine
// load and the position in a round hit every variant alike. Each figure is the median over rounds;
// the share of no-SDK throughput is the median of each round's own ratio (an SDK against the
// no-SDK server measured in the same round), which cancels load that changes between rounds.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { cleanEnv, isMain, median, ROOT, startSink } from './lib.mjs';

const SERVER = fileURLToPath(new URL('./express-throughput.server.cjs', import.meta.url));
const VARIANTS = ['none', 'faultline', 'sentry'];

function startServer(variant, dsn) {
  const child = spawn(process.execPath, [SERVER, variant], {
    cwd: ROOT,
    env: cleanEnv({ BENCH_DSN: dsn, NODE_ENV: 'production' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${variant} server did not start: ${err}`)), 20_000);
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const ready = /READY (\d+)/.exec(out);
      if (ready) {
        clearTimeout(timer);
        resolve({ child, url: `http://127.0.0.1:${ready[1]}/` });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${variant} server exited with ${code}: ${err}`));
    });
  });
}

function stopServer(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function load(url, duration, connections) {
  return autocannon({ url, duration, connections, pipelining: 1 });
}

/** Median over rounds of the SDK's throughput divided by the no-SDK throughput of the same round. */
function pairedRatio(samples, sdk) {
  return median(samples[sdk].rps.map((rps, round) => rps / samples.none.rps[round]));
}

export async function run({ rounds = 3, duration = 5, warmup = 1, connections = 50 } = {}) {
  const sink = await startSink();
  const servers = {};
  try {
    for (const variant of VARIANTS) servers[variant] = await startServer(variant, sink.dsn);
    const samples = Object.fromEntries(VARIANTS.map((v) => [v, { rps: [], p99: [], errors: 0 }]));
    const throwing = Object.fromEntries(VARIANTS.map((v) => [v, { rps: [], p99: [], errors: 0 }]));
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
      for (const variant of order) {
        const { url } = servers[variant];
        await load(url, warmup, connections);
        const result = await load(url, duration, connections);
        samples[variant].rps.push(result.requests.average);
        samples[variant].p99.push(result.latency.p99);
        samples[variant].errors += result.errors + result.non2xx;
        // The route that always throws: every answer is a 500, every request an error report.
        await load(`${url}throw`, warmup, connections);
        const failing = await load(`${url}throw`, duration, connections);
        throwing[variant].rps.push(failing.requests.average);
        throwing[variant].p99.push(failing.latency.p99);
        throwing[variant].errors += failing.errors;
      }
    }
    const out = {};
    for (const [variant, { rps, p99, errors }] of Object.entries(samples)) {
      out[variant] = { requestsPerSecond: median(rps), latencyP99Ms: median(p99), errors, rounds, duration };
    }
    for (const sdk of ['faultline', 'sentry']) out[sdk].relativeToNone = pairedRatio(samples, sdk);
    out.throwing = {};
    for (const [variant, { rps, p99, errors }] of Object.entries(throwing)) {
      out.throwing[variant] = { requestsPerSecond: median(rps), latencyP99Ms: median(p99), errors };
    }
    for (const sdk of ['faultline', 'sentry']) out.throwing[sdk].relativeToNone = pairedRatio(throwing, sdk);
    out.connections = connections;
    out.sinkRequests = sink.requests();
    return out;
  } finally {
    await Promise.all(Object.values(servers).map(({ child }) => stopServer(child)));
    await sink.close();
  }
}

if (isMain(import.meta.url)) {
  console.log(JSON.stringify(await run({ rounds: Number(process.argv[2] ?? 3) }), null, 2));
}
