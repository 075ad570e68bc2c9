import { Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { TransportExecutor } from '@faultline/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../../../test-utils/receiver.js';
import { createHttpExecutor, type HttpExecutorOptions } from './http-executor.js';
import { createUndiciExecutor } from './undici-executor.js';

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

const envelope = (payload: string) =>
  new TextEncoder().encode(
    `{"event_id":"${'a'.repeat(32)}"}\n{"type":"event"}\n${JSON.stringify({ message: payload })}\n`,
  );

// Both senders Node can use: its own HTTP client (the default) and undici (opt-in).
const senders: Array<[string, (options: HttpExecutorOptions) => TransportExecutor]> = [
  ['node:http', createHttpExecutor],
  ['undici', createUndiciExecutor],
];

describe.each(senders)('%s sender', (_name, create) => {
  it('POSTs the envelope with auth and user agent, uncompressed when small', async () => {
    receiver = await startReceiver();
    const executor = create({
      url: `${receiver.url}/api/1/envelope/`,
      headers: { 'x-sentry-auth': 'Sentry sentry_key=public', 'user-agent': 'faultline.node/0.1.0' },
    });
    const response = await executor.send(envelope('small'));
    expect(response.status).toBe(200);
    const [request] = receiver.requests;
    expect(request?.path).toBe('/api/1/envelope/');
    expect(request?.headers['x-sentry-auth']).toBe('Sentry sentry_key=public');
    expect(request?.headers['user-agent']).toBe('faultline.node/0.1.0');
    expect(request?.headers['content-type']).toBe('application/x-sentry-envelope');
    expect(request?.headers['content-encoding']).toBeUndefined();
    await executor.close?.();
  });

  it('gzips bodies above the threshold', async () => {
    receiver = await startReceiver();
    const executor = create({ url: `${receiver.url}/api/1/envelope/` });
    const body = envelope('x'.repeat(40 * 1024));
    await executor.send(body);
    const [request] = receiver.requests;
    expect(request?.headers['content-encoding']).toBe('gzip');
    expect(Number(request?.headers['content-length'])).toBeLessThan(gzipSync(body).length + 100);
    expect(new TextDecoder().decode(request?.body)).toBe(new TextDecoder().decode(body));
    await executor.close?.();
  });

  it('returns status and rate-limit headers, and rejects on network errors', async () => {
    receiver = await startReceiver({
      respond: () => ({
        status: 429,
        headers: { 'retry-after': '30', 'x-sentry-rate-limits': '60:error:org' },
      }),
    });
    const executor = create({ url: `${receiver.url}/api/1/envelope/` });
    expect(await executor.send(envelope('limited'))).toEqual({
      status: 429,
      headers: { 'retry-after': '30', 'x-sentry-rate-limits': '60:error:org' },
    });
    await executor.close?.();
    const url = `${receiver.url}/api/1/envelope/`;
    await receiver.close();
    receiver = undefined;
    const down = create({ url });
    await expect(down.send(envelope('lost'))).rejects.toThrow();
    await down.close?.();
  });

  it('says when the whole body has been written, before the answer', async () => {
    let release: () => void = () => undefined;
    receiver = await startReceiver({
      respond: () => new Promise((resolve) => (release = () => resolve({ status: 200 }))),
    });
    const executor = create({ url: `${receiver.url}/api/1/envelope/` });
    let written = false;
    const sending = executor.send(envelope('x'.repeat(40 * 1024)), () => {
      written = true;
    });
    await receiver.waitFor(1);
    expect(written).toBe(true);
    release();
    expect((await sending).status).toBe(200);
    await executor.close?.();
  });
});

it('keeps no socket holding the process open while a send is in flight', async () => {
  let release: () => void = () => undefined;
  receiver = await startReceiver({
    respond: () => new Promise((resolve) => (release = () => resolve({ status: 200 }))),
  });
  const executor = createHttpExecutor({ url: `${receiver.url}/api/1/envelope/` });
  const sending = executor.send(envelope('held'));
  await new Promise((resolve) => setTimeout(resolve, 100));
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  const refSockets = handles.filter(
    (h) =>
      h instanceof Socket &&
      h.remotePort === Number(new URL(receiver!.url).port) &&
      (h as Socket & { hasRef(): boolean }).hasRef(),
  );
  expect(refSockets).toHaveLength(0);
  release();
  expect((await sending).status).toBe(200);
  await executor.close?.();
});
