// Figure 8: OpenWhisk cold start. An action bundled with esbuild into one `index.js` and zipped,
// as users ship one, is run in a fresh "container" (the action proxy of the OpenWhisk Node.js
// runtime, driven through its /init and /run protocol, as the invoker does) without and with
// `wrapAction`. Per fresh container: the /init time (unzip + require of the bundle), then the
// first /run: one that returns, in one container, and one that throws, in another. The DSN
// points at a local ingest that accepts everything, so the wrapped action's flush before
// returning is part of the figure, as it is in production. Rounds alternate between the
// variants; each figure is the median.
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AdmZip from 'adm-zip';
import { build } from 'esbuild';
import { cleanEnv, isMain, median, ROOT, startSink } from './lib.mjs';

const require = createRequire(import.meta.url);
/** The stand-in for the runtime's proxy that packages/openwhisk's own tests drive. */
const PROXY = fileURLToPath(new URL('../packages/openwhisk/test/harness/action-proxy.cjs', import.meta.url));

const BODY = `async (params) => {
  if (params.exit) setTimeout(() => process.exit(0), 20);
  if (params.fail) throw new Error('payment provider unreachable');
  return { ok: true };
}`;
const WRAPPED = `const { wrapAction } = require('@faultline/openwhisk');\nexports.main = wrapAction(${BODY});\n`;
/** Each variant's action source, and whether its source map is zipped beside the bundle. */
const ACTIONS = {
  plain: { contents: `exports.main = ${BODY};\n` },
  wrapped: { contents: WRAPPED },
  // As deployed for readable stack traces: the first error reads and decodes the map.
  wrappedWithMap: { contents: WRAPPED, map: true },
};

/** An action bundled as users ship one: esbuild, CommonJS for Node 20, one `index.js` (not written). */
export function bundleAction(contents, options = {}) {
  return build({
    stdin: { contents, resolveDir: ROOT, sourcefile: 'index.js', loader: 'js' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    ...options,
  });
}

async function zipped({ contents, map = false }) {
  const result = await bundleAction(contents, {
    metafile: true,
    ...(map ? { sourcemap: 'linked', outfile: join(ROOT, 'index.js') } : {}),
  });
  const bundle = result.outputFiles.find((f) => !f.path.endsWith('.map')).contents;
  const zip = new AdmZip();
  zip.addFile('index.js', Buffer.from(bundle));
  const mapFile = result.outputFiles.find((f) => f.path.endsWith('.map'));
  if (mapFile) zip.addFile('index.js.map', Buffer.from(mapFile.contents));
  const archive = zip.toBuffer();
  return {
    base64: archive.toString('base64'),
    bundleBytes: bundle.length,
    mapBytes: mapFile?.contents.length ?? 0,
    zipBytes: archive.length,
    bundleShare: shareOf(result.metafile),
    // One byte above 0x7f anywhere makes Node decode the whole file on its slow UTF-8 path
    // (and hold it as a two-byte string), at require and again for the first error's context lines.
    asciiOnly: bundle.every((byte) => byte < 0x80),
  };
}

/** Bytes of the bundle per package of ours, and everything else (the action, other libraries). */
function shareOf(metafile) {
  const share = {};
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const ours = /packages\/([a-z]+)\//.exec(input)?.[1];
      const key = ours
        ? `@faultline/${ours}`
        : (/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? 'action');
      share[key] = (share[key] ?? 0) + bytesInOutput;
    }
  }
  return share;
}

function post(url, body) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request(
      url,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: Number(process.hrtime.bigint() - started) / 1e6,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/**
 * Preloaded into the container: prints the CPU time the process spent on each request, from its
 * arrival to the end of the response. Wall times on a busy machine measure the neighbours too;
 * CPU time is what the container itself did.
 */
const CPU_PROBE = `'use strict';
const http = require('node:http');
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req, res) {
  if (event === 'request') {
    const start = process.cpuUsage();
    res.once('finish', () => {
      const used = process.cpuUsage(start);
      process.stdout.write('OW_BENCH_CPU ' + req.url + ' ' + (used.user + used.system) / 1000 + '\\n');
    });
  }
  return emit.apply(this, arguments);
};
`;

/** The `unzip` executable the OpenWhisk runtime extracts zip actions with, when installed here. */
const UNZIP = ['/usr/bin/unzip', '/bin/unzip'].find((path) => existsSync(path));

/** A fresh container: the proxy in its own process, in a temporary `.../nodejsAction` folder. */
async function container() {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'ow-bench-')));
  const cwd = join(root, 'nodejsAction');
  mkdirSync(cwd);
  copyFileSync(PROXY, join(cwd, 'app.js'));
  writeFileSync(join(root, 'cpu-probe.cjs'), CPU_PROBE);
  const deps = {
    admZip: require.resolve('adm-zip'),
    serializeError: join(ROOT, 'node_modules/serialize-error/index.js'),
    // The runtime unpacks a zip with the native `unzip`; adm-zip (the fallback) spends time
    // in JavaScript per byte that the runtime does not.
    ...(UNZIP && process.env.BENCH_OW_ADM_ZIP !== '1' ? { unzip: UNZIP } : {}),
  };
  // BENCH_PROXY_NODE_ARGS: extra node flags for the container (e.g. --cpu-prof, to see where a cold start goes).
  const extra = (process.env.BENCH_PROXY_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const probe = ['--require', join(root, 'cpu-probe.cjs')];
  const child = spawn(process.execPath, [...extra, ...probe, '--expose-gc', 'app.js', JSON.stringify(deps)], {
    cwd,
    env: cleanEnv({ PATH: process.env.PATH ?? '/usr/bin:/bin' }),
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const cpu = [];
  const port = await new Promise((resolve, reject) => {
    let seen = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text) => {
      seen += text;
      const m = /OW_HARNESS_PORT (\d+)\n/.exec(seen);
      if (m) resolve(Number(m[1]));
      for (const line of /\n/.test(seen) ? seen.split('\n').slice(0, -1) : []) {
        const probe = /^OW_BENCH_CPU (\S+) ([\d.]+)$/.exec(line);
        if (probe) cpu.push({ route: probe[1], ms: Number(probe[2]) });
      }
      seen = seen.slice(seen.lastIndexOf('\n') + 1);
    });
    child.on('exit', (code) => reject(new Error(`action proxy exited early (${code})`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    /** CPU milliseconds of the container's requests to `route`, in order (waits briefly for the line). */
    async cpuMs(route, index) {
      for (let i = 0; i < 50 && cpu.filter((c) => c.route === route).length <= index; i++) {
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      return cpu.filter((c) => c.route === route)[index]?.ms ?? Number.NaN;
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        if (extra.length) await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** One cold start: /init, then the first /run (`fail`: the action throws). */
async function coldStart(action, dsn, fail) {
  const c = await container();
  try {
    const init = await post(`${c.url}/init`, {
      value: {
        name: 'checkout',
        main: 'main',
        code: action.base64,
        binary: true,
        env: { FAULTLINE_DSN: dsn },
      },
    });
    if (init.status !== 200) throw new Error(`/init answered ${init.status}: ${init.body}`);
    const run = await post(`${c.url}/run`, {
      value: fail ? { fail: true } : {},
      namespace: 'guest',
      action_name: '/guest/checkout',
      action_version: '0.0.1',
      activation_id: `a${Math.random().toString(16).slice(2)}`,
      transaction_id: 'tx',
      deadline: String(Date.now() + 60_000),
    });
    // With --cpu-prof in BENCH_PROXY_NODE_ARGS the container ends itself, so the profile is written.
    if (process.env.BENCH_PROXY_NODE_ARGS)
      await post(`${c.url}/run`, { value: { exit: true } }).catch(() => undefined);
    const failed = JSON.parse(run.body).error !== undefined;
    if (run.status !== 200 || failed !== fail) throw new Error(`/run answered ${run.status}: ${run.body}`);
    return {
      initMs: init.ms,
      runMs: run.ms,
      initCpuMs: await c.cpuMs('/init', 0),
      runCpuMs: await c.cpuMs('/run', 0),
    };
  } finally {
    await c.close();
  }
}

export async function run({ runs = 7, warmup = 1 } = {}) {
  const sink = await startSink();
  try {
    const actions = {};
    for (const [variant, action] of Object.entries(ACTIONS)) actions[variant] = await zipped(action);
    const samples = Object.fromEntries(
      Object.keys(ACTIONS).map((v) => [
        v,
        {
          initMs: [],
          firstRunMs: [],
          firstErrorInitMs: [],
          firstErrorMs: [],
          initCpuMs: [],
          firstRunCpuMs: [],
          firstErrorInitCpuMs: [],
          firstErrorCpuMs: [],
        },
      ]),
    );
    for (let i = 0; i < runs + warmup; i++) {
      for (const variant of Object.keys(ACTIONS)) {
        const ok = await coldStart(actions[variant], sink.dsn, false);
        const failing = await coldStart(actions[variant], sink.dsn, true);
        if (i < warmup) continue;
        samples[variant].initMs.push(ok.initMs);
        samples[variant].firstRunMs.push(ok.runMs);
        samples[variant].firstErrorInitMs.push(failing.initMs);
        samples[variant].firstErrorMs.push(failing.runMs);
        samples[variant].initCpuMs.push(ok.initCpuMs);
        samples[variant].firstRunCpuMs.push(ok.runCpuMs);
        samples[variant].firstErrorInitCpuMs.push(failing.initCpuMs);
        samples[variant].firstErrorCpuMs.push(failing.runCpuMs);
      }
    }
    const out = {
      runs,
      extractor: UNZIP && process.env.BENCH_OW_ADM_ZIP !== '1' ? 'unzip' : 'adm-zip',
      sinkRequests: sink.requests(),
    };
    for (const [variant, s] of Object.entries(samples)) {
      out[variant] = {
        bundleBytes: actions[variant].bundleBytes,
        mapBytes: actions[variant].mapBytes,
        zipBytes: actions[variant].zipBytes,
        bundleShare: actions[variant].bundleShare,
        asciiOnly: actions[variant].asciiOnly,
        initMs: median(s.initMs),
        firstRunMs: median(s.firstRunMs),
        firstErrorMs: median(s.firstErrorMs),
        // Each phase in CPU time of the container: /init (unpack, require), the first /run that
        // returns, the first /run that throws.
        initCpuMs: median(s.initCpuMs),
        firstRunCpuMs: median(s.firstRunCpuMs),
        firstErrorCpuMs: median(s.firstErrorCpuMs),
        // What the invoker waits for on a cold start: /init, then the first /run.
        firstActivationMs: median(s.initMs.map((ms, i) => ms + s.firstRunMs[i])),
        firstErrorActivationMs: median(s.firstErrorInitMs.map((ms, i) => ms + s.firstErrorMs[i])),
        // The same in CPU time of the container process (less sensitive to other load).
        firstActivationCpuMs: median(s.initCpuMs.map((ms, i) => ms + s.firstRunCpuMs[i])),
        firstErrorActivationCpuMs: median(s.firstErrorInitCpuMs.map((ms, i) => ms + s.firstErrorCpuMs[i])),
      };
    }
    for (const variant of ['wrapped', 'wrappedWithMap']) {
      const w = out[variant];
      w.addedFirstActivationMs = w.firstActivationMs - out.plain.firstActivationMs;
      w.addedFirstErrorMs = w.firstErrorActivationMs - out.plain.firstErrorActivationMs;
      w.addedFirstActivationCpuMs = w.firstActivationCpuMs - out.plain.firstActivationCpuMs;
      w.addedFirstErrorCpuMs = w.firstErrorActivationCpuMs - out.plain.firstErrorActivationCpuMs;
      w.addedInitCpuMs = w.initCpuMs - out.plain.initCpuMs;
      w.addedFirstRunCpuMs = w.firstRunCpuMs - out.plain.firstRunCpuMs;
      w.addedFirstErrorRunCpuMs = w.firstErrorCpuMs - out.plain.firstErrorCpuMs;
    }
    return out;
  } finally {
    await sink.close();
  }
}

if (isMain(import.meta.url))
  console.log(JSON.stringify(await run({ runs: Number(process.argv[2] ?? 7) }), null, 2));
