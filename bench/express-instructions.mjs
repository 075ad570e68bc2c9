// Express requests in instructions: the steady companion of express-throughput.mjs. Requests per
// second on a shared 2-core machine move by several percent from one round to the next; the
// instructions a server executes per request, once warm, move by about 3 K in 700 K (0.5 %), so
// a change of a few per cent in what the SDK adds to a request shows at once.
//
// The server is the throughput bench's own (express 5, none or Faultline's middleware), run under
// callgrind (`valgrind --tool=callgrind node --single-threaded --hash-seed=1 --random-seed=1`,
// address-space randomization off) and driven by one keep-alive connection from this process:
// one request per turn of the server's event loop. With several connections, how many requests
// a turn handles depends on how fast the client and the server run beside each other, and so
// does what a request costs (a turn's timers and ticks are shared by its requests): on a busy
// machine the figures moved by 10 to 15 K from one run to the next.
// Each figure is the difference between two servers that answer the same path 1,200 and 6,200
// times before stopping, over 5,000: what one request costs once V8 has compiled and optimised
// the path (the first thousand requests are left out). "after errors": the server first answers
// the throwing route 3,000 times. The DSN points at a local ingest that accepts everything.
// Under callgrind the server runs about 50 times slower than at full speed, and the storm
// guard's rate is in wall-clock time: its one event a second of a repeating error would be one
// event every few dozen requests of the throwing route (each event a full build and send, about
// 5 M instructions) instead of one every few thousand. So the servers build no event of an issue
// after its burst (`stormGuard.perSecond: 0`, spent in the first 1,200): what is counted is
// what each error costs up to being counted, which is what nearly every error of a storm costs.
//
// Needs valgrind and setarch (Debian: valgrind, util-linux). Takes about 20 minutes:
// `node bench/express-instructions.mjs [hello] [after-errors] [throwing]`.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { cleanEnv, isMain, ROOT, startSink } from './lib.mjs';
import { available } from './openwhisk-cold-start-instructions.mjs';

const SERVER = join(ROOT, 'bench', 'express-throughput.server.cjs');
const WARM = 1200;
const MEASURED = 5000;
const ERRORS_FIRST = 3000;

export const SCENARIOS = {
  hello: { path: '/', errorsFirst: 0 },
  'after-errors': { path: '/', errorsFirst: ERRORS_FIRST },
  throwing: { path: '/throw', errorsFirst: 0 },
};

/** Sends `total` GETs of `path`, one after another over one keep-alive connection; resolves when all are answered. */
function load(port, path, total, agent) {
  let sent = 0;
  let done = 0;
  return new Promise((resolve) => {
    const next = () => {
      if (sent >= total) return;
      sent += 1;
      const settle = () => {
        done += 1;
        if (done === total) resolve();
        else next();
      };
      http
        .get({ host: '127.0.0.1', port, path, agent }, (res) => {
          res.resume();
          res.on('end', settle);
        })
        .on('error', settle);
    };
    next();
  });
}

/** Instructions (millions) of one server process that answers `answers` requests of the scenario. */
async function instructions(variant, scenario, answers, dsn) {
  const { path, errorsFirst } = SCENARIOS[scenario];
  const env = cleanEnv({
    BENCH_DSN: dsn,
    NODE_ENV: 'production',
    BENCH_EXIT_PATH: path,
    BENCH_EXIT_AFTER: String(answers),
    BENCH_STORM_PER_SECOND: '0',
  });
  delete env.NODE_EXTRA_CA_CERTS;
  const args = ['x86_64', '-R', 'valgrind', '--tool=callgrind', '--callgrind-out-file=/dev/null'];
  args.push(process.execPath, '--single-threaded', '--hash-seed=1', '--random-seed=1', SERVER, variant);
  const child = spawn('setarch', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text) => {
    // Express prints each error's stack; only valgrind's summary is wanted.
    stderr = (stderr + text).slice(-4000);
  });
  const closed = new Promise((resolve) => child.on('close', resolve));
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const ready = /READY (\d+)/.exec(out);
      if (ready) resolve(Number(ready[1]));
    });
    child.on('error', reject);
    closed.then(() => reject(new Error(`${variant} stopped before listening:\n${stderr}`)));
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    if (errorsFirst) await load(port, '/throw', errorsFirst, agent);
    await load(port, path, answers, agent);
  } finally {
    agent.destroy();
  }
  const code = await closed;
  const collected = /Collected : (\d+)/.exec(stderr);
  if (code !== 0 || !collected) throw new Error(`${variant} ${scenario} failed (${code}):\n${stderr}`);
  return Number(collected[1]) / 1e6;
}

/** K instructions per request, once warm, of each variant in each scenario. */
export async function run(scenarios = Object.keys(SCENARIOS)) {
  const sink = await startSink();
  const out = {};
  try {
    for (const scenario of scenarios) {
      out[scenario] = {};
      for (const variant of ['none', 'faultline']) {
        const [short, long] = await Promise.all([
          instructions(variant, scenario, WARM, sink.dsn),
          instructions(variant, scenario, WARM + MEASURED, sink.dsn),
        ]);
        out[scenario][variant] = Math.round(((long - short) / MEASURED) * 1e4) / 10;
      }
      const { none, faultline } = out[scenario];
      out[scenario].addedK = Math.round((faultline - none) * 10) / 10;
      out[scenario].addedPercent = Math.round(((faultline - none) / none) * 1000) / 10;
    }
  } finally {
    await sink.close();
  }
  return out;
}

if (isMain(import.meta.url)) {
  if (!available()) {
    console.error('valgrind and setarch are needed (Debian packages valgrind and util-linux)');
    process.exit(1);
  }
  const asked = process.argv.slice(2).filter((name) => name in SCENARIOS);
  console.log(JSON.stringify(await run(asked.length > 0 ? asked : undefined), null, 2));
}
