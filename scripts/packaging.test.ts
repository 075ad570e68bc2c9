import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Installed, PACKAGES, packAndInstall, ROOT } from './packaging/install.js';

// The packed tarballs, installed into a fresh folder: type-checked by a consumer app under
// TypeScript 5.9 and 7, then every bin and every README quick start run as a user would.

let app: Installed;
beforeAll(async () => {
  app = await packAndInstall();
}, 240_000);
afterAll(() => app?.remove(), 120_000);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function exec(file: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: app.dir, env: { ...process.env, ...env }, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const bin = (name: string) => join(app.dir, 'node_modules/.bin', name);

describe('type-check of a consumer app against the tarballs', () => {
  const TS5 = join(ROOT, 'node_modules/typescript/bin/tsc');
  const TS7 = join(ROOT, 'tools/typescript7/node_modules/typescript/bin/tsc');
  const MODULE = { node16: 'node16', bundler: 'esnext', node10: 'commonjs' } as const;
  type Resolution = keyof typeof MODULE;
  // TypeScript 7 removed `moduleResolution: node10` and `esModuleInterop: false` (error TS5108).
  const cases: Array<[string, string, Resolution, boolean]> = [];
  for (const resolution of ['node16', 'bundler', 'node10'] as const) {
    for (const interop of [true, false]) cases.push(['5.9', TS5, resolution, interop]);
  }
  for (const resolution of ['node16', 'bundler'] as const) cases.push(['7', TS7, resolution, true]);

  function tsconfig(
    name: string,
    resolution: Resolution,
    interop: boolean,
    part: 'plain' | 'frameworks',
  ): string {
    const files =
      part === 'frameworks'
        ? ['src/frameworks.ts']
        : resolution === 'node16'
          ? ['src/plain.ts', 'src/require.cts']
          : ['src/plain.ts'];
    const compilerOptions: Record<string, unknown> = {
      target: 'es2022',
      lib: ['es2022', 'dom'],
      module: MODULE[resolution],
      moduleResolution: resolution,
      esModuleInterop: interop,
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      noEmit: true,
      // TypeScript's own lib files need no checking here (half the time of a run).
      skipDefaultLibCheck: true,
      // Our declarations are checked with no @types package loaded; the framework part only
      // checks how apps use the middleware types, not the frameworks' own declarations.
      ...(part === 'plain' ? { types: [], skipLibCheck: false } : { skipLibCheck: true }),
    };
    const file = join(app.dir, `tsconfig.${name}.json`);
    writeFileSync(file, JSON.stringify({ compilerOptions, files }));
    return file;
  }

  it(`passes under ${cases.length} compiler settings, with and without @types/node`, async () => {
    // How apps type the middleware callbacks does not depend on esModuleInterop: that part runs
    // with it on only.
    const jobs = cases.flatMap(([version, tsc, resolution, interop]) =>
      (interop ? (['plain', 'frameworks'] as const) : (['plain'] as const)).map((part) => {
        const name = `ts${version}-${resolution}-interop-${interop ? 'on' : 'off'}-${part}`;
        return { name, tsc, config: tsconfig(name, resolution, interop, part) };
      }),
    );
    const failures: string[] = [];
    // Two compilers at a time.
    const queue = [...jobs];
    await Promise.all(
      [0, 1].map(async () => {
        for (let job = queue.shift(); job; job = queue.shift()) {
          const result = await exec(process.execPath, [job.tsc, '-p', job.config]);
          if (result.code !== 0) failures.push(`${job.name}:\n${result.stdout}${result.stderr}`);
        }
      }),
    );
    expect(failures.join('\n')).toBe('');
    expect(jobs).toHaveLength(13);
  }, 300_000);
});

describe('the tarballs', () => {
  it('each holds its LICENSE, README, the sources its maps name, and links no file outside itself', () => {
    for (const name of PACKAGES) {
      const dir = join(app.dir, 'node_modules/@faultline', name);
      expect(existsSync(join(dir, 'LICENSE')), `${name} LICENSE`).toBe(true);
      const readme = readFileSync(join(dir, 'README.md'), 'utf8');
      const relative = [...readme.matchAll(/\]\((\.[^)]*)\)/g)].map((m) => m[1] ?? '');
      const missing = relative.filter((link) => !existsSync(join(dir, link.split('#')[0] ?? '')));
      expect(missing, `${name} README links`).toEqual([]);
      for (const map of readdirSync(join(dir, 'dist')).filter(
        (f) => f.endsWith('.js.map') || f.endsWith('.cjs.map'),
      )) {
        const parsed = JSON.parse(readFileSync(join(dir, 'dist', map), 'utf8')) as {
          sources: string[];
          sourcesContent?: Array<string | null>;
        };
        parsed.sources.forEach((source, i) => {
          // Node resolves frames of the SDK in-process: a frame mapped to a file that is not
          // there cannot be opened. The script-tag bundle is resolved by a backend from its
          // uploaded map, which must carry the sources itself.
          const present =
            map === 'faultline.min.js.map'
              ? typeof parsed.sourcesContent?.[i] === 'string'
              : existsSync(join(dir, 'dist', source));
          expect(present, `${name}/dist/${map} names ${source}`).toBe(true);
        });
      }
    }
  });
});

describe('the bins and README quick starts, run as a user would', () => {
  let receiver: ChildProcess | undefined;
  let dsn = '';
  let saveDir = '';

  beforeAll(async () => {
    saveDir = mkdtempSync(join(tmpdir(), 'faultline-saved-'));
    receiver = spawn(bin('faultline-dev'), ['--port', '0', '--save', saveDir], { cwd: app.dir });
    dsn = await new Promise<string>((resolve, reject) => {
      let out = '';
      receiver?.stdout?.on('data', (chunk: Buffer) => {
        out += chunk;
        const match = /DSN: (\S+)/.exec(out);
        if (match?.[1]) resolve(match[1]);
      });
      receiver?.on('exit', (code) => reject(new Error(`faultline-dev exited with ${code}: ${out}`)));
    });
  }, 60_000);
  afterAll(async () => {
    receiver?.kill('SIGTERM');
    await rm(saveDir, { recursive: true, force: true });
  });

  /** Every item received so far, decoded with the installed test kit's envelope parser. */
  async function received(): Promise<Array<{ type: string; payload: Record<string, unknown> }>> {
    const { decodeEnvelope } = (await import(
      join(app.dir, 'node_modules/@faultline/core/dist/testing/index.js')
    )) as typeof import('@faultline/core/testing');
    return readdirSync(saveDir)
      .sort()
      .flatMap((file) =>
        decodeEnvelope(readFileSync(join(saveDir, file))).items.map(([h, payload]) => ({
          type: h.type,
          payload: payload as Record<string, unknown>,
        })),
      );
  }
  const events = async () => (await received()).filter((i) => i.type === 'event').map((i) => i.payload);
  const checkIns = async () => (await received()).filter((i) => i.type === 'check_in').map((i) => i.payload);

  it('faultline-dev and faultline-symbolicate answer --help on stdout', async () => {
    for (const name of ['faultline-dev', 'faultline-symbolicate', 'faultline-cron']) {
      const result = await exec(bin(name), ['--help']);
      expect(result.code, name).toBe(0);
      expect(result.stdout, name).toMatch(new RegExp(`usage: ${name}`, 'i'));
    }
  });

  it('npx -p @faultline/node faultline-dev finds the installed bin', async () => {
    const result = await exec('npx', ['--offline', '-p', '@faultline/node', 'faultline-dev', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/usage: faultline-dev/);
  });

  it('express: a thrown error arrives with the route template', async () => {
    const result = await exec('node', ['run/express.mjs'], { FAULTLINE_DSN: dsn });
    expect(result.stdout).toContain('status 500');
    const event = (await events()).find((e) => e.transaction === 'GET /users/:id');
    expect(event?.release).toBe('shop@1.4.2');
  });

  it('fastify: a thrown error arrives with the route template', async () => {
    const result = await exec('node', ['run/fastify.mjs'], { FAULTLINE_DSN: dsn });
    expect(result.stdout).toContain('status 500');
    expect((await events()).some((e) => e.transaction === 'GET /orders/:id')).toBe(true);
  });

  it('cron: a failing node-cron job sends in_progress then error', async () => {
    await exec('node', ['run/cron.mjs'], { FAULTLINE_DSN: dsn });
    const statuses = (await checkIns()).filter((c) => c.monitor_slug === 'invoice-sync').map((c) => c.status);
    expect(statuses).toEqual(['in_progress', 'error']);
  });

  it('faultline-cron: wraps a failing command, keeps its exit code, rejects a bad schedule', async () => {
    const run = await exec(
      bin('faultline-cron'),
      ['--slug', 'nightly-backup', '--schedule', '0 2 * * *', '--', 'node', '-e', 'process.exit(3)'],
      {
        FAULTLINE_DSN: dsn,
      },
    );
    expect(run.code).toBe(3);
    const statuses = (await checkIns())
      .filter((c) => c.monitor_slug === 'nightly-backup')
      .map((c) => c.status);
    expect(statuses).toEqual(['in_progress', 'error']);
    const bad = await exec(bin('faultline-cron'), [
      '--slug',
      'x',
      '--schedule',
      'every 5 minutes',
      '--',
      'true',
    ]);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/--schedule/);
  });

  it('openwhisk: a failing activation is reported and the error rethrown', async () => {
    const result = await exec('node', ['run/openwhisk.cjs'], { FAULTLINE_DSN: dsn });
    expect(result.stdout).toContain('{"thumbnail":"small cat.png"}');
    expect(result.stdout).toContain('rethrown: no image given');
    const values = (await events()).map((e) => JSON.stringify(e.exception ?? ''));
    expect(values.some((v) => v.includes('no image given'))).toBe(true);
  });

  it('browser: the README code bundles, and the script-tag build exposes Faultline.init', async () => {
    const esbuild = join(ROOT, 'node_modules/.bin/esbuild');
    const bundled = await exec(esbuild, [
      'run/browser.ts',
      '--bundle',
      '--minify',
      '--format=esm',
      '--platform=browser',
    ]);
    expect(bundled.code, bundled.stderr).toBe(0);
    expect(bundled.stdout.length).toBeGreaterThan(1000);
    const script = readFileSync(
      join(app.dir, 'node_modules/@faultline/browser/dist/faultline.min.js'),
      'utf8',
    );
    const { TextEncoder, TextDecoder, URL, URLSearchParams, setTimeout, clearTimeout } = globalThis;
    const page: Record<string, unknown> = {
      TextEncoder,
      TextDecoder,
      URL,
      URLSearchParams,
      setTimeout,
      clearTimeout,
    };
    page.window = page;
    page.self = page;
    runInNewContext(script, page);
    expect(typeof (page.Faultline as { init?: unknown } | undefined)?.init).toBe('function');
  });

  it('the test kit recipe passes with several tests', async () => {
    const result = await exec('node', ['--test', 'run/testkit.test.mjs']);
    expect(result.stdout, result.stderr).toMatch(/# pass 3/);
    expect(result.code).toBe(0);
  });
});
