// Through the action proxy: each activation waits for its own events only, the runtime's own
// console lines never become breadcrumbs, nothing of ours follows the end-of-activation marker,
// and a synchronous throw keeps the runtime's log line and a stack without the wrapper's frame.
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type Receiver,
  type ReceiverOptions,
  refusedDsn,
  startReceiver,
} from '../../../test-utils/receiver.js';
import { REPORTED_MARKER } from '../src/index.js';
import { bundleAction } from './harness/bundle.js';
import { type ActionProxy, activation, SENTINEL, startActionProxy } from './harness/harness.js';
import { zipBase64 } from './harness/zip.js';

let zip: string;
let proxy: ActionProxy | undefined;
let receiver: Receiver | undefined;

beforeAll(async () => {
  const bundle = await bundleAction(fileURLToPath(new URL('./fixtures/action.ts', import.meta.url)));
  zip = zipBase64({ 'index.js': bundle, 'package.json': JSON.stringify({ name: 'demo', main: 'index.js' }) });
});

afterEach(async () => {
  await proxy?.close();
  await receiver?.close();
  proxy = undefined;
  receiver = undefined;
});

async function start(
  options: { main?: string; receiver?: ReceiverOptions; dsn?: string; allowConcurrent?: boolean } = {},
) {
  receiver = await startReceiver(options.receiver);
  proxy = await startActionProxy({ allowConcurrent: options.allowConcurrent ?? false });
  const init = await proxy.init({
    name: 'hello',
    main: options.main ?? 'main',
    code: zip,
    binary: true,
    env: { FAULTLINE_DSN: options.dsn ?? receiver.dsn },
  });
  expect(init.status).toBe(200);
  return { proxy, receiver };
}

const took = (res: { sentAt: number; receivedAt: number }) => res.receivedAt - res.sentAt;
const after = (text: string) => text.slice(text.lastIndexOf(SENTINEL) + SENTINEL.length);

describe('each activation waits for its own events only', () => {
  it('answers successes at once while the ingest hangs, and bounds the failures', async () => {
    const { proxy } = await start({ receiver: { respond: () => ({ hang: true }) } });
    const failed = await proxy.run(activation('h1', { mode: 'async-throw', tag: 'h1' }));
    expect(failed.body.error.message).toBe('async boom h1');
    // The failure waited for its event up to the bound (2000 ms)…
    expect(took(failed)).toBeGreaterThanOrEqual(1900);
    // …and left it queued, which must not hold back the next activations.
    for (const id of ['h2', 'h3', 'h4']) {
      const ok = await proxy.run(activation(id, { tag: id }));
      expect(ok.body).toEqual({ ok: true, tag: id });
      expect(took(ok)).toBeLessThan(1000);
    }
  });

  it('answers successes at once while the ingest is down', async () => {
    const { proxy } = await start({ dsn: await refusedDsn() });
    await proxy.run(activation('d1', { mode: 'async-throw' }));
    for (const id of ['d2', 'd3']) {
      const ok = await proxy.run(activation(id, { tag: id }));
      expect(ok.body).toEqual({ ok: true, tag: id });
      expect(took(ok)).toBeLessThan(1000);
    }
  });

  it('does not make concurrent successes wait for the failures’ events', async () => {
    const ackMs = 700;
    const { proxy, receiver } = await start({
      allowConcurrent: true,
      receiver: { respond: () => ({ delayMs: ackMs }) },
    });
    const ids = Array.from({ length: 10 }, (_, i) => `k${i}`);
    const results = await Promise.all(
      ids.map((id, i) =>
        proxy.run(
          activation(
            id,
            i % 4 === 0 ? { mode: 'concurrent', tag: id, ms: 20 } : { tag: id, mode: 'slow', ms: 40 },
          ),
        ),
      ),
    );
    // Two envelopes in flight at once: the three failures' events are all acknowledged within the bound.
    const firstEventArrived = Math.min(...receiver.requests.map((r) => r.receivedAt));
    results.forEach((res, i) => {
      if (i % 4 === 0) {
        expect(res.body.error.message).toBe(`boom ${ids[i]}`);
        // A failure waits for its own acknowledgement.
        expect(res.receivedAt).toBeGreaterThanOrEqual(firstEventArrived + ackMs);
      } else {
        expect(res.body).toEqual({ slept: 40 });
        // A success never waits for another activation's event to be acknowledged.
        expect(res.receivedAt).toBeLessThan(firstEventArrived + ackMs);
      }
    });
    expect(receiver.events()).toHaveLength(3);
  });
});

describe('the runtime’s own output', () => {
  it('never records the end-of-activation marker or the proxy’s lines as breadcrumbs', async () => {
    const { proxy, receiver } = await start();
    for (let i = 0; i < 30; i++) await proxy.run(activation(`b${i}`, { tag: `b${i}` }));
    // The proxy itself prints nothing for these, but prints the marker twice per activation.
    await proxy.run(activation('b-err', { mode: 'async-throw', tag: 'b-err' }));
    await proxy.run(activation('b-last', { mode: 'async-throw', tag: 'b-last' }));
    const events = receiver.events();
    expect(events).toHaveLength(2);
    await proxy.waitForSentinels(32);
    for (const event of events) {
      const text = JSON.stringify(event.breadcrumbs ?? []);
      expect(text).not.toContain(SENTINEL);
      expect(text).not.toContain('async boom b-err');
    }
    expect(proxy.stdoutText().split(SENTINEL).length - 1).toBe(32);
  });

  it('prints no SDK line after the marker, even while retries go on in the background', async () => {
    const { proxy } = await start({ main: 'debug', receiver: { respond: () => ({ status: 503 }) } });
    await proxy.run(activation('r1', { mode: 'async-throw' }));
    // Retries back off for seconds after the bound; their debug lines must wait for the next activation.
    await new Promise((r) => setTimeout(r, 2500));
    expect(after(proxy.stdoutText())).toBe('\n');
    expect(after(proxy.stderrText())).toBe('\n');
    await proxy.run(activation('r2', { tag: 'r2' }));
    await new Promise((r) => setTimeout(r, 200));
    expect(proxy.stdoutText() + proxy.stderrText()).toContain('[Faultline]');
    expect(after(proxy.stdoutText())).toBe('\n');
    expect(after(proxy.stderrText())).toBe('\n');
  });

  it('logs a synchronous throw’s stack as the runtime would, without the wrapper’s frame', async () => {
    const { proxy, receiver } = await start();
    const res = await proxy.run(activation('s1', { mode: 'sync-throw', tag: 's1' }));
    expect(res.body.error.message).toBe('sync boom s1');
    const stackLines = String(res.body.error.stack).split('\n').slice(1);
    expect(stackLines[0]).toMatch(/at .*entry \(.*index\.js:\d+:\d+\)$/);
    // Below the user's function only Node's own frames remain.
    for (const line of stackLines.slice(1)) expect(line).toMatch(/\(node:internal\//);
    await proxy.waitForSentinels(1);
    const err = proxy.stderrText();
    const logged = err.indexOf('sync boom s1');
    expect(logged).toBeGreaterThanOrEqual(0);
    expect(logged).toBeLessThan(err.lastIndexOf(SENTINEL));
    expect(err).toContain(stackLines[0]!.trim());
    // The event's frames have no wrapper frame either.
    const frames = receiver.events()[0]?.exception?.values.at(-1)?.stacktrace?.frames ?? [];
    expect(frames.map((f) => f.function ?? '')).not.toContain('faultlineOpenwhiskCall');
    // An async throw is not logged (the runtime does not log one either).
    await proxy.run(activation('s2', { mode: 'async-throw', tag: 's2' }));
    await proxy.waitForSentinels(2);
    expect(proxy.stderrText()).not.toContain('async boom s2');
  });

  it('marks an activation whose events were delivered, before the marker, for the monitor', async () => {
    const { proxy, receiver } = await start();
    await proxy.run(activation('m1', { tag: 'm1' }));
    await proxy.waitForSentinels(1);
    expect(proxy.stdoutText()).not.toContain(REPORTED_MARKER);
    await proxy.run(activation('m2', { mode: 'async-throw', tag: 'm2' }));
    await proxy.waitForSentinels(2);
    const [event] = receiver.events();
    const out = proxy.stdoutText();
    const line = out.split('\n').find((l) => l.startsWith(REPORTED_MARKER));
    expect(line).toBe(`${REPORTED_MARKER} ${event?.event_id}`);
    expect(out.indexOf(line!)).toBeLessThan(out.lastIndexOf(SENTINEL));
  });
});
