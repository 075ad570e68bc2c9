import type { Worker } from 'node:worker_threads';

export interface SyncTarget {
  /** The envelope endpoint. */
  url: string;
  headers: Record<string, string>;
}

/**
 * The worker's code, evaluated from a string so that no extra file has to be found next to
 * the ESM or CJS build. It POSTs every body with node:http(s), then sets the shared flag and
 * wakes the waiting main thread. Any failure also sets the flag: the main thread never waits
 * longer than needed.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { url, headers, bodies, flag, timeoutMs } = workerData;
const finish = () => { Atomics.store(flag, 0, 1); Atomics.notify(flag, 0); };
try {
  const target = new URL(url);
  const http = require(target.protocol === 'https:' ? 'node:https' : 'node:http');
  let left = bodies.length;
  if (left === 0) finish();
  for (const body of bodies) {
    let done = false;
    const settle = () => { if (!done) { done = true; if (--left === 0) finish(); } };
    const req = http.request(target, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(body.byteLength) },
      timeout: timeoutMs,
    }, (res) => { res.on('end', settle); res.on('error', settle); res.resume(); });
    req.on('error', settle);
    req.on('timeout', () => req.destroy());
    req.end(body);
  }
} catch { finish(); }
`;

/**
 * Delivers envelopes while the main thread cannot run its event loop any more (inside a
 * process 'exit' listener, or a signal handler about to re-raise): a worker thread does the
 * HTTP requests and the main thread blocks on `Atomics.wait` until it is done, at most
 * `timeoutMs`. The worker starts only here, so a process that never needs it pays nothing.
 * Returns true when every request got an answer (of any status) in time.
 */
export function deliverSync(bodies: Uint8Array[], target: SyncTarget, timeoutMs: number): boolean {
  if (bodies.length === 0) return true;
  if (timeoutMs <= 0) return false;
  const flag = new Int32Array(new SharedArrayBuffer(4));
  let worker: Worker | undefined;
  try {
    // Loaded here, not imported: worker_threads costs milliseconds at startup, and most
    // processes never get here.
    const threads = process.getBuiltinModule('node:worker_threads');
    worker = new threads.Worker(WORKER_SOURCE, {
      eval: true,
      // Preloads (`--require`, `--import`) of the app must not run again in the worker.
      execArgv: [],
      // The worker has nothing to say; its output would only be buffered for a blocked thread.
      stdout: true,
      stderr: true,
      workerData: { url: target.url, headers: target.headers, bodies, flag, timeoutMs },
    });
    worker.unref();
    return Atomics.wait(flag, 0, 0, timeoutMs) !== 'timed-out';
  } catch {
    return false;
  } finally {
    void worker?.terminate().catch(() => undefined);
  }
}
