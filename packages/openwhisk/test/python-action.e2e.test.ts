// The Python recipe (examples/openwhisk-python) with the official sentry_sdk, run through the
// action-loop protocol of the OpenWhisk Python runtime and delivering to faultline-dev.
import { fileURLToPath } from 'node:url';
import type { WireEvent } from '@faultline/core';
import { type DevReceiver, startDevReceiver } from '@faultline/node/dev-receiver';
import { afterEach, describe, expect, it } from 'vitest';
import { REPORTED_MARKER } from '../src/index.js';
import { activation, SENTINEL } from './harness/harness.js';
import { findPython, type PythonActionLoop, startPythonActionLoop } from './harness/python-action-loop.js';

const ACTION = fileURLToPath(
  new URL('../../../examples/openwhisk-python/action/__main__.py', import.meta.url),
);
const python = findPython();

let loop: PythonActionLoop | undefined;
let receiver: DevReceiver | undefined;
let arrivedAt: number[] = [];

afterEach(async () => {
  await loop?.close();
  await receiver?.close();
  loop = undefined;
  receiver = undefined;
  arrivedAt = [];
});

async function start() {
  receiver = await startDevReceiver({ port: 0, onArrival: () => arrivedAt.push(Date.now()) });
  loop = await startPythonActionLoop({ action: ACTION, env: { FAULTLINE_DSN: receiver.dsn } });
  return { receiver, loop };
}

const events = (r: DevReceiver): WireEvent[] =>
  r.envelopes.flatMap((e) => e.items.filter(([h]) => h.type === 'event').map(([, p]) => p as WireEvent));
const after = (text: string) => text.slice(text.lastIndexOf(SENTINEL) + SENTINEL.length);

describe.skipIf(!python)('Python action with sentry_sdk through the action loop', () => {
  it('reports a raised error with the activation’s tags before answering as the runtime would', async () => {
    const { receiver, loop } = await start();
    const ok = await loop.run(activation('p0', { image: { url: 'dog.png' } }));
    expect(ok.result).toEqual({ thumbnail: 'thumb-dog.png' });
    expect(events(receiver)).toHaveLength(0);

    const res = await loop.run(activation('p1', { mode: 'raise', image: { url: 'cat.png', width: 'wide' } }));
    // The launcher's own answer for an exception, unchanged.
    expect(res.result).toEqual({ error: 'cannot resize cat.png: width wide is not a number' });
    // Flushed before the result went back.
    expect(arrivedAt.length).toBe(1);
    expect(arrivedAt[0]).toBeLessThanOrEqual(res.receivedAt);
    const [event] = events(receiver);
    expect(event?.exception?.values.at(-1)).toMatchObject({ type: 'ValueError' });
    expect(event?.tags).toMatchObject({
      'openwhisk.activation_id': 'p1',
      'openwhisk.action': '/guest/demo/hello',
      'openwhisk.namespace': 'guest',
      'openwhisk.transaction_id': 'tx-p1',
      'openwhisk.cold_start': 'false',
      'openwhisk.runtime': 'python',
    });
    expect(event?.contexts?.openwhisk).toMatchObject({ activation_id: 'p1' });
    // The traceback and the marker the monitor reads are in this activation's log.
    const err = loop.stderrText();
    expect(err.indexOf('ValueError: cannot resize cat.png')).toBeGreaterThan(-1);
    expect(err.indexOf('ValueError: cannot resize cat.png')).toBeLessThan(err.lastIndexOf(SENTINEL));
    expect(loop.stdoutText()).toContain(`${REPORTED_MARKER} ${event?.event_id}`);
    expect(after(loop.stdoutText())).toBe('\n');
    expect(after(loop.stderrText())).toBe('\n');
  });

  it('reports a returned {error} and warns before the deadline', async () => {
    const { receiver, loop } = await start();
    const quota = await loop.run(activation('p2', { mode: 'quota', tenant: 'acme' }));
    expect(quota.result).toEqual({ error: 'thumbnail quota exceeded for acme' });
    expect(events(receiver)[0]).toMatchObject({
      level: 'error',
      tags: { 'openwhisk.activation_id': 'p2', 'openwhisk.cold_start': 'true' },
    });
    const deadline = Date.now() + 1500;
    const slow = await loop.run(
      activation('p3', { mode: 'slow', workMs: 1200 }, { deadline: String(deadline) }),
    );
    expect(slow.result).toEqual({ slept: 1200 });
    const warning = events(receiver).find((e) => e.tags?.['openwhisk.activation_id'] === 'p3');
    expect(warning).toMatchObject({ level: 'warning', tags: { timeout: 'warning' } });
    expect(
      String(warning?.message ?? (warning as { logentry?: { message?: string } })?.logentry?.message),
    ).toMatch(/^Possible action timeout: \/guest\/demo\/hello has run for \d+ ms$/);
    expect(arrivedAt[1]).toBeLessThan(deadline);
  });
});
