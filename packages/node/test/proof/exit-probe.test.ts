/**
 * Exit probe for scripts that flush by hand: `captureException(e); await flush(t);
 * process.exit(3)` must end with code 3, as the same script without the SDK does, whatever
 * state the ingest is in (up, refusing, hanging). Each case runs in a child process on the
 * built package.
 */
import { spawn } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Receiver, refusedDsn, startReceiver } from '../../../../test-utils/receiver.js';
import { ensureBuilt } from '../helpers/child.js';

const SCRIPT = `
const withSdk = process.env.WITH_SDK === '1';
const sdk = withSdk ? require('@faultline/node') : undefined;
if (sdk) sdk.init({ dsn: process.env.PROBE_DSN });
(async () => {
  try {
    throw new Error('job failed');
  } catch (error) {
    if (sdk) sdk.captureException(error);
    if (sdk) await sdk.flush(Number(process.env.PROBE_FLUSH_MS));
    else await Promise.resolve();
    console.log('after flush');
    process.exit(3);
  }
})();
`;

interface Outcome {
  code: number | null;
  stdout: string;
}

function runScript(env: Record<string, string>): Promise<Outcome> {
  const clean: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(clean)) {
    if (/^(FAULTLINE|SENTRY)_|^NODE_OPTIONS$|^VITEST/.test(key)) delete clean[key];
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', SCRIPT], {
      env: { ...clean, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout });
    });
  });
}

let receiver: Receiver | undefined;
beforeAll(() => ensureBuilt(), 120_000);
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function expectSameAsPlainNode(dsn: string, flushMs = 1500): Promise<void> {
  const plain = await runScript({ WITH_SDK: '0' });
  expect(plain).toEqual({ code: 3, stdout: 'after flush\n' });
  const withSdk = await runScript({ WITH_SDK: '1', PROBE_DSN: dsn, PROBE_FLUSH_MS: String(flushMs) });
  expect(withSdk).toEqual(plain);
}

describe('exit probe: await flush(), then process.exit(3)', () => {
  it('ingest up: the event arrives and the exit code is 3', async () => {
    receiver = await startReceiver();
    await expectSameAsPlainNode(receiver.dsn);
    expect(receiver.events().map((e) => e.exception?.values.at(-1)?.value)).toEqual(['job failed']);
  });

  it('ingest that never answers: flush gives up in time and the exit code is 3', async () => {
    receiver = await startReceiver({ respond: () => ({ hang: true }) });
    await expectSameAsPlainNode(receiver.dsn);
  });

  // With the ingest refusing connections, retries wait on unref'd timers; the awaited flush's
  // own bound must keep the process alive, or it would end with code 0 inside the await.
  it('ingest refusing connections: flush settles and the exit code is 3', {
    timeout: 30_000,
  }, async () => {
    await expectSameAsPlainNode(await refusedDsn(), 10_000);
  });
});
