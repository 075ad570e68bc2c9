import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  createCheckInEnvelope,
  createClientReportEnvelope,
  createEventEnvelope,
  serializeEnvelope,
  type WireEvent,
} from '@faultline/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { Arrival } from '../src/dev/arrivals.js';
import { type DevReceiver, startDevReceiver } from '../src/dev/dev-receiver.js';
import { arrivalJson, formatArrival } from '../src/dev/format.js';

const sdk = { name: 'faultline.node', version: '0.0.0' };

function event(id: string, line: number): WireEvent {
  return {
    event_id: id.repeat(32).slice(0, 32),
    timestamp: Date.now() / 1000,
    platform: 'node',
    level: 'error',
    transaction: 'GET /users/:id',
    tags: { 'http.status_code': '500' },
    user: { id: 'u-7' },
    environment: 'development',
    release: 'api@1.2.3',
    exception: {
      values: [
        {
          type: 'TypeError',
          value: "Cannot read properties of undefined (reading 'name')",
          mechanism: { type: 'express', handled: false },
          stacktrace: {
            frames: [
              { filename: 'node_modules/express/lib/router.js', lineno: 1, colno: 1, in_app: false },
              {
                filename: 'src/users.ts',
                function: 'getUser',
                lineno: line,
                colno: 18,
                in_app: true,
                context_line: '  return user.profile.name;',
              },
            ],
          },
        },
      ],
    },
    sdk,
  };
}

async function post(receiver: DevReceiver, body: Uint8Array, gzip = false): Promise<number> {
  const response = await fetch(`${receiver.url}/api/0/envelope/`, {
    method: 'POST',
    headers: gzip ? { 'content-encoding': 'gzip' } : {},
    body: gzip ? gzipSync(body) : Buffer.from(body),
  });
  return response.status;
}

let receiver: DevReceiver | undefined;
let dir: string | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('faultline-dev receiver', () => {
  it('shows each event with its top in-app frame, route, status, user, and counts repeats of a group', async () => {
    const seen: Arrival[] = [];
    receiver = await startDevReceiver({ port: 0, onArrival: (a) => seen.push(a) });
    expect(await post(receiver, serializeEnvelope(createEventEnvelope(event('a', 12), { sdk })))).toBe(200);
    expect(await post(receiver, serializeEnvelope(createEventEnvelope(event('b', 12), { sdk })), true)).toBe(
      200,
    );
    expect(seen.map((a) => a.kind === 'event' && a.seen)).toEqual([1, 2]);
    const text = formatArrival(seen[0] as Arrival);
    expect(text).toContain("TypeError: Cannot read properties of undefined (reading 'name')");
    expect(text).toContain('NEW');
    expect(text).toContain('src/users.ts:12:18');
    expect(text).toContain('return user.profile.name;');
    expect(text).toContain('route GET /users/:id');
    expect(text).toContain('status 500');
    expect(text).toContain('user u-7');
    expect(text).toContain('env development');
    expect(text).toContain('release api@1.2.3');
    expect(text).toContain('express (unhandled)');
    expect(formatArrival(seen[1] as Arrival)).toContain('seen 2×');
    expect(JSON.parse(arrivalJson(seen[0] as Arrival))).toMatchObject({
      kind: 'event',
      type: 'TypeError',
      frame: 'src/users.ts:12:18',
      seen: 1,
    });
  });

  it('shows check-ins and client reports', async () => {
    receiver = await startDevReceiver({ port: 0 });
    const checkIn = createCheckInEnvelope(
      { check_in_id: 'c'.repeat(32), monitor_slug: 'nightly', status: 'ok', duration: 1.5 },
      { sdk },
    );
    await post(receiver, serializeEnvelope(checkIn));
    const report = createClientReportEnvelope(
      { timestamp: 1, discarded_events: [{ reason: 'queue_overflow', category: 'error', quantity: 3 }] },
      { sdk },
    );
    await post(receiver, serializeEnvelope(report));
    const [first, second] = receiver.arrivals;
    expect(formatArrival(first as Arrival)).toBe('check-in nightly ok in 1.50 s  (cccccccc)');
    expect(formatArrival(second as Arrival)).toBe('client report dropped: 3 error (queue_overflow)');
  });

  it('answers the status it is told to, with Retry-After for 429, and saves envelopes to a folder', async () => {
    dir = await mkdtemp(join(tmpdir(), 'faultline-dev-'));
    receiver = await startDevReceiver({ port: 0, respondStatus: 429, retryAfterSeconds: 7, saveDir: dir });
    const response = await fetch(`${receiver.url}/api/0/envelope/`, {
      method: 'POST',
      body: Buffer.from(serializeEnvelope(createEventEnvelope(event('c', 3), { sdk }))),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(await readdir(dir)).toHaveLength(1);
  });

  it('rejects what is not an envelope without crashing', async () => {
    const rejects: string[] = [];
    receiver = await startDevReceiver({ port: 0, onReject: (r) => rejects.push(r) });
    expect(await post(receiver, new TextEncoder().encode('not json\n'))).toBe(400);
    expect(rejects[0]).toMatch(/not a valid envelope/);
    expect((await fetch(`${receiver.url}/elsewhere`)).status).toBe(404);
  });
});
