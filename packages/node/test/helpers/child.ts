import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/**
 * Runs `node [nodeArgs] fixture [args]` (a file of `fixtures/`, or an absolute path) and
 * collects what it printed and how it ended.
 */
export function runFixture(
  fixture: string,
  args: string[],
  options: { env?: Record<string, string | undefined>; nodeArgs?: string[]; timeoutMs?: number } = {},
): Promise<ChildResult> {
  const file = isAbsolute(fixture)
    ? fixture
    : fileURLToPath(new URL(`../fixtures/${fixture}`, import.meta.url));
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(FAULTLINE|SENTRY)_/.test(key) || key === 'NODE_OPTIONS' || key.startsWith('VITEST'))
      delete env[key];
  }
  Object.assign(env, options.env);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), file, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // A process that does not end is killed (then `signal` is SIGKILL) rather than hanging the test.
      ...(options.timeoutMs === undefined
        ? {}
        : { timeout: options.timeoutMs, killSignal: 'SIGKILL' as const }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code, signal, stdout, stderr, elapsedMs: performance.now() - started }),
    );
  });
}

/** What may differ between two runs of the same script: process ids. */
export function normalizeOutput(text: string): string {
  return text.replace(/\(node:\d+\)/g, '(node:PID)');
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Child processes import the built packages, as an app would. Builds core and node when
 * their dist is missing or older than the sources (`npm test` has built them already).
 */
export function ensureBuilt(): void {
  for (const pkg of ['core', 'node']) {
    const dir = join(root, 'packages', pkg);
    const out = join(dir, 'dist/index.js');
    if (existsSync(out) && statSync(out).mtimeMs >= newestMtime(join(dir, 'src'))) continue;
    execFileSync(process.execPath, [join(root, 'node_modules/tsup/dist/cli-default.js')], {
      cwd: dir,
      stdio: 'pipe',
    });
    // Node's ES module entry is written after tsup, over its CommonJS build.
    const esmEntry = join(dir, 'scripts/esm-entry.mjs');
    if (existsSync(esmEntry)) execFileSync(process.execPath, [esmEntry], { cwd: dir, stdio: 'pipe' });
  }
}
