import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseEnvelope as sentryParseEnvelope } from '@sentry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientReport, SessionUpdate, WireCheckIn, WireEvent } from '../../src/types.js';
import { RELEASE, sendEveryKind } from './every-kind.js';

const launcher = fileURLToPath(new URL('./spotlight-sidecar.mjs', import.meta.url));

/** One SSE frame of Spotlight's `/stream`: `[envelopeHeaders, [[itemHeaders, payload], …]]`. */
type Frame = {
  event: string;
  id: string;
  envelope: [Record<string, unknown>, Array<[{ type: string }, unknown]>];
};

interface Sidecar {
  child: ChildProcess;
  url: string;
}

/** Starts the sidecar in a child process (it installs signal handlers) and waits for its ready line. */
function startSidecar(): Promise<Sidecar> {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (/^(SENTRY|SPOTLIGHT)_/.test(key)) delete env[key];
  const child = spawn(process.execPath, [launcher], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`spotlight did not start within 10 s: ${out}${err}`));
    }, 10_000);
    child.stderr?.on('data', (chunk) => {
      err += chunk;
    });
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const ready = /SPOTLIGHT_READY (\S+) (\d+)/.exec(out);
      if (!ready) return;
      clearTimeout(timer);
      resolve({ child, url: `http://${ready[1]}:${ready[2]}` });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`spotlight exited with ${code}: ${err}`));
    });
  });
}

function stopSidecar(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Reads `/stream` (which replays the buffer first) until `done(frames)` holds or the time is up. */
async function readStream(
  url: string,
  done: (frames: Frame[]) => boolean,
  timeoutMs = 5000,
): Promise<Frame[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const frames: Frame[] = [];
  try {
    const response = await fetch(`${url}/stream`, {
      headers: { accept: 'text/event-stream' },
      signal: controller.signal,
    });
    if (!response.body) throw new Error('no SSE body');
    const decoder = new TextDecoder();
    let text = '';
    const reader = response.body.getReader();
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      text += decoder.decode(value, { stream: true });
      let end = text.indexOf('\n\n');
      while (end !== -1) {
        const block = text.slice(0, end);
        text = text.slice(end + 2);
        const field = (name: string) =>
          block
            .split('\n')
            .filter((line) => line.startsWith(`${name}:`))
            .map((line) => line.slice(name.length + 1).trimStart())
            .join('\n');
        const data = field('data');
        if (data) frames.push({ event: field('event'), id: field('id'), envelope: JSON.parse(data) });
        end = text.indexOf('\n\n');
      }
      if (done(frames)) break;
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return frames;
}

let sidecar: Sidecar | undefined;
beforeAll(async () => {
  sidecar = await startSidecar();
});
afterAll(async () => {
  if (sidecar) await stopSidecar(sidecar.child);
});

describe('interop: the Spotlight sidecar', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(sidecar?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('stores every kind of envelope the client sends and gives back the same bytes', async () => {
    const url = sidecar?.url ?? '';
    const sent = await sendEveryKind(`${url.replace('://', '://public@')}/0`);
    expect(sent.flushed).toBe(true);
    expect(sent.statuses.every((s) => s === 200)).toBe(true);

    const types = (frames: Frame[]) => new Set(frames.flatMap((f) => f.envelope[1].map(([h]) => h.type)));
    const frames = await readStream(url, (f) => types(f).size >= 4 && f.length >= sent.statuses.length);
    expect(types(frames)).toEqual(new Set(['event', 'check_in', 'session', 'client_report']));
    expect(frames.every((f) => f.event === 'application/x-sentry-envelope')).toBe(true);

    const payloads = (type: string) =>
      frames.flatMap((f) => f.envelope[1].filter(([h]) => h.type === type).map(([, p]) => p));
    const events = payloads('event') as WireEvent[];
    const error = events.find((e) => e.event_id === sent.exceptionId);
    expect(error?.exception?.values.at(-1)).toMatchObject({
      type: 'CheckoutError',
      value: 'checkout failed ✗ — ünïcode',
      mechanism: { type: 'generic', handled: true },
    });
    expect(error?.release).toBe(RELEASE);
    expect(events.find((e) => e.event_id === sent.messageId)?.level).toBe('warning');
    expect(payloads('check_in')).toEqual([
      expect.objectContaining<Partial<WireCheckIn>>({ check_in_id: sent.checkInId, status: 'ok' }),
    ]);
    expect(payloads('session')).toEqual([
      expect.objectContaining<Partial<SessionUpdate>>({ sid: sent.sessionId, status: 'exited' }),
    ]);
    expect((payloads('client_report') as ClientReport[]).flatMap((r) => r.discarded_events)).toEqual([
      { reason: 'before_send', category: 'error', quantity: 1 },
    ]);

    // The raw bytes Spotlight stored for the error envelope parse with @sentry/core as well.
    const frame = frames.find((f) => f.envelope[0].event_id === sent.exceptionId);
    const raw = await fetch(`${url}/envelope/${frame?.id}`);
    expect(raw.status).toBe(200);
    const [headers, items] = sentryParseEnvelope(new Uint8Array(await raw.arrayBuffer()));
    expect(headers.event_id).toBe(sent.exceptionId);
    const [[itemHeaders, payload] = []] = items;
    expect(itemHeaders?.type).toBe('event');
    const event = JSON.parse(new TextDecoder().decode(payload as Uint8Array)) as WireEvent;
    expect(event.exception?.values.map((v) => v.type)).toEqual(['RangeError', 'CheckoutError']);
  });
});
