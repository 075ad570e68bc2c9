import { afterEach, describe, expect, it } from 'vitest';
import { type Receiver, refusedUrl, startReceiver } from '../../../test-utils/receiver.js';
import { createFetchExecutor } from './fetch-executor.js';

const receivers: Receiver[] = [];

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function receiver(options: Parameters<typeof startReceiver>[0] = {}): Promise<Receiver> {
  const started = await startReceiver(options);
  receivers.push(started);
  return started;
}

const BODY = new TextEncoder().encode('{}\n{"type":"event","length":2}\n{}\n');

describe('createFetchExecutor', () => {
  it('POSTs the bytes with the envelope content type and the given headers', async () => {
    const server = await receiver();
    const executor = createFetchExecutor({
      url: `${server.url}/api/1/envelope/?sentry_key=public`,
      headers: { 'X-Sentry-Auth': 'Sentry sentry_version=7, sentry_key=public' },
    });
    const response = await executor.send(BODY);
    expect(response).toEqual({ status: 200, headers: { 'x-sentry-rate-limits': null, 'retry-after': null } });
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/api/1/envelope/');
    expect(request?.query).toEqual({ sentry_key: 'public' });
    expect(request?.headers['content-type']).toBe('application/x-sentry-envelope');
    expect(request?.headers['x-sentry-auth']).toBe('Sentry sentry_version=7, sentry_key=public');
    expect(new TextDecoder().decode(request?.body)).toBe(new TextDecoder().decode(BODY));
  });

  it('reads the rate-limit headers whatever their case', async () => {
    const server = await receiver({
      respond: () => ({
        status: 429,
        headers: { 'Retry-After': '7', 'X-Sentry-Rate-Limits': '7:error:key' },
      }),
    });
    const response = await createFetchExecutor({ url: server.url }).send(BODY);
    expect(response).toEqual({
      status: 429,
      headers: { 'x-sentry-rate-limits': '7:error:key', 'retry-after': '7' },
    });
  });

  it('lets a given Content-Type win, in any case', async () => {
    const server = await receiver();
    await createFetchExecutor({ url: server.url, headers: { 'content-type': 'application/json' } }).send(
      BODY,
    );
    expect(server.requests[0]?.headers['content-type']).toBe('application/json');
  });

  it('accepts the platform fetch as an injected one', async () => {
    const server = await receiver();
    const response = await createFetchExecutor({ url: server.url, fetch: globalThis.fetch as never }).send(
      BODY,
    );
    expect(response.status).toBe(200);
  });

  it('rejects on a refused connection', async () => {
    await expect(createFetchExecutor({ url: await refusedUrl() }).send(BODY)).rejects.toThrow();
  });

  it('uses an injected fetch and keepalive only for small bodies', async () => {
    const calls: Array<{ url: string; keepalive: boolean | undefined }> = [];
    const executor = createFetchExecutor({
      url: 'http://example.invalid/',
      keepalive: true,
      fetch: async (url, init) => {
        calls.push({ url, keepalive: init?.keepalive });
        return { status: 200, headers: { get: () => null } };
      },
    });
    await executor.send(BODY);
    await executor.send(new Uint8Array(70 * 1024));
    expect(calls).toEqual([
      { url: 'http://example.invalid/', keepalive: true },
      { url: 'http://example.invalid/', keepalive: false },
    ]);
  });
});
