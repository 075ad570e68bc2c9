import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../../../test-utils/receiver.js';
import { ensureBuilt, normalizeOutput, runFixture } from './helpers/child.js';

// What `require('@faultline/node').init()` loads in an app that has not failed yet: start-up
// cost is paid in files parsed and modules initialised, so nothing only an error needs may load
// before the first error, and the first error must still arrive however the process ends.

beforeAll(() => ensureBuilt(), 120_000);

const DOWN_DSN = 'http://public@127.0.0.1:9/1';
const packageFiles = (files: string[]) =>
  files.map((file) => file.replace(/\\/g, '/').replace(/^.*\/packages\//, '')).sort();
/** Built-in modules an app that has not failed must not pay for. */
const LATER = /^NativeModule (crypto|http|https|net|tls|zlib|worker_threads|perf_hooks|undici)$/;

async function loaded(fixture: string, args: string[] = []) {
  const child = await runFixture(fixture, args, { env: { FAULTLINE_DSN: DOWN_DSN } });
  expect(child.stderr).toBe('');
  return JSON.parse(child.stdout) as {
    files: string[];
    builtins?: string[];
    afterCapture: string[];
    afterCaptureBuiltins?: string[];
    eventId?: string;
    sameClient?: boolean;
  };
}

describe('start-up', () => {
  it.each([
    ['default options', ''],
    ['pseudonymized user ids', 'a-secret-key'],
  ])(
    'require + init with %s loads one file of the SDK, no library and no network or crypto module',
    async (_, key) => {
      const { files, builtins } = await loaded('startup-load.cjs', [key]);
      expect(packageFiles(files)).toEqual(['node/dist/index.cjs']);
      expect(builtins?.filter((name) => LATER.test(name))).toEqual([]);
    },
  );

  it('require + init without a DSN (the SDK off) loads no built-in module for hooks it does not install', async () => {
    const child = await runFixture('startup-load.cjs', []);
    expect(child.stderr).toBe('');
    const { builtins } = JSON.parse(child.stdout) as { builtins: string[] };
    expect(builtins.filter((name) => /diagnostics_channel/.test(name) || LATER.test(name))).toEqual([]);
  });

  it('the first capture loads the event pipeline', async () => {
    const { afterCapture } = await loaded('startup-load.cjs');
    expect(packageFiles(afterCapture)).toEqual([
      'core/dist/index.cjs',
      'node/dist/index.cjs',
      'node/dist/pipeline.cjs',
    ]);
  });

  it('the first capture draws its event id from node:crypto: the global crypto (Web Crypto) is not loaded for it', async () => {
    const { afterCaptureBuiltins, eventId } = await loaded('startup-load.cjs');
    expect(eventId).toMatch(/^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
    expect(afterCaptureBuiltins).toContain('NativeModule crypto');
    expect(afterCaptureBuiltins?.filter((name) => /webcrypto/.test(name))).toEqual([]);
  });

  it('import + init loads the same one file, shares the client with require, and loads the pipeline at the first capture', async () => {
    const { files, afterCapture, sameClient } = await loaded('startup-load.mjs');
    expect(packageFiles(files)).toEqual(['node/dist/index.cjs']);
    expect(sameClient).toBe(true);
    expect(packageFiles(afterCapture)).toContain('node/dist/pipeline.cjs');
  });
});

describe('the first error, with nothing loaded before it', () => {
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  async function run(mode: string) {
    receiver = await startReceiver();
    const plain = await runFixture('first-error.cjs', [mode]);
    const withSdk = await runFixture('first-error.cjs', [mode], {
      env: { WITH_SDK: '1', FAULTLINE_DSN: receiver.dsn },
    });
    // The app ends as it would without the SDK.
    expect(withSdk.code).toBe(plain.code);
    expect(normalizeOutput(withSdk.stderr)).toBe(normalizeOutput(plain.stderr));
    const events = receiver.events();
    return { code: withSdk.code, events };
  }

  it('a capture followed by process.exit() in the same tick arrives', async () => {
    const { code, events } = await run('capture-then-exit');
    expect(code).toBe(2);
    expect(events.map((e) => e.exception?.values.at(-1)?.value)).toEqual(['captured, then exit']);
  });

  it('an uncaught exception thrown while the app starts arrives', async () => {
    const { code, events } = await run('throw-at-start');
    expect(code).toBe(1);
    expect(events.map((e) => e.exception?.values.at(-1)?.value)).toEqual(['thrown at start']);
    expect(events[0]?.exception?.values.at(-1)?.mechanism).toMatchObject({ handled: false });
  });

  it('an unhandled rejection while the app starts arrives', async () => {
    const { code, events } = await run('reject-at-start');
    expect(code).toBe(1);
    expect(events.map((e) => e.exception?.values.at(-1)?.value)).toEqual(['rejected at start']);
  });
});
