import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { type Receiver, refusedDsn, refusedUrl, startReceiver } from '../../../test-utils/receiver.js';
import { createCheckInEnvelope, createEventEnvelope, serializeEnvelope } from '../src/envelope.js';
import type { WireEvent } from '../src/types.js';

const event: WireEvent = {
  event_id: 'e'.repeat(32),
  timestamp: 1,
  platform: 'node',
  level: 'error',
  message: 'héllo 💥',
  sdk: { name: 'faultline.node', version: '0.0.0' },
};
const body = serializeEnvelope(createEventEnvelope(event, {}));

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

// Core's globals.ts declares a narrower `fetch`; this test wants the real one.
const webFetch = globalThis.fetch as unknown as (url: string, init: RequestInit) => Promise<Response>;

function post(url: string, data: Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
  return webFetch(url, {
    method: 'POST',
    body: new Uint8Array(data),
    headers: { 'content-type': 'application/x-sentry-envelope', ...headers },
  });
}

describe('startReceiver', () => {
  it('records path, query, headers and the parsed envelope, and answers with the event id', async () => {
    receiver = await startReceiver();
    expect(receiver.dsn).toBe(`http://public@127.0.0.1:${receiver.port}/1`);
    const res = await post(`${receiver.url}/api/1/envelope/?sentry_key=public&sentry_version=7`, body);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: event.event_id });
    const [request] = receiver.requests;
    expect(request?.path).toBe('/api/1/envelope/');
    expect(request?.query).toEqual({ sentry_key: 'public', sentry_version: '7' });
    expect(request?.headers['content-type']).toBe('application/x-sentry-envelope');
    expect(request?.body).toEqual(body);
    expect(request?.envelopeError).toBeUndefined();
    expect(receiver.events()).toEqual([event]);
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ])('undoes Content-Encoding %s', async (encoding, compress) => {
    receiver = await startReceiver();
    await post(`${receiver.url}/api/1/envelope/`, compress(body), { 'content-encoding': encoding });
    expect(receiver.requests[0]?.body).toEqual(body);
    expect(receiver.events()[0]?.message).toBe('héllo 💥');
  });

  it('answers 400 for a malformed envelope and 415 for an unknown encoding, recording both', async () => {
    receiver = await startReceiver();
    expect(
      (await post(`${receiver.url}/x`, new TextEncoder().encode('{}\n{"type":"event","length":99}\n{}')))
        .status,
    ).toBe(400);
    expect((await post(`${receiver.url}/x`, body, { 'content-encoding': 'compress' })).status).toBe(415);
    expect(receiver.requests.map((r) => r.envelopeError)).toEqual([
      expect.stringMatching(/length 99 exceeds/),
      expect.stringMatching(/unsupported Content-Encoding "compress"/),
    ]);
  });

  it('parses JSON bodies for webhook-style posts', async () => {
    receiver = await startReceiver();
    await post(`${receiver.url}/hook`, new TextEncoder().encode('{"text":"hi"}'));
    expect(receiver.requests[0]?.json).toEqual({ text: 'hi' });
  });

  it('answers what respond asks for', async () => {
    receiver = await startReceiver({
      respond: (req) =>
        req.path.startsWith('/limited')
          ? { status: 429, headers: { 'retry-after': '30', 'x-sentry-rate-limits': '60:error:organization' } }
          : { status: 413, body: 'too big' },
    });
    const limited = await post(`${receiver.url}/limited`, body);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('30');
    expect(limited.headers.get('x-sentry-rate-limits')).toBe('60:error:organization');
    const large = await post(`${receiver.url}/other`, body);
    expect(large.status).toBe(413);
    expect(await large.text()).toBe('too big');
  });

  it('can delay its answer', async () => {
    receiver = await startReceiver({ respond: () => ({ status: 500, delayMs: 20 }) });
    const res = await post(receiver.url, body);
    expect(res.status).toBe(500);
  });

  it('can destroy the socket', async () => {
    receiver = await startReceiver({ respond: () => ({ destroy: true }) });
    await expect(post(receiver.url, body)).rejects.toThrow();
    expect(receiver.requests).toHaveLength(1);
  });

  it('can hang until closed', async () => {
    const hanging = await startReceiver({ respond: () => ({ hang: true }) });
    const pending = post(hanging.url, body);
    await hanging.waitFor(1);
    await hanging.close();
    await expect(pending).rejects.toThrow();
  });

  it('waitFor resolves on a count or a predicate, and rejects listing what arrived', async () => {
    receiver = await startReceiver();
    const waiting = receiver.waitFor((requests) =>
      requests.some((r) => r.envelope.items[0]?.[0].type === 'check_in'),
    );
    await post(`${receiver.url}/api/1/envelope/`, body);
    await post(
      `${receiver.url}/api/1/envelope/`,
      serializeEnvelope(
        createCheckInEnvelope({ check_in_id: 'c', monitor_slug: 'nightly', status: 'ok' }, {}),
      ),
    );
    await waiting;
    await receiver.waitFor(2);
    expect(receiver.checkIns()).toHaveLength(1);
    await expect(receiver.waitFor(3, 10)).rejects.toThrow(
      /waiting for 3 request\(s\); received 2:\n {2}1\. POST \/api\/1\/envelope\/ \[event\("héllo 💥"\)\]\n {2}2\. .*check_in\("nightly:ok"\)/,
    );
    receiver.clear();
    expect(receiver.requests).toHaveLength(0);
  });

  it('rejects pending waits when closed', async () => {
    const r = await startReceiver();
    const waiting = r.waitFor(1);
    await r.close();
    await expect(waiting).rejects.toThrow(/closed/);
  });
});

describe('refusedUrl', () => {
  it('gives a URL where connections are refused', async () => {
    await expect(post(await refusedUrl(), body)).rejects.toThrow();
    expect(await refusedDsn()).toMatch(/^http:\/\/public@127\.0\.0\.1:\d+\/1$/);
  });
});
