// OpenWhisk cold start in instructions: the steady companion of openwhisk-cold-start.mjs. Wall
// and CPU times of a cold start move by milliseconds with the load of a shared machine; the
// number of instructions a fresh container executes moves by about 0.1 M between runs, so a
// change of a few hundred kilobytes of parsing or a dozen compiled regexes shows at once.
//
// The action is bundled as users ship it (esbuild, cjs, node20; `require('@faultline/openwhisk')`)
// and run by a stand-in for a fresh container: it has what the runtime's proxy has before /init
// (node:http, node:crypto and node:child_process loaded, a server listening, a line written to
// stdout), requires the bundle (/init), then runs `main` once (the first /run), returning or
// throwing, writes the end markers and stops without running exit listeners (a container is
// paused or killed, it does not exit). Each phase is a fresh process under callgrind:
// `valgrind --tool=callgrind node --single-threaded --hash-seed=1 --random-seed=1`, address-space
// randomization off. Each figure is the instructions of that process over the same process that
// stops one phase earlier or runs the unwrapped action, in millions.
//
// Needs valgrind and setarch (Debian: valgrind, util-linux); `node bench/openwhisk-cold-start-instructions.mjs`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, isMain, startSink } from './lib.mjs';
import { bundleAction } from './openwhisk-cold-start.mjs';

const BODY = `async (params) => {
  if (params.fail) throw new Error('payment provider unreachable');
  return { ok: true };
}`;
const ACTIONS = {
  plain: `exports.main = ${BODY};\n`,
  wrapped: `const { wrapAction } = require('@faultline/openwhisk');\nexports.main = wrapAction(${BODY});\n`,
};

/** The container stand-in: argv = [bundle folder, phase: bare | require | ok | fail]. */
const CONTAINER = `'use strict';
const http = require('node:http');
require('node:crypto');
require('node:child_process');
const [dir, phase] = process.argv.slice(2);
const server = http.createServer(() => {});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write('listening\\n');
  if (phase === 'bare') return process.reallyExit(0);
  Object.assign(process.env, {
    __OW_ACTION_NAME: '/guest/checkout', __OW_ACTION_VERSION: '0.0.1', __OW_NAMESPACE: 'guest',
    __OW_ACTIVATION_ID: 'a1b2c3d4', __OW_TRANSACTION_ID: 'tx', __OW_DEADLINE: String(Date.now() + 60000),
  });
  const { main } = require(require('node:path').join(dir, 'index.js'));
  if (phase === 'require') return setImmediate(() => process.reallyExit(0));
  const end = (code) => {
    process.stdout.write('XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX\\n');
    process.stderr.write('XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX\\n');
    setImmediate(() => process.reallyExit(code));
  };
  Promise.resolve()
    .then(() => main(phase === 'fail' ? { fail: true } : {}))
    .then(() => end(phase === 'fail' ? 3 : 0), () => end(phase === 'fail' ? 0 : 3));
});
`;

async function bundle(contents, dir) {
  const result = await bundleAction(contents);
  mkdirSync(dir);
  writeFileSync(join(dir, 'index.js'), result.outputFiles[0].contents);
  // No "type": "module" above the bundle: Node loads it as CommonJS, as the runtime does.
  writeFileSync(join(dir, 'package.json'), '{}\n');
  return result.outputFiles[0].contents.length;
}

/**
 * Instructions (millions) of one fresh container process running `phase`. Spawned without
 * blocking: the ingest the action delivers to answers from this process.
 */
function instructions(script, dir, phase, dsn) {
  const env = cleanEnv({ FAULTLINE_DSN: dsn });
  // Reading extra CA certificates at start costs hundreds of millions of instructions, the same
  // in every case: left out so that the figures are mostly the action's.
  delete env.NODE_EXTRA_CA_CERTS;
  const args = ['x86_64', '-R', 'valgrind', '--tool=callgrind', '--callgrind-out-file=/dev/null'];
  args.push(process.execPath, '--single-threaded', '--hash-seed=1', '--random-seed=1', script, dir, phase);
  return new Promise((resolve, reject) => {
    const child = spawn('setarch', args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text) => {
      stderr += text;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const collected = /Collected : (\d+)/.exec(stderr);
      if (code !== 0 || !collected) reject(new Error(`${phase} in ${dir} failed (${code}):\n${stderr}`));
      else resolve(Number(collected[1]) / 1e6);
    });
  });
}

export function available() {
  return (
    spawnSync('valgrind', ['--version']).status === 0 && spawnSync('setarch', ['--version']).status === 0
  );
}

export async function run() {
  const root = mkdtempSync(join(tmpdir(), 'ow-instructions-'));
  const sink = await startSink();
  try {
    const script = join(root, 'container.cjs');
    writeFileSync(script, CONTAINER);
    const out = {};
    const bare = await instructions(script, root, 'bare', sink.dsn);
    for (const [variant, contents] of Object.entries(ACTIONS)) {
      const dir = join(root, variant);
      const bundleBytes = await bundle(contents, dir);
      const require = await instructions(script, dir, 'require', sink.dsn);
      const ok = await instructions(script, dir, 'ok', sink.dsn);
      const fail = await instructions(script, dir, 'fail', sink.dsn);
      out[variant] = {
        bundleBytes,
        // Millions of instructions: /init (require of the bundle) over a container without an
        // action, the first /run that returns and the first that throws over /init.
        initM: round(require - bare),
        firstRunM: round(ok - require),
        firstErrorRunM: round(fail - require),
        totals: { require: round(require), ok: round(ok), fail: round(fail) },
      };
    }
    const { plain, wrapped } = out;
    out.added = {
      initM: round(wrapped.initM - plain.initM),
      firstActivationM: round(wrapped.totals.ok - plain.totals.ok),
      firstErrorActivationM: round(wrapped.totals.fail - plain.totals.fail),
    };
    out.sinkRequests = sink.requests();
    return out;
  } finally {
    await sink.close();
    rmSync(root, { recursive: true, force: true });
  }
}

function round(value) {
  return Math.round(value * 10) / 10;
}

if (isMain(import.meta.url)) {
  if (!available()) {
    console.error('valgrind and setarch are needed (Debian packages valgrind and util-linux)');
    process.exit(1);
  }
  console.log(JSON.stringify(await run(), null, 2));
}
