import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import webpack, { type Stats } from 'webpack';
import { type Receiver, startReceiver } from '../../../test-utils/receiver.js';
import { ensureBuilt } from './helpers/child.js';

// An app bundled into one file by webpack 5 for Node (`target: 'node'`, CommonJS output, minified,
// `devtool: 'source-map'`), from the built package as npm installs it: the build has nothing to
// say about the SDK, and the bundle reports through the default sender and through undici.

const ROOT = new URL('../../../', import.meta.url).pathname;
const APP = `const sdk = require('@faultline/node');

sdk.init({ dsn: process.env.FAULTLINE_DSN });
function checkout() {
  throw new Error('webpack boom');
}
try {
  checkout();
} catch (error) {
  sdk.captureException(error);
}
process.exit(3);
`;
// createUndiciExecutor loads undici, which the app installed, on its first send.
const UNDICI_APP = `const { createUndiciExecutor } = require('@faultline/node');

const executor = createUndiciExecutor({ url: process.env.ENVELOPE_URL });
const body = new TextEncoder().encode('{}\\n{"type":"event"}\\n{"message":"through undici"}\\n');
// The executor's sockets never hold the process open: the app waits for the answer itself.
const wait = setTimeout(() => {}, 10_000);
executor
  .send(body)
  .then(
    (response) => console.log('status', response.status),
    (error) => console.log('failed', error.message),
  )
  .finally(() => clearTimeout(wait));
`;

let dir: string;
let receiver: Receiver | undefined;

beforeAll(async () => {
  ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'faultline-webpack-'));
  await writeFile(join(dir, 'package.json'), '{ "name": "shop", "private": true }\n');
  await mkdir(join(dir, 'node_modules'));
  // The app's own dependency, found beside the bundle at run time (the SDK itself is bundled).
  await symlink(join(ROOT, 'node_modules/undici'), join(dir, 'node_modules/undici'));
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function bundle(name: string, source: string): Promise<{ outfile: string; stats: Stats }> {
  const entry = join(dir, `${name}.js`);
  await writeFile(entry, source);
  const compiler = webpack({
    mode: 'production',
    target: 'node',
    context: ROOT,
    entry,
    devtool: 'source-map',
    output: { path: join(dir, name), filename: 'app.js', library: { type: 'commonjs2' } },
    resolve: { modules: [join(ROOT, 'node_modules'), 'node_modules'] },
  });
  const stats = await new Promise<Stats>((resolve, reject) =>
    compiler.run((error, result) => (error || !result ? reject(error) : resolve(result))),
  );
  await new Promise((resolve) => compiler.close(resolve));
  return { outfile: join(dir, name, 'app.js'), stats };
}

function run(
  outfile: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  // Asynchronously: the receiver runs in this process.
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [outfile],
      { cwd: dir, env: { PATH: process.env.PATH, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

describe('an app bundled with webpack for Node', () => {
  it('builds without warnings, runs from its one file and reports, mapped to the app source', async () => {
    const { outfile, stats } = await bundle('app', APP);
    const info = stats.toJson({ all: false, warnings: true, errors: true });
    expect(info.errors ?? []).toEqual([]);
    expect((info.warnings ?? []).map((warning) => `${warning.moduleName}: ${warning.message}`)).toEqual([]);

    receiver = await startReceiver();
    const child = await run(outfile, { FAULTLINE_DSN: receiver.dsn });
    expect(child.stderr).toBe('');
    expect(child.code).toBe(3);
    const top = receiver.events()[0]?.exception?.values.at(-1);
    expect(top?.value).toBe('webpack boom');
    expect(top?.stacktrace?.frames.at(-1)).toMatchObject({
      lineno: 5,
      context_line: "  throw new Error('webpack boom');",
    });
  }, 120_000);

  it('sends through undici when the app picks createUndiciExecutor', async () => {
    const { outfile, stats } = await bundle('undici', UNDICI_APP);
    expect(stats.hasWarnings()).toBe(false);
    receiver = await startReceiver();
    const child = await run(outfile, { ENVELOPE_URL: `${receiver.url}/api/1/envelope/` });
    expect(child.stdout.trim()).toBe('status 200');
    expect(receiver.requests).toHaveLength(1);
  }, 120_000);
});
