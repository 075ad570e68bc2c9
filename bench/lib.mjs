// Shared helpers of the benchmark: statistics, child processes, a sink ingest and formatting.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** A DSN on a port nothing listens on: connections are refused at once. */
export const DOWN_DSN = 'http://public@127.0.0.1:9/1';

export function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Faultline's figure over Sentry's (below 1 means Faultline is smaller, faster or cheaper). */
export function ratio(faultline, sentry) {
  return Number.isFinite(faultline) && Number.isFinite(sentry) && sentry !== 0
    ? faultline / sentry
    : Number.NaN;
}

/** The environment for child processes, without SDK settings leaking in from the shell. */
export function cleanEnv(extra = {}) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(FAULTLINE|SENTRY|SPOTLIGHT)_|^NODE_OPTIONS$|^VITEST/.test(key)) delete env[key];
  }
  return { ...env, ...extra };
}

/** Runs `node ...args` to completion; resolves with its output, exit code and wall time. */
export function runNode(args, options = {}) {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd ?? ROOT,
      env: cleanEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      // Killed (and so rejected) when it runs longer than this.
      ...(options.timeoutMs ? { timeout: options.timeoutMs, killSignal: 'SIGKILL' } : {}),
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
    child.on('close', (code, signal) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0 && !options.allowFailure) {
        reject(new Error(`node ${args.join(' ')} exited with ${code ?? signal}:\n${stderr}`));
      } else {
        resolve({ code, stdout, stderr, wallMs });
      }
    });
  });
}

/** Runs a child that prints one JSON line last; resolves with it parsed. */
export async function runJson(args, options) {
  const { stdout } = await runNode(args, options);
  const line = stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`node ${args.join(' ')} printed no JSON result:\n${stdout}`);
  }
}

/** A minimal ingest on 127.0.0.1 that accepts everything (200) and counts requests. */
export async function startSink() {
  let requests = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    dsn: `http://public@127.0.0.1:${port}/1`,
    requests: () => requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Is this module the entry point of the process (`node bench/x.mjs`)? */
export function isMain(url) {
  return process.argv[1] !== undefined && fileURLToPath(url) === process.argv[1];
}

export function formatNumber(value, digits = 1) {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatRatio(value) {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';
}
