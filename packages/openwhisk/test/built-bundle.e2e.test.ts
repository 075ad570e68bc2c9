// An action bundled from the built packages, as npm installs them (the other suites bundle the
// sources): `require('@faultline/openwhisk')` takes the ES module builds of the SDK, with one
// copy of core, and the zipped bundle reports its first error through the action proxy before
// the activation answers.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

  it("runs core's event pipeline only once an activation captures something", async () => {
    // The bundle holds all of core, but a cold start should pay only for what init runs: the
    // modules of core's and Node's event pipeline are evaluated at the first capture. Checked
    // with V8's function call counts (the bundler's per-module init functions are named after
    // the module's path) in a fresh process per case, as a container is.
    receiver = await startReceiver();
    const dir = mkdtempSync(join(tmpdir(), 'faultline-bundle-'));
    try {
      writeFileSync(join(dir, 'index.js'), bundle);
      writeFileSync(join(dir, 'package.json'), '{"type":"commonjs"}');
      const modulesRun = (params: string): string[] => {
        const script = `
          const inspector = require('node:inspector');
          const session = new inspector.Session();
          session.connect();
          const post = (method, args) => new Promise((ok, fail) => session.post(method, args, (e, r) => (e ? fail(e) : ok(r))));
          (async () => {
            await post('Profiler.enable');
            await post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
            const { main } = require(${JSON.stringify(join(dir, 'index.js'))});
            // The failing action's error goes on to the runtime, as it should.
            await main(${params}).catch(() => undefined);
            const { result } = await post('Profiler.takePreciseCoverage');
            const run = result
              .flatMap((script) => script.functions)
              .filter((fn) => /^[\\w./-]+\\/dist\\/[\\w.-]+\\.c?js$/.test(fn.functionName) && fn.ranges[0].count > 0)
              .map((fn) => fn.functionName.slice(fn.functionName.indexOf('packages/') + 9));
            process.stdout.write(JSON.stringify([...new Set(run)].sort()));
            process.exit(0);
          })();`;
        const out = execFileSync(process.execPath, ['-e', script], {
          cwd: dir,
          env: { PATH: process.env.PATH ?? '', FAULTLINE_DSN: receiver?.dsn ?? '' },
          encoding: 'utf8',
        });
        return JSON.parse(out) as string[];
      };
      const success = modulesRun('{}');
      expect(success).toContain('openwhisk/dist/index.js');
      expect(success).toContain('node/dist/index.module.js');
      expect(success).toContain('core/dist/front.js');
      expect(success).not.toContain('core/dist/index.js');
      expect(success).not.toContain('node/dist/pipeline.module.js');
      const failure = modulesRun('{ fail: true }').filter((name) => !success.includes(name));
      expect(failure).toEqual(expect.arrayContaining(['core/dist/index.js', 'node/dist/pipeline.module.js']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
