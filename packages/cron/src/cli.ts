#!/usr/bin/env node
import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:os';
import { performance } from 'node:perf_hooks';
import { captureCheckIn, captureEvent, close, getClient, init } from '@faultline/node';
import { type CliArgs, parseCliArgs } from './cli-args.js';
import { normalizeSlug, toMonitorConfig } from './monitor-config.js';

const KILL_GRACE_MS = 5000;
/** Longest delay a timer can hold (about 24.8 days); Node fires a longer one at once. */
const MAX_TIMER_MS = 2_147_483_647;

async function main(argv: string[]): Promise<number> {
  const parsed = parseCliArgs(argv);
  if ('help' in parsed) {
    process.stdout.write(`${parsed.help}\n`);
    return 0;
  }
  if ('error' in parsed) {
    process.stderr.write(`faultline-cron: ${parsed.error}\n`);
    return 64; // EX_USAGE
  }
  const client = safely(() => init({ captureUnhandled: false }));
  if (!client?.enabled) {
    process.stderr.write(
      'faultline-cron: FAULTLINE_DSN is not set; running the command without monitoring\n',
    );
  }
  const outcome = await run(parsed);
  safely(() => report(parsed, outcome));
  await safelyAsync(() => close(parsed.flushTimeoutMs));
  if (outcome.signal && outcome.reason !== 'timeout') endBy(outcome.signal);
  return outcome.exitCode;
}

/**
 * Signals whose default action ends a process without a core dump, and that Node leaves at that
 * default (it ignores SIGPIPE and opens its inspector on SIGUSR1).
 */
const RAISED = new Set<NodeJS.Signals>(['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGKILL', 'SIGALRM', 'SIGUSR2']);

/** Set once this process raised a signal on itself to end by it. */
let raisedSignal = false;

/**
 * Ends this process by the signal that ended the command, as GNU `timeout` does, so that what
 * started the CLI sees what it would have seen without it: a shell stops its loop or script when
 * a job dies of SIGINT (it does not when the job exits 130), and a supervisor records a kill,
 * not an exit. Where the signal does not end the process (one it inherited as ignored, or one
 * whose default dumps core), the caller exits 128 + its number instead.
 */
function endBy(signal: NodeJS.Signals): void {
  if (!RAISED.has(signal)) return;
  try {
    process.removeAllListeners(signal);
    raisedSignal = true;
    process.kill(process.pid, signal);
  } catch {
    // The exit code tells the signal instead.
  }
}

interface Outcome {
  exitCode: number;
  signal?: NodeJS.Signals;
  reason?: 'timeout' | 'forwarded' | 'spawn';
  spawnError?: string;
  durationSeconds: number;
  stderrTail: string[];
  checkInId?: string | undefined;
}

function run(args: CliArgs): Promise<Outcome> {
  const slug = normalizeSlug(args.slug);
  const config = safely(() => toMonitorConfig(args.monitor, getClient()?.logger));
  const checkInId = safely(() => captureCheckIn({ monitorSlug: slug, status: 'in_progress' }, config));
  const started = performance.now();
  const tail = createTail(args.stderrLines);
  return new Promise((resolve) => {
    let reason: Outcome['reason'];
    let command: ChildProcess | undefined;
    /** A signal that arrived before the command started, delivered once it has. */
    let early: NodeJS.Signals | undefined;
    const kill = (signal: NodeJS.Signals) => {
      if (!command) {
        early ??= signal;
        return;
      }
      try {
        if (command.pid) process.kill(-command.pid, signal);
      } catch {
        command.kill(signal);
      }
    };
    const forward = (signal: NodeJS.Signals) => () => {
      reason ??= 'forwarded';
      kill(signal);
    };
    // Every signal that ends a process by default and may come from outside (a scheduler, a
    // closed terminal): unhandled, it would end this process and leave the command, in its own
    // process group, running unreported. Listened for before the command starts, so that none
    // can slip in between.
    const forwarded = (['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT'] as const).map(
      (signal) => [signal, forward(signal)] as const,
    );
    for (const [signal, listener] of forwarded) process.on(signal, listener);
    // Its own process group, so a forwarded signal or a timeout reaches everything the command
    // started (a shell's children too), as when the scheduler stops a whole container.
    const child = spawn(args.command, args.args, { stdio: ['inherit', 'inherit', 'pipe'], detached: true });
    command = child;
    if (early) kill(early);
    child.stderr?.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      tail.push(chunk);
    });
    let killTimer: NodeJS.Timeout | undefined;
    const timeout =
      args.timeoutSeconds === undefined
        ? undefined
        : setTimeout(
            () => {
              reason = 'timeout';
              kill('SIGTERM');
              killTimer = setTimeout(() => kill('SIGKILL'), KILL_GRACE_MS);
            },
            Math.min(args.timeoutSeconds * 1000, MAX_TIMER_MS),
          );
    let finished = false;
    const finish = (outcome: Omit<Outcome, 'durationSeconds' | 'stderrTail' | 'checkInId'>) => {
      if (finished) return;
      finished = true;
      for (const [signal, listener] of forwarded) process.off(signal, listener);
      clearTimeout(timeout);
      clearTimeout(killTimer);
      const durationSeconds = (performance.now() - started) / 1000;
      resolve({ ...outcome, durationSeconds, stderrTail: tail.lines(), checkInId });
    };
    child.on('error', (error) => {
      process.stderr.write(`faultline-cron: could not start "${args.command}": ${error.message}\n`);
      // The codes a shell uses: 126 found but not executable, 127 not found.
      const code = (error as NodeJS.ErrnoException).code;
      const exitCode = code === 'EACCES' || code === 'EISDIR' || code === 'ENOEXEC' ? 126 : 127;
      finish({ exitCode, reason: 'spawn', spawnError: error.message });
    });
    // 'exit' rather than 'close': a grandchild that inherited stderr may keep the pipe open long
    // after the command itself ended. Give the pipe a moment to drain for the stderr tail.
    child.on('exit', (code, signal) => {
      const done = () => {
        if (signal) {
          const outcome: Omit<Outcome, 'durationSeconds' | 'stderrTail' | 'checkInId'> = {
            exitCode: 128 + (constants.signals[signal] ?? 0),
            signal,
          };
          if (reason) outcome.reason = reason;
          finish(outcome);
        } else {
          const outcome: Omit<Outcome, 'durationSeconds' | 'stderrTail' | 'checkInId'> = {
            exitCode: code ?? 1,
          };
          if (reason === 'timeout') outcome.reason = reason;
          finish(outcome);
        }
      };
      if (!child.stderr || child.stderr.readableEnded) return done();
      const drained = setTimeout(done, 200);
      child.stderr.once('end', () => {
        clearTimeout(drained);
        done();
      });
    });
  });
}

function report(args: CliArgs, outcome: Outcome): void {
  const slug = normalizeSlug(args.slug);
  const failed = outcome.exitCode !== 0 || outcome.signal !== undefined;
  const checkIn = {
    monitorSlug: slug,
    status: failed ? ('error' as const) : ('ok' as const),
    duration: outcome.durationSeconds,
  };
  captureCheckIn(outcome.checkInId ? { ...checkIn, checkInId: outcome.checkInId } : checkIn);
  if (!failed) return;
  const commandLine = [args.command, ...args.args].join(' ');
  const why =
    outcome.reason === 'spawn'
      ? `could not be started: ${outcome.spawnError}`
      : outcome.reason === 'timeout'
        ? `timed out after ${args.timeoutSeconds} s`
        : outcome.signal
          ? `was killed by ${outcome.signal}`
          : `failed with exit code ${outcome.exitCode}`;
  captureEvent({
    level: 'error',
    message: `Job "${slug}" ${why}`,
    fingerprint: ['faultline-cron', slug, outcome.signal ?? String(outcome.exitCode)],
    contexts: { monitor: { slug } },
    tags: {
      'monitor.slug': slug,
      'exit.code': outcome.exitCode,
      ...(outcome.signal ? { signal: outcome.signal } : {}),
    },
    extra: {
      command: commandLine,
      exit_code: outcome.exitCode,
      signal: outcome.signal ?? null,
      duration_seconds: Math.round(outcome.durationSeconds * 1000) / 1000,
      stderr_tail: outcome.stderrTail.join('\n'),
    },
  });
}

/** Keeps the last `max` lines of a stream without holding the whole of it. */
function createTail(max: number) {
  let lines: string[] = [];
  let partial = '';
  return {
    push(chunk: Buffer) {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = (parts.pop() ?? '').slice(-4096);
      lines.push(...parts.map((l) => l.slice(0, 1024)));
      if (lines.length > max) lines = lines.slice(-max);
    },
    lines: () => (partial ? [...lines, partial] : lines).slice(-max),
  };
}

function safely<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

async function safelyAsync<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch {
    return undefined;
  }
}

main(process.argv.slice(2)).then(
  // After a raised signal the process is gone before this timer fires, unless the signal did not end it.
  (code) => (raisedSignal ? void setTimeout(() => process.exit(code), 100) : process.exit(code)),
  () => process.exit(70),
);
