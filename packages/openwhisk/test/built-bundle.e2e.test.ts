// An action bundled from the built packages, as npm installs them (the other suites bundle the
// sources): `require('@faultline/openwhisk')` takes the ES module builds of the SDK, with one
// copy of core, and the zipped bundle reports its first error through the action proxy before
// the activation answers.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../../../test-utils/receiver.js';
import { ensureBuilt } from '../../node/test/helpers/child.js';
import { type ActionProxy, activation, startActionProxy } from './harness/harness.js';
import { zipBase64 } from './harness/zip.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PACKAGE = join(ROOT, 'packages/openwhisk');
const ACTION = `const { wrapAction } = require('@faultline/openwhisk');
exports.main = wrapAction(async (params) => {
  if (params.fail) throw new Error('payment provider unreachable');
  return { ok: true };
});
`;

let zip: string;
let bundle: string;
let inputs: string[];
let proxy: ActionProxy | undefined;
let receiver: Receiver | undefined;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

beforeAll(async () => {
  ensureBuilt();
  const out = join(PACKAGE, 'dist/index.js');
  if (!existsSync(out) || statSync(out).mtimeMs < newestMtime(join(PACKAGE, 'src'))) {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/tsup/dist/cli-default.js')], {
      cwd: PACKAGE,
      stdio: 'pipe',
    });
  }
  const result = await build({
    stdin: { contents: ACTION, resolveDir: ROOT, sourcefile: 'index.js', loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  inputs = Object.keys((result.metafile as Metafile).inputs);
  bundle = result.outputFiles[0]?.text ?? '';
  zip = zipBase64({ 'index.js': bundle });
}, 120_000);

afterEach(async () => {
  await proxy?.close();
  await receiver?.close();
  proxy = undefined;
  receiver = undefined;
});

async function coldContainer(): Promise<ActionProxy> {
  receiver = await startReceiver();
  proxy = await startActionProxy();
  const init = await proxy.init({
    name: 'checkout',
    main: 'main',
    code: zip,
    binary: true,
    env: { FAULTLINE_DSN: receiver.dsn },
  });
  expect(init).toMatchObject({ status: 200, body: { OK: true } });
  return proxy;
}

describe('an action bundled from the built packages', () => {
  it('holds the ES module builds and one copy of core', () => {
    const has = (file: string) => inputs.some((path) => path.endsWith(file));
    expect(has('node/dist/index.module.js')).toBe(true);
    expect(has('node/dist/pipeline.module.js')).toBe(true);
    // The CommonJS builds carry their own copy of parts of core.
    expect(has('node/dist/index.cjs')).toBe(false);
    expect(has('node/dist/pipeline.cjs')).toBe(false);
    expect(has('core/dist/index.cjs')).toBe(false);
  });

  it('is ASCII only, so the runtime reads it as a one-byte string', () => {
    // One character above U+007F anywhere makes Node decode the whole file on its slower UTF-8
    // path and hold it as a two-byte string: a slower require at /init, and again when the first
    // error reads context lines from it.
    const wide = [...bundle.matchAll(/[^\0-\x7f]/g)].map((m) => bundle.slice(m.index - 30, m.index + 5));
    expect(wide).toEqual([]);
  });

  it('answers its first activation unchanged and sends nothing', async () => {
    const container = await coldContainer();
    const res = await container.run(activation('b1'));
    expect(res).toMatchObject({ status: 200, body: { ok: true } });
    expect(receiver?.events()).toEqual([]);
  });

  it('delivers the first error of a fresh container before the activation answers', async () => {
    const container = await coldContainer();
    const res = await container.run(activation('b2', { fail: true }));
    expect(res.status).toBe(200);
    expect(res.body.error).toMatchObject({ message: 'payment provider unreachable' });
    const events = receiver?.events() ?? [];
    expect(events).toHaveLength(1);
    expect(events[0]?.tags?.['openwhisk.activation_id']).toBe('b2');
    expect(events[0]?.exception?.values.at(-1)?.value).toBe('payment provider unreachable');
    for (const req of receiver?.requests ?? []) expect(req.receivedAt).toBeLessThanOrEqual(res.receivedAt);
  });
});
