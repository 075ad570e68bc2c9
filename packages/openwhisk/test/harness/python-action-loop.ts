/**
 * Drives a Python action through the action-loop protocol of the OpenWhisk Python runtime, with
 * the tiny launcher beside this file: an activation is one JSON line on the launcher's stdin, the
 * result one JSON line on its file descriptor 3. After each result the end-of-activation marker
 * is appended to both logs, as the runtime's proxy does.
 *
 * @example
 * const loop = await startPythonActionLoop({ action: 'examples/openwhisk-python/action/__main__.py' });
 * const res = await loop.run(activation('a1', { mode: 'raise' }));
 * await loop.close();
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { type RunBody, SENTINEL } from './harness.js';

const LAUNCHER = fileURLToPath(new URL('./action-loop-launcher.py', import.meta.url));

/** A Python 3 that can import sentry_sdk (Debian's python3-sentry-sdk is for /usr/bin/python3). */
export function findPython(): string | undefined {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    const probe = spawnSync(candidate, ['-c', 'import sentry_sdk'], { stdio: 'ignore' });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

export interface PythonLoopOptions {
  /** The action's `__main__.py`. */
  action: string;
  python?: string;
  /** Container environment; the parent's is not inherited. */
  env?: Record<string, string>;
}

export interface LoopResponse {
  result: any;
  sentAt: number;
  receivedAt: number;
}

export interface PythonActionLoop {
  child: ChildProcess;
  run(body: RunBody): Promise<LoopResponse>;
  stdoutText(): string;
  stderrText(): string;
  close(): Promise<void>;
}

export async function startPythonActionLoop(options: PythonLoopOptions): Promise<PythonActionLoop> {
  const python = options.python ?? findPython();
  if (!python) throw new Error('no python3 with sentry_sdk');
  const child = spawn(python, ['-u', LAUNCHER, options.action], {
    cwd: dirname(options.action),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (t: string) => (stdout += t));
  child.stderr?.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  const results = child.stdio[3] as Readable;
  const input = child.stdin as Writable;
  let buffered = '';
  const waiting: Array<(line: string) => void> = [];
  results.setEncoding('utf8').on('data', (text: string) => {
    buffered += text;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      waiting.shift()?.(line);
    }
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let queue = Promise.resolve();
  return {
    child,
    run(body) {
      const next = queue.then(
        () =>
          new Promise<LoopResponse>((resolve, reject) => {
            const sentAt = Date.now();
            const onExit = () => reject(new Error(`launcher exited: ${stderr}`));
            child.once('exit', onExit);
            waiting.push((line) => {
              child.off('exit', onExit);
              // stdout and stderr are flushed before the result: let their last chunks land.
              setImmediate(() => {
                stdout += `${SENTINEL}\n`;
                stderr += `${SENTINEL}\n`;
                resolve({ result: JSON.parse(line), sentAt, receivedAt: Date.now() });
              });
            });
            input.write(`${JSON.stringify(body)}\n`);
          }),
      );
      queue = next.then(
        () => undefined,
        () => undefined,
      );
      return next;
    },
    stdoutText: () => stdout,
    stderrText: () => stderr,
    async close() {
      input.end();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
