// Figure 3: express hello-world throughput with each SDK's middleware against none, measured
// with autocannon in the same run. Each server runs in its own child process; rounds are
// interleaved, in turn forwards (none, faultline, sentry) and backwards, so that drift in machine
// load and the position in a round hit every variant alike. Each figure is the median over rounds;
// the share of no-SDK throughput is the median of each round's own ratio (an SDK against the
// no-SDK server measured in the same round), which cancels load that changes between rounds.
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { cleanEnv, isMain, median, ROOT, startSink } from './lib.mjs';

const SERVER = fileURLToPath(new URL('./express-throughput.server.cjs', import.meta.url));
const VARIANTS = ['none', 'faultline', 'sentry'];

/**
 * Where taskset is there and the machine has two cores or more: the servers run on the first
 * core and the load generator (this process) on the last, so that neither takes the other's
 * core: a server on one core of its own, as in a one-CPU container, and load that does not
 * slow it down. Returns how to undo it (this process's affinity goes to the figures after).
 */
function pinCores() {
  const cores = availableParallelism();
  if (cores < 2 || spawnSync('taskset', ['--version']).status !== 0) return undefined;
  const all = `0-${cores - 1}`;
  if (spawnSync('taskset', ['-a', '-p', '-c', String(cores - 1), String(process.pid)]).status !== 0)
    return undefined;
  return {
    server: ['taskset', '-c', '0'],
    restore: () => spawnSync('taskset', ['-a', '-p', '-c', all, String(process.pid)]),
  };
}

function startServer(variant, dsn, pinned) {
  const [command, ...prefix] = pinned?.server ?? [process.execPath];
  const args = pinned ? [...prefix, process.execPath, SERVER, variant] : [SERVER, variant];
  const child = spawn(command, args, {
    cwd: ROOT,
    env: cleanEnv({ BENCH_DSN: dsn, NODE_ENV: 'production' }),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${variant} server did not start: ${err}`)), 20_000);
    // Express prints every error's stack to stderr (the throwing route: thousands a second):
    // only the last few kilobytes are kept, for the message if the server fails, so that the
    // load generator in this process does not spend its time and memory collecting them.
    child.stderr.on('data', (chunk) => {
      err = (err + chunk).slice(-4096);
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

/** The server process's CPU time so far (user + system), in µs. */
function cpuOf(child) {
  return new Promise((resolve) => {
    child.once('message', (message) => resolve(message.cpuMicros));
    child.send('cpu');
  });
}

/** One measured load: req/s, p99, errors, and the server's CPU time per answered request. */
async function measure(child, url, duration, connections) {
  const before = await cpuOf(child);
  const result = await load(url, duration, connections);
  const cpuMicros = (await cpuOf(child)) - before;
  return { result, cpuPerRequest: cpuMicros / Math.max(1, result.requests.total) };
}

function load(url, duration, connections) {
  return autocannon({ url, duration, connections, pipelining: 1 });
}

/** Medians per variant of one set of loads, and each SDK's paired share of the no-SDK server's. */
function figure(set) {
  const out = {};
  for (const [variant, { rps, p99, cpu, errors }] of Object.entries(set)) {
    out[variant] = {
      requestsPerSecond: median(rps),
      latencyP99Ms: median(p99),
      cpuMicrosPerRequest: median(cpu),
      errors,
    };
  }
  for (const sdk of ['faultline', 'sentry']) {
    out[sdk].relativeToNone = pairedRatio(set, sdk);
    out[sdk].cpuMicrosAdded = pairedCpu(set, sdk);
  }
  return out;
}

/** Median over rounds of the SDK's throughput divided by the no-SDK throughput of the same round. */
function pairedRatio(samples, sdk) {
  return median(samples[sdk].rps.map((rps, round) => rps / samples.none.rps[round]));
}

/** Median over rounds of the server CPU µs per request the SDK adds over the no-SDK server of the same round. */
function pairedCpu(samples, sdk) {
  return median(samples[sdk].cpu.map((cpu, round) => cpu - samples.none.cpu[round]));
}

export async function run({ rounds = 3, duration = 5, warmup = 1, connections = 50, pin = true } = {}) {
  const pinned = pin ? pinCores() : undefined;
  const sink = await startSink();
  const servers = {};
  const happy = {};
  try {
    // Per variant, one server that serves hello world and the throwing route in turn (hello world
    // after errors), for the whole run; and for each round a new server that serves only hello
    // world (the happy path): a process's own luck (where its code and heap land) moves its
    // throughput by several percent for its whole life, and a new process per round spreads that
    // over the rounds.
    for (const variant of VARIANTS) servers[variant] = await startServer(variant, sink.dsn, pinned);
    const fresh = Object.fromEntries(VARIANTS.map((v) => [v, { rps: [], p99: [], cpu: [], errors: 0 }]));
    const samples = Object.fromEntries(VARIANTS.map((v) => [v, { rps: [], p99: [], cpu: [], errors: 0 }]));
    const throwing = Object.fromEntries(VARIANTS.map((v) => [v, { rps: [], p99: [], cpu: [], errors: 0 }]));
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
      for (const variant of order) {
        const only = await startServer(variant, sink.dsn, pinned);
        happy[variant] = only;
        try {
          // Twice the warm-up: the process is new.
          await load(only.url, warmup * 2, connections);
          const hello = await measure(only.child, only.url, duration, connections);
          fresh[variant].cpu.push(hello.cpuPerRequest);
          fresh[variant].rps.push(hello.result.requests.average);
          fresh[variant].p99.push(hello.result.latency.p99);
          fresh[variant].errors += hello.result.errors + hello.result.non2xx;
        } finally {
          await stopServer(only.child);
        }
      }
      for (const variant of order) {
        const { child, url } = servers[variant];
        await load(url, warmup, connections);
        const { result, cpuPerRequest } = await measure(child, url, duration, connections);
        samples[variant].cpu.push(cpuPerRequest);
        samples[variant].rps.push(result.requests.average);
        samples[variant].p99.push(result.latency.p99);
        samples[variant].errors += result.errors + result.non2xx;
        // The route that always throws: every answer is a 500, every request an error report.
        await load(`${url}throw`, warmup, connections);
        const { result: failing, cpuPerRequest: failingCpu } = await measure(
          child,
          `${url}throw`,
          duration,
          connections,
        );
        throwing[variant].cpu.push(failingCpu);
        throwing[variant].rps.push(failing.requests.average);
        throwing[variant].p99.push(failing.latency.p99);
        throwing[variant].errors += failing.errors;
      }
    }
    const out = figure(samples);
    for (const variant of VARIANTS) Object.assign(out[variant], { rounds, duration });
    out.happy = figure(fresh);
    out.throwing = figure(throwing);
    out.connections = connections;
    out.pinned = !!pinned;
    out.sinkRequests = sink.requests();
    return out;
  } finally {
    await Promise.all(
      [...Object.values(servers), ...Object.values(happy)].map(({ child }) => stopServer(child)),
    );
    await sink.close();
    pinned?.restore();
  }
}

if (isMain(import.meta.url)) {
  const [rounds = '3', duration = '5', pin = 'pin'] = process.argv.slice(2);
  console.log(
    JSON.stringify(
      await run({ rounds: Number(rounds), duration: Number(duration), pin: pin === 'pin' }),
      null,
      2,
    ),
  );
}
