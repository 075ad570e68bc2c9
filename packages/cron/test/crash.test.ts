import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../../../test-utils/receiver.js';

// Libraries that let a job's error crash the process keep doing so with Faultline; the
// error check-in and the event still arrive before the process ends. Runs the built package.
function run(fixture: string, env: Record<string, string>) {
  const script = fileURLToPath(new URL(`./fixtures/${fixture}`, import.meta.url));
  return new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [script], {
      env: { PATH: process.env.PATH, ...env },
      stdio: 'pipe',
    });
    let stderr = '';
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
});

describe.each([
  ['croner-crash.mjs', 'croner-crash', 'croner job crashed'],
  ['node-schedule-crash.mjs', 'ns-crash', 'node-schedule job crashed'],
])('%s', (fixture, slug, message) => {
  it('crashes with the same exit code as without the SDK, after delivering the error check-in and event', async () => {
    const plain = await run(fixture, {});
    receiver = await startReceiver();
    const monitored = await run(fixture, { FAULTLINE_DSN: receiver.dsn });
    expect(plain.code).toBe(1);
    expect(monitored.code).toBe(plain.code);
    expect(monitored.stderr).toContain(message);
    const checkIns = receiver.checkIns().filter((c) => c.monitor_slug === slug);
    expect(checkIns.map((c) => c.status)).toEqual(['in_progress', 'error']);
    const events = receiver.events().filter((e) => e.exception?.values.at(-1)?.value === message);
    expect(events).toHaveLength(1);
  });
});
