import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../../../test-utils/receiver.js';
import { ensureBuilt } from './helpers/child.js';

// An app bundled into one file with esbuild (`--bundle --platform=node`), from the built
// package as npm installs it: the pipeline the SDK loads on first need must be in the bundle,
// and the first error must arrive even when the process exits right after capturing it.

const ROOT = new URL('../../../', import.meta.url).pathname;
const APP = (load: string) => `${load}
sdk.init({ dsn: process.env.FAULTLINE_DSN });
function checkout() {
  throw new Error('bundled boom');
}
try {
  checkout();
} catch (error) {
  sdk.captureException(error);
}
process.exit(3);
`;
const ENTRIES = {
  require: APP("const sdk = require('@faultline/node');"),
  import: APP("import * as sdk from '@faultline/node';"),
};

let dir: string;
let receiver: Receiver | undefined;

beforeAll(async () => {
  ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'faultline-bundled-'));
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe('an app bundled with esbuild', () => {
  it.each(Object.keys(ENTRIES) as Array<keyof typeof ENTRIES>)(
    'from %s: runs from its one file and reports, mapped to the app source',
    async (kind) => {
      const outfile = join(dir, kind, 'server.js');
      const result = await build({
        stdin: { contents: ENTRIES[kind], resolveDir: ROOT, sourcefile: 'server.js', loader: 'js' },
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        sourcemap: 'linked',
        outfile,
        metafile: true,
        logLevel: 'silent',
      });
      const inputs = Object.keys(result.metafile.inputs);
      // An import and a require both take the ES module builds (for bundlers), which import
      // core instead of carrying their own copy of parts of it: one copy of core, shared by
      // front and pipeline, and none of the CommonJS builds that Node itself loads.
      expect(inputs.some((path) => path.endsWith('node/dist/index.module.js'))).toBe(true);
      expect(inputs.some((path) => path.endsWith('node/dist/pipeline.module.js'))).toBe(true);
      expect(
        inputs.filter((path) => /\/dist\/[\w.-]+\.cjs$/.test(path) && !path.endsWith('load-pipeline.cjs')),
      ).toEqual([]);
      expect(await readFile(outfile, 'utf8')).not.toMatch(/require\("\.\/pipeline\.(cjs|module\.js)"\)/);

      receiver = await startReceiver();
      // Run from the temporary folder, where no node_modules can be found: only the bundle.
      // (Asynchronously: the receiver runs in this process.)
      const child = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [outfile],
          { cwd: dir, env: { PATH: process.env.PATH, FAULTLINE_DSN: receiver?.dsn } },
          (error, _stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stderr }),
        );
      });
      expect(child.stderr).toBe('');
      expect(child.code).toBe(3);
      const [event] = receiver.events();
      const top = event?.exception?.values.at(-1);
      expect(top?.value).toBe('bundled boom');
      // Line 4 of the app's own source, not of the bundle: the map was read at the first error.
      expect(top?.stacktrace?.frames.at(-1)).toMatchObject({
        lineno: 4,
        context_line: "  throw new Error('bundled boom');",
      });
    },
  );

  it('with the SDK reached through several packages and both module forms: one copy of each, one client', async () => {
    const outfile = join(dir, 'mixed', 'server.js');
    const contents = `import * as esm from '@faultline/node';
const node = require('@faultline/node');
const openwhisk = require('@faultline/openwhisk');
require('@faultline/cron');
node.init({ dsn: 'https://public@o1.ingest.example.com/1' });
console.log(JSON.stringify({ same: esm.getClient() === node.getClient() && openwhisk.getClient() === node.getClient() }));
`;
    const result = await build({
      stdin: { contents, resolveDir: ROOT, sourcefile: 'server.js', loader: 'js' },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((path) => path.endsWith('node/dist/index.module.js'))).toHaveLength(1);
    expect(inputs.filter((path) => path.endsWith('core/dist/index.js'))).toHaveLength(1);
    expect(
      inputs.filter((path) => /\/dist\/[\w.-]+\.cjs$/.test(path) && !path.endsWith('load-pipeline.cjs')),
    ).toEqual([]);
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [outfile], { cwd: dir, env: { PATH: process.env.PATH } }, (error, out) =>
        error ? reject(error) : resolve(out),
      );
    });
    expect(JSON.parse(stdout)).toEqual({ same: true });
  });
});
