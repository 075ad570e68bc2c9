#!/usr/bin/env node
// Runs the OpenWhisk harness and end-to-end suites against the real Apache OpenWhisk Node.js
// runtime instead of the stand-in proxy (test/harness/action-proxy.cjs). Not part of `npm test`:
// it needs a checkout of the runtime and the npm registry for the runtime's own dependencies.
//
//   git clone https://github.com/apache/openwhisk-runtime-nodejs /src/openwhisk-runtime-nodejs
//   OPENWHISK_RUNTIME_NODEJS=/src/openwhisk-runtime-nodejs node packages/openwhisk/scripts/real-runtime.mjs
//
// The runtime's files (core/nodejsActionBase) are laid out as in its image, outside the
// repository: the proxy in `<tmp>/faultline-ow-runtime-<hash>/nodejsAction`, its dependencies
// installed one level up (the image installs them at `/`). The harness then starts it with
// `node --expose-gc app.js` per test, moved from port 8080 on every interface to 127.0.0.1 and an
// ephemeral port (test/harness/listen-loopback.cjs). Extra arguments are passed to vitest
// (test files or `-t <name>`); without any, the suites that drive the proxy run.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FILES = ['app.js', 'runner.js', 'package.json', 'src', 'platform'];
const SUITES = [
  'packages/openwhisk/test/harness/harness.test.ts',
  'packages/openwhisk/test/wrap-action.e2e.test.ts',
  'packages/openwhisk/test/activation-isolation.e2e.test.ts',
  'packages/openwhisk/test/built-bundle.e2e.test.ts',
];

const checkout = process.env.OPENWHISK_RUNTIME_NODEJS;
if (!checkout) {
  console.error('Set OPENWHISK_RUNTIME_NODEJS to a checkout of apache/openwhisk-runtime-nodejs.');
  process.exit(2);
}
const base = [join(checkout, 'core/nodejsActionBase'), checkout].find((dir) =>
  existsSync(join(dir, 'runner.js')),
);
if (!base) {
  console.error(`No core/nodejsActionBase/runner.js in ${checkout}.`);
  process.exit(2);
}

// One folder per runtime revision (its files' content), reused across runs.
const hash = createHash('sha256');
for (const name of ['package.json', 'runner.js', 'app.js', 'src/service.js']) {
  hash.update(readFileSync(join(base, name)));
}
const root = join(tmpdir(), `faultline-ow-runtime-${hash.digest('hex').slice(0, 12)}`);
const proxy = join(root, 'nodejsAction');
mkdirSync(proxy, { recursive: true });
for (const name of FILES) cpSync(join(base, name), join(proxy, name), { recursive: true });
cpSync(join(base, 'package.json'), join(root, 'package.json'));
if (!existsSync(join(root, 'node_modules/express'))) {
  console.log(`Installing the runtime's dependencies in ${root}`);
  const npm = spawnSync('npm', ['install', '--omit=dev', '--no-package-lock', '--ignore-scripts'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (npm.status !== 0) process.exit(npm.status ?? 1);
}

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const args = process.argv.slice(2);
const vitest = join(repo, 'node_modules/vitest/vitest.mjs');
const run = spawnSync(
  process.execPath,
  [vitest, 'run', '--project', 'openwhisk', ...(args.length ? args : SUITES)],
  {
    cwd: repo,
    stdio: 'inherit',
    env: { ...process.env, OPENWHISK_RUNTIME_DIR: proxy },
  },
);
process.exit(run.status ?? 1);
