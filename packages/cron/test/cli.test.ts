import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type Receiver, refusedUrl, startReceiver } from '../../../test-utils/receiver.js';

// The CLI is tested as users run it: the built bin, in a child process.
const CLI = fileURLToPath(new URL('../bin/faultline-cron.js', import.meta.url));

interface Result {
  code: number | null;
  /** The signal that ended the CLI itself, if one did. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function runCli(
  args: string[],
  env: Record<string, string | undefined>,
  onStart?: (child: ChildProcess) => void,
) {
  const started = Date.now();
  return new Promise<Result>((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    onStart?.(child);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - started }));
  });
}

const sh = (script: string) => ['--', 'sh', '-c', script];

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function withReceiver() {
  receiver = await startReceiver();
  return { FAULTLINE_DSN: receiver.dsn };
}

describe('faultline-cron', () => {
  it('passes output through, exits 0 and sends in_progress then ok with the schedule', async () => {
    const env = await withReceiver();
    const result = await runCli(
      ['--slug', 'nightly', '--schedule', '@daily', ...sh('echo out; echo err >&2')],
      env,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('out\n');
    expect(result.stderr).toBe('err\n');
    const checkIns = receiver!.checkIns();
    expect(checkIns.map((c) => c.status)).toEqual(['in_progress', 'ok']);
    expect(checkIns[0]?.monitor_config?.schedule).toEqual({ type: 'crontab', value: '0 0 * * *' });
    expect(checkIns[1]?.check_in_id).toBe(checkIns[0]?.check_in_id);
    expect(receiver!.events()).toHaveLength(0);
  });

  it('exits with the command code 3 and reports the failure with the stderr tail, scrubbed', async () => {
    const env = await withReceiver();
    const script =
      'echo "connecting with password=hunter2 token=ghp_abcdefghijklmnopqrstuvwxyz0123456789" >&2; echo "disk full" >&2; exit 3';
    const result = await runCli(['--slug', 'backup', ...sh(script)], env);
    expect(result.code).toBe(3);
    expect(receiver!.checkIns().map((c) => c.status)).toEqual(['in_progress', 'error']);
    const [event] = receiver!.events();
    expect(event?.message).toBe('Job "backup" failed with exit code 3');
    expect(event?.extra?.exit_code).toBe(3);
    expect(String(event?.extra?.stderr_tail)).toContain('disk full');
    const bytes = Buffer.concat(receiver!.requests.map((r) => Buffer.from(r.body))).toString();
    expect(bytes).not.toContain('hunter2');
    expect(bytes).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
  });

  it('reports a command killed by SIGKILL and ends by SIGKILL too', async () => {
    const env = await withReceiver();
    const result = await runCli(['--slug', 'killed', ...sh('kill -KILL $$')], env);
    expect(result.signal).toBe('SIGKILL');
    expect(receiver!.events()[0]?.message).toBe('Job "killed" was killed by SIGKILL');
  });

  it('forwards SIGTERM to the command, reports it, and ends by SIGTERM as the command did', async () => {
    const env = await withReceiver();
    const result = await runCli(['--slug', 'terminated', ...sh('echo started; sleep 20')], env, (child) => {
      child.stdout?.once('data', () => child.kill('SIGTERM'));
    });
    expect(result.signal).toBe('SIGTERM');
    expect(result.code).toBe(null);
    expect(result.ms).toBeLessThan(10_000);
    expect(receiver!.checkIns().map((c) => c.status)).toEqual(['in_progress', 'error']);
    expect(receiver!.events()[0]?.message).toBe('Job "terminated" was killed by SIGTERM');
  });

  it('ends by SIGINT when the command died of SIGINT, so a shell running it stops as it would', async () => {
    const env = await withReceiver();
    const result = await runCli(['--slug', 'interrupted', ...sh('kill -INT $$')], env);
    expect(result.signal).toBe('SIGINT');
    expect(receiver!.checkIns().map((c) => c.status)).toEqual(['in_progress', 'error']);
    expect(receiver!.events()[0]?.message).toBe('Job "interrupted" was killed by SIGINT');
  });

  it('forwards SIGHUP and SIGQUIT too, so the command never outlives the CLI', async () => {
    // SIGQUIT's default would dump the CLI's core: it exits 131 instead, as a shell reports it.
    for (const [signal, code, endedBy] of [
      ['SIGHUP', null, 'SIGHUP'],
      ['SIGQUIT', 131, null],
    ] as const) {
      const env = await withReceiver();
      let commandPid = 0;
      const result = await runCli(['--slug', 'hung-up', ...sh('echo $$; exec sleep 20')], env, (child) => {
        child.stdout?.once('data', (chunk) => {
          commandPid = Number.parseInt(String(chunk), 10);
          child.kill(signal);
        });
      });
      const alive = (() => {
        try {
          process.kill(commandPid, 0);
          process.kill(commandPid, 'SIGKILL');
          return true;
        } catch {
          return false;
        }
      })();
      expect(alive).toBe(false);
      expect(result.code).toBe(code);
      expect(result.signal).toBe(endedBy);
      expect(receiver!.checkIns().map((c) => c.status)).toEqual(['in_progress', 'error']);
      await receiver?.close();
    }
  });

  it('stops a command that runs past --timeout and reports it', async () => {
    const env = await withReceiver();
    const result = await runCli(['--slug', 'slow', '--timeout', '0.3', ...sh('sleep 20')], env);
    expect(result.code).toBe(143);
    expect(receiver!.events()[0]?.message).toBe('Job "slow" timed out after 0.3 s');
  });

  it('a --timeout longer than a timer can wait does not stop the command early', async () => {
    const env = await withReceiver();
    const result = await runCli(
      ['--slug', 'patient', '--timeout', '3000000', ...sh('sleep 0.3; echo ran')],
      env,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('ran\n');
    expect(result.stderr).not.toContain('TimeoutOverflowWarning');
    expect(receiver!.checkIns().map((c) => c.status)).toEqual(['in_progress', 'ok']);
  });

  it('runs the job anyway without a DSN and says so once', async () => {
    const result = await runCli(['--slug', 'no-dsn', ...sh('echo ran; exit 5')], {});
    expect(result.code).toBe(5);
    expect(result.stdout).toBe('ran\n');
    expect(result.stderr.match(/FAULTLINE_DSN is not set/g)).toHaveLength(1);
  });

  it('keeps the exit code and a bounded delay when the receiver is down', async () => {
    const url = new URL(await refusedUrl());
    const dsn = `http://public@${url.host}/1`;
    const result = await runCli(['--slug', 'down', '--flush-timeout', '1000', ...sh('exit 4')], {
      FAULTLINE_DSN: dsn,
    });
    expect(result.code).toBe(4);
    expect(result.ms).toBeLessThan(5_000);
  });

  it('a command that does not exist or cannot run: the shell codes 127 and 126, reported as failures', async () => {
    const env = await withReceiver();
    const missing = await runCli(['--slug', 'missing', '--', 'faultline-no-such-command'], env);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toContain('could not start "faultline-no-such-command"');

    const dir = await mkdtemp(join(tmpdir(), 'faultline-cron-'));
    try {
      const script = join(dir, 'not-executable.sh');
      await writeFile(script, '#!/bin/sh\necho never\n', { mode: 0o644 });
      const notExecutable = await runCli(['--slug', 'no-exec', '--', script], env);
      expect(notExecutable.code).toBe(126);
      expect(notExecutable.stdout).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    const errors = receiver!
      .checkIns()
      .filter((c) => c.status === 'error')
      .map((c) => c.monitor_slug);
    expect(errors).toEqual(['missing', 'no-exec']);
    expect(receiver!.events()).toHaveLength(2);
  });

  it('explains bad usage with exit code 64', async () => {
    const result = await runCli(['--', 'true'], {});
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('--slug is required');
  });

  it('refuses a schedule it cannot send, with exit code 64, before running the command', async () => {
    const result = await runCli(['--slug', 'x', '--schedule', 'every 5 minutes', '--', 'echo', 'ran'], {});
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/--schedule: "every 5 minutes"/);
    expect(result.stdout).not.toContain('ran');
  });

  it('prints --help on stdout and exits 0', async () => {
    const result = await runCli(['--help'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage: faultline-cron/);
    expect(result.stderr).toBe('');
  });
});
