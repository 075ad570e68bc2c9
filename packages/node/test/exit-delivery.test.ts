import type { WireEvent } from '@faultline/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../../../test-utils/receiver.js';
import { type ChildResult, ensureBuilt, normalizeOutput, runFixture } from './helpers/child.js';

// Each case runs the same script twice, without and with the SDK: the SDK must deliver its
// events and leave what the process prints and how it ends exactly as they were.

let receiver: Receiver | undefined;

beforeAll(() => ensureBuilt(), 120_000);
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function compare(
  mode: string,
  options: { nodeArgs?: string[] } = {},
): Promise<{ plain: ChildResult; withSdk: ChildResult; receiver: Receiver }> {
  receiver = await startReceiver();
  const plain = await runFixture('exit.mjs', [mode], options);
  const withSdk = await runFixture('exit.mjs', [mode], {
    ...options,
    env: { WITH_SDK: '1', FAULTLINE_DSN: receiver.dsn },
  });
  expect(withSdk.code).toBe(plain.code);
  expect(withSdk.signal).toBe(plain.signal);
  expect(normalizeOutput(withSdk.stderr)).toBe(normalizeOutput(plain.stderr));
  expect(withSdk.stdout).toBe(plain.stdout);
  return { plain, withSdk, receiver };
}

const messages = (r: Receiver) => r.events().map((e) => e.message);
const exceptions = (r: Receiver) => r.events().filter((e) => e.exception);
const top = (e: WireEvent) => e.exception?.values.at(-1);

async function expectMessages(r: Receiver, expected: string[]): Promise<void> {
  await r.waitFor(() => expected.every((m) => messages(r).includes(m)), 5000);
}

async function expectCrash(r: Receiver, mechanism: string, value: string): Promise<void> {
  await r.waitFor(() => exceptions(r).length > 0, 5000);
  const event = exceptions(r)[0] as WireEvent;
  expect(event.level).toBe('fatal');
  expect(top(event)?.value).toContain(value);
  expect(top(event)?.mechanism).toMatchObject({ type: mechanism, handled: false });
}

describe('exit-safe delivery', () => {
  it('delivers on natural exit', async () => {
    const { plain, receiver } = await compare('natural');
    expect(plain.code).toBe(0);
    await expectMessages(receiver, ['natural: last words']);
  });

  it("the app's own 'beforeExit' listener runs once, as without the SDK, and the event arrives", async () => {
    const { plain, receiver } = await compare('own-before-exit');
    expect(plain).toMatchObject({ code: 0, stdout: 'released\n' });
    await expectMessages(receiver, ['own-before-exit: last words']);
  });

  it('an exit budget longer than a timer can wait prints nothing and still delivers', async () => {
    receiver = await startReceiver();
    const plain = await runFixture('exit.mjs', ['natural']);
    const withSdk = await runFixture('exit.mjs', ['natural'], {
      env: { WITH_SDK: '1', FAULTLINE_DSN: receiver.dsn, EXIT_FLUSH_MS: String(1e10) },
    });
    expect(withSdk.code).toBe(plain.code);
    expect(normalizeOutput(withSdk.stderr)).toBe(normalizeOutput(plain.stderr));
    await expectMessages(receiver, ['natural: last words']);
  });

  it('delivers an event captured in the last timer before natural exit', async () => {
    const { receiver } = await compare('natural-later');
    await expectMessages(receiver, ['natural-later: last words', 'natural-later: later']);
  });

  it('delivers on process.exit(0)', async () => {
    const { plain, receiver } = await compare('exit-0');
    expect(plain.code).toBe(0);
    await expectMessages(receiver, ['exit-0: last words']);
  });

  it('a storm then process.exit() in the same tick: the error put off inside it is delivered', async () => {
    const { plain, receiver } = await compare('storm-exit');
    expect(plain.code).toBe(4);
    await receiver.waitFor(
      () => exceptions(receiver).some((e) => top(e)?.value === 'inside the storm'),
      5000,
    );
    const storm = exceptions(receiver).filter((e) => top(e)?.type === 'TypeError');
    expect(storm.length).toBeGreaterThan(0);
    expect(storm.length).toBeLessThan(1000);
  });

  it('keeps the exit code given to process.exit', async () => {
    const { plain, receiver } = await compare('exit-3');
    expect(plain.code).toBe(3);
    await expectMessages(receiver, ['exit-3: last words']);
  });

  it('reports an uncaught exception and exits 1 with the same output', async () => {
    const { plain, receiver } = await compare('throw');
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('thrown boom');
    await expectMessages(receiver, ['throw: last words']);
    await expectCrash(receiver, 'onuncaughtexception', 'thrown boom');
  });

  it('on SIGTERM delivers, then dies by the signal as Node would', async () => {
    const { plain, receiver } = await compare('sigterm');
    expect(plain.signal).toBe('SIGTERM');
    await expectMessages(receiver, ['sigterm: last words']);
  });

  it.each([
    ['sigint', 'SIGINT'],
    ['sighup', 'SIGHUP'],
  ])(
    'on %s (Ctrl-C, a closed terminal) delivers what was just captured, then dies by that signal',
    async (mode, signal) => {
      const { plain, receiver } = await compare(mode);
      expect(plain.signal).toBe(signal);
      await expectMessages(receiver, [`${mode}: last words`, `${mode}: at the signal`]);
    },
  );

  it('leaves SIGTERM to the app when it listens for it', async () => {
    const { plain, receiver } = await compare('own-sigterm');
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain('app got SIGTERM');
    await expectMessages(receiver, ['own-sigterm: last words']);
  });

  it('keeps running when the app has its own uncaughtException listener', async () => {
    const { plain, receiver } = await compare('own-uncaught');
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain('still alive');
    await expectCrash(receiver, 'onuncaughtexception', 'handled by the app');
  });
});

describe('unhandled rejections', () => {
  it('default mode: reported, then Node prints and exits 1 as without the SDK', async () => {
    const { plain, receiver } = await compare('reject-error');
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('rejected boom');
    await expectCrash(receiver, 'onunhandledrejection', 'rejected boom');
    await expectMessages(receiver, ['reject-error: last words']);
  });

  it('default mode with a non-error reason', async () => {
    const { plain, receiver } = await compare('reject-string');
    expect(plain.stderr).toContain('ERR_UNHANDLED_REJECTION');
    await expectCrash(receiver, 'onunhandledrejection', 'plain reason');
  });

  it("strict mode with a non-error reason: the same event as the default mode, not Node's wrapper", async () => {
    const { plain, receiver } = await compare('reject-string', {
      nodeArgs: ['--unhandled-rejections=strict'],
    });
    expect(plain.stderr).toContain('ERR_UNHANDLED_REJECTION');
    await expectCrash(receiver, 'onunhandledrejection', 'plain reason');
    const strict = top(exceptions(receiver)[0] as WireEvent);
    await receiver.close();
    const { receiver: byDefault } = await compare('reject-string');
    await expectCrash(byDefault, 'onunhandledrejection', 'plain reason');
    const fallback = top(exceptions(byDefault)[0] as WireEvent);
    expect({ type: strict?.type, value: strict?.value }).toEqual({
      type: fallback?.type,
      value: fallback?.value,
    });
  });

  it('default mode with two rejections in one tick: Node still reports the first', async () => {
    const { plain, receiver } = await compare('reject-two');
    expect(plain.stderr).toContain('first of two');
    await expectCrash(receiver, 'onunhandledrejection', 'of two');
  });

  for (const mode of ['warn', 'strict', 'none', 'warn-with-error-code']) {
    it(`--unhandled-rejections=${mode}`, async () => {
      const { receiver } = await compare('reject-error', { nodeArgs: [`--unhandled-rejections=${mode}`] });
      await expectCrash(receiver, 'onunhandledrejection', 'rejected boom');
    });
  }

  it('strict mode with an app uncaughtException listener: Node warns after it, as without the SDK', async () => {
    const { plain, receiver } = await compare('own-uncaught-reject', {
      nodeArgs: ['--unhandled-rejections=strict'],
    });
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain('UnhandledPromiseRejectionWarning');
    await expectCrash(receiver, 'onunhandledrejection', 'rejected boom');
    expect(exceptions(receiver)).toHaveLength(1);
  });

  it('reads the mode from NODE_OPTIONS too', async () => {
    receiver = await startReceiver();
    const env = { NODE_OPTIONS: '--unhandled-rejections=warn' };
    const plain = await runFixture('exit.mjs', ['reject-string'], { env });
    const withSdk = await runFixture('exit.mjs', ['reject-string'], {
      env: { ...env, WITH_SDK: '1', FAULTLINE_DSN: receiver.dsn },
    });
    expect(plain.code).toBe(0);
    expect(withSdk.code).toBe(0);
    expect(normalizeOutput(withSdk.stderr)).toBe(normalizeOutput(plain.stderr));
  });

  it('leaves the rejection to the app when it listens for unhandledRejection', async () => {
    const { plain, receiver } = await compare('own-rejection');
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain('app saw: rejected boom');
    await expectCrash(receiver, 'onunhandledrejection', 'rejected boom');
  });

  it('passes a rejection to the app uncaughtException listener, as Node does', async () => {
    const { plain, receiver } = await compare('own-uncaught-reject');
    expect(plain.stderr).toContain('app handled (unhandledRejection): rejected boom');
    expect(plain.stderr).toContain('still alive');
    await expectCrash(receiver, 'onunhandledrejection', 'rejected boom');
    expect(exceptions(receiver)).toHaveLength(1);
  });
});

describe('bounded when the receiver is unreachable', () => {
  it('the code after `await close()` runs and sets the exit code while a send hangs', async () => {
    receiver = await startReceiver({ respond: () => ({ hang: true }) });
    const plain = await runFixture('exit.mjs', ['close-then-exit-code']);
    const run = await runFixture('exit.mjs', ['close-then-exit-code'], {
      env: { WITH_SDK: '1', FAULTLINE_DSN: receiver.dsn },
    });
    expect(plain).toMatchObject({ code: 7, stdout: 'after close\n' });
    expect(run).toMatchObject({ code: 7, stdout: 'after close\n', stderr: plain.stderr });
    expect(receiver.requests.length).toBeGreaterThan(0);
  });

  for (const mode of ['natural', 'exit-0', 'throw', 'sigterm']) {
    it(`${mode}: refused connection`, async () => {
      const closed = await startReceiver();
      const dsn = closed.dsn;
      await closed.close();
      const plain = await runFixture('exit.mjs', [mode]);
      const run = await runFixture('exit.mjs', [mode], { env: { WITH_SDK: '1', FAULTLINE_DSN: dsn } });
      expect(run.code).toBe(plain.code);
      expect(run.signal).toBe(plain.signal);
      expect(run.elapsedMs).toBeLessThan(plain.elapsedMs + 2000 + 1500);
    });

    it(`${mode}: receiver that never answers`, async () => {
      receiver = await startReceiver({ respond: () => ({ hang: true }) });
      const plain = await runFixture('exit.mjs', [mode]);
      const run = await runFixture('exit.mjs', [mode], {
        env: { WITH_SDK: '1', FAULTLINE_DSN: receiver.dsn, EXIT_FLUSH_MS: '500' },
      });
      expect(run.code).toBe(plain.code);
      expect(run.signal).toBe(plain.signal);
      expect(run.elapsedMs).toBeLessThan(plain.elapsedMs + 500 + 1500);
      expect(receiver.requests.length).toBeGreaterThan(0);
    });
  }
});

describe('natural exit when the receiver refuses every envelope', () => {
  // A flush at 'beforeExit' keeps the loop alive, so 'beforeExit' comes again: with a receiver
  // that answers every envelope with an error, the client report of the refused events was
  // re-sent at each one, and the process never ended (hundreds of requests a second).
  for (const status of [404, 413, 500]) {
    it(`ends as without the SDK when every envelope gets ${status}`, async () => {
      receiver = await startReceiver({ respond: () => ({ status }) });
      const plain = await runFixture('exit.mjs', ['natural']);
      const run = await runFixture('exit.mjs', ['natural'], {
        env: { WITH_SDK: '1', FAULTLINE_DSN: receiver.dsn },
        timeoutMs: 10_000,
      });
      expect(run.signal).toBe(plain.signal);
      expect(run.code).toBe(plain.code);
      expect(run.elapsedMs).toBeLessThan(plain.elapsedMs + 2000 + 1500);
      expect(receiver.requests.length).toBeLessThan(10);
    }, 20_000);
  }
});

describe('exactly once at exit', () => {
  const sent = (r: Receiver, message: string) => r.events().filter((e) => e.message === message).length;

  it('an envelope on the wire, not yet answered, is not sent again by process.exit()', async () => {
    receiver = await startReceiver({ respond: () => ({ delayMs: 400 }) });
    const run = await runFixture('exit.mjs', ['exit-while-sending'], {
      env: { WITH_SDK: '1', FAULTLINE_DSN: receiver.dsn },
    });
    expect(run.code).toBe(0);
    await expectMessages(receiver, ['exit-while-sending: last words']);
    // Anything sent twice has arrived by now: the exit delivery itself waits for its answers.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sent(receiver, 'exit-while-sending: last words')).toBe(1);
  });

  it('an envelope captured just before process.exit() is delivered once', async () => {
    receiver = await startReceiver({ respond: () => ({ delayMs: 400 }) });
    const run = await runFixture('exit.mjs', ['exit-0'], {
      env: { WITH_SDK: '1', FAULTLINE_DSN: receiver.dsn },
    });
    expect(run.code).toBe(0);
    await expectMessages(receiver, ['exit-0: last words']);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sent(receiver, 'exit-0: last words')).toBe(1);
  });

  it('no client report is posted at exit inside a 429 Retry-After window', async () => {
    receiver = await startReceiver({ respond: () => ({ status: 429, headers: { 'retry-after': '60' } }) });
    const run = await runFixture('exit.mjs', ['exit-rate-limited'], {
      env: { WITH_SDK: '1', FAULTLINE_DSN: receiver.dsn },
    });
    expect(run.code).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.events().map((e) => e.message)).toEqual(['exit-rate-limited: last words']);
    expect(receiver.clientReports()).toEqual([]);
  });
});
