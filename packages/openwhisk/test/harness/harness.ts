/**
 * Parent side of the action-proxy harness: starts `action-proxy.cjs` in a child process from a
 * temporary `.../nodejsAction` folder (the image's working directory), then drives it the way
 * the OpenWhisk invoker does: one `POST /init`, then `POST /run` per activation.
 *
 * With `OPENWHISK_RUNTIME_DIR` set to a checkout of the real runtime's `core/nodejsActionBase`
 * whose npm dependencies are installed (in it or in its parent folder), the same tests drive the
 * real proxy instead: see packages/openwhisk/scripts/real-runtime.sh.
 *
 * @example
 * const proxy = await startActionProxy();
 * await proxy.init({ main: 'main', code: 'function main(p) { return { hi: p.name }; }' });
 * const res = await proxy.run({ value: { name: 'x' }, activation_id: 'a1', deadline: String(Date.now() + 60_000) });
 * await proxy.close();
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = join(here, '../../../..');
const require = createRequire(import.meta.url);

export const SENTINEL = 'XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX';

export interface ProxyOptions {
  /** Container environment (as `docker run -e`); the parent's environment is not inherited. */
  env?: Record<string, string>;
  /** Sets `__OW_ALLOW_CONCURRENT=true` in the container environment. */
  allowConcurrent?: boolean;
  /** An `unzip` executable: zip actions are unpacked with it, as the real runner does (else adm-zip). */
  unzip?: string;
}

export interface InitValue {
  name?: string;
  main: string;
  code: string;
  binary?: boolean;
  env?: Record<string, unknown>;
}

export interface RunBody {
  value?: unknown;
  activation_id?: string;
  action_name?: string;
  action_version?: string;
  namespace?: string;
  transaction_id?: string;
  deadline?: string | number;
  api_key?: string;
  [key: string]: unknown;
}

export interface ProxyResponse {
  status: number;
  body: any;
  /** `Date.now()` when the whole response had arrived. */
  receivedAt: number;
  /** `Date.now()` when the request was sent. */
  sentAt: number;
}

export interface Chunk {
  text: string;
  at: number;
}

export interface ActionProxy {
  url: string;
  /** The proxy's working directory, ending in `/nodejsAction` (archives unpack below it). */
  cwd: string;
  child: ChildProcess;
  stdout: Chunk[];
  stderr: Chunk[];
  stdoutText(): string;
  stderrText(): string;
  /**
   * Resolves once stdout and stderr each hold `count` end-of-activation markers (rejects after
   * `timeoutMs`). The proxy prints the marker before it answers, but the pipes may deliver it
   * after the response: like the invoker's log collector, read the logs up to the marker.
   */
  waitForSentinels(count: number, timeoutMs?: number): Promise<void>;
  /** Resolves when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  init(value: InitValue): Promise<ProxyResponse>;
  run(body?: RunBody): Promise<ProxyResponse>;
  post(path: string, body: string, contentType?: string): Promise<ProxyResponse>;
  close(): Promise<void>;
}

/** A `/run` body as the invoker builds it: `{value} ++ environment`, `deadline` as a string. */
export function activation(id: string, value: unknown = {}, extra: Partial<RunBody> = {}): RunBody {
  return {
    value,
    namespace: 'guest',
    action_name: '/guest/demo/hello',
    action_version: '0.0.1',
    activation_id: id,
    transaction_id: `tx-${id}`,
    deadline: String(Date.now() + 60_000),
    ...extra,
  };
}

/** The real runtime to drive instead of the stand-in, when `OPENWHISK_RUNTIME_DIR` names one. */
export const REAL_RUNTIME_DIR = process.env.OPENWHISK_RUNTIME_DIR || undefined;

/**
 * Lays out the real runtime as its image does: the proxy's files in `nodejsAction/`, its npm
 * dependencies one level up (the image installs them at `/`, so actions can require them too).
 */
function layOutRealRuntime(runtime: string, root: string, cwd: string): void {
  for (const name of ['app.js', 'runner.js', 'package.json', 'src', 'platform']) {
    cpSync(join(runtime, name), join(cwd, name), { recursive: true });
  }
  copyFileSync(join(runtime, 'package.json'), join(root, 'package.json'));
  const modules = [join(runtime, 'node_modules'), join(runtime, '..', 'node_modules')].find((dir) =>
    existsSync(join(dir, 'express')),
  );
  if (!modules) throw new Error(`no node_modules with express in or above ${runtime}: run npm install there`);
  symlinkSync(realpathSync(modules), join(root, 'node_modules'), 'dir');
}

export async function startActionProxy(options: ProxyOptions = {}): Promise<ActionProxy> {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'ow-harness-')));
  const cwd = join(root, 'nodejsAction');
  mkdirSync(cwd);
  let args: string[];
  if (REAL_RUNTIME_DIR) {
    layOutRealRuntime(REAL_RUNTIME_DIR, root, cwd);
    // The real proxy binds 8080 on every interface: moved to 127.0.0.1 and an ephemeral port.
    args = ['--expose-gc', '-r', join(here, 'listen-loopback.cjs'), 'app.js'];
  } else {
    copyFileSync(join(here, 'action-proxy.cjs'), join(cwd, 'app.js'));
    // The image's working directory also holds the runtime's own package.json.
    writeFileSync(join(cwd, 'package.json'), JSON.stringify({ name: 'nodejsAction', version: '0.0.1' }));
    const deps = {
      admZip: require.resolve('adm-zip'),
      serializeError: join(repoRoot, 'node_modules/serialize-error/index.js'),
      ...(options.unzip ? { unzip: options.unzip } : {}),
    };
    args = ['--expose-gc', 'app.js', JSON.stringify(deps)];
  }
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env };
  if (options.allowConcurrent) env.__OW_ALLOW_CONCURRENT = 'true';
  const child = spawn(process.execPath, args, {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Chunk[] = [];
  const stderr: Chunk[] = [];
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => stderr.push({ text, at: Date.now() }));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const port = await new Promise<number>((resolve, reject) => {
    let seen = '';
    child.stdout?.on('data', (text: string) => {
      stdout.push({ text, at: Date.now() });
      seen += text;
      const m = /OW_HARNESS_PORT (\d+)\n/.exec(seen);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) =>
      reject(new Error(`action proxy exited early (${code}): ${stderr.map((c) => c.text).join('')}`)),
    );
  });
  const url = `http://127.0.0.1:${port}`;

  // node:http rather than fetch: one fresh connection per request, like separate invoker calls.
  const post = (path: string, body: string, contentType = 'application/json'): Promise<ProxyResponse> =>
    new Promise((resolve, reject) => {
      const sentAt = Date.now();
      const req = request(
        `${url}${path}`,
        { method: 'POST', agent: false, headers: { 'content-type': contentType } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const receivedAt = Date.now();
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // Leave non-JSON answers as text.
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, receivedAt, sentAt });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  let closed = false;
  return {
    url,
    cwd,
    child,
    stdout,
    stderr,
    stdoutText: () => stdout.map((c) => c.text).join(''),
    stderrText: () => stderr.map((c) => c.text).join(''),
    async waitForSentinels(count, timeoutMs = 2000) {
      const seen = (chunks: Chunk[]) =>
        chunks
          .map((c) => c.text)
          .join('')
          .split(SENTINEL).length - 1;
      const until = Date.now() + timeoutMs;
      while (seen(stdout) < count || seen(stderr) < count) {
        if (Date.now() > until) {
          throw new Error(
            `expected ${count} end markers, saw ${seen(stdout)} on stdout, ${seen(stderr)} on stderr`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    exited,
    init: (value) => post('/init', JSON.stringify({ value })),
    run: (body = {}) => post('/run', JSON.stringify(body)),
    post,
    async close() {
      if (closed) return;
      closed = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      rmSync(root, { recursive: true, force: true });
    },
  };
}
