import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Breadcrumb } from '@faultline/core';
import { createTestTransport } from '@faultline/core/testing';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../../../test-utils/receiver.js';
import { captureMessage, close, flush, init, withIsolatedScope } from './index.js';

let server: Server;
let base: string;
let receiver: Receiver | undefined;

beforeEach(async () => {
  server = createServer((req, res) => {
    res.statusCode = req.url?.startsWith('/fail') ? 503 : 200;
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await close(500);
  await new Promise((resolve) => server.close(resolve));
  await receiver?.close();
  receiver = undefined;
});

function httpGet(url: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    }).on('error', reject);
  });
}

const httpCrumbs = (crumbs: Breadcrumb[] | undefined) => (crumbs ?? []).filter((b) => b.category === 'http');

it('records node:http and fetch requests with method, scrubbed URL and status', async () => {
  const transport = createTestTransport();
  init({ transport: () => transport, breadcrumbs: { console: false }, captureUnhandled: false });
  await httpGet(`${base}/users?token=s3cr3t-value&page=2`);
  await fetch(`${base}/fail?api_key=abc123`, { method: 'POST', body: 'x' }).then((r) => r.text());
  captureMessage('after requests');
  await flush(1000);
  const crumbs = httpCrumbs(transport.events()[0]?.breadcrumbs?.values);
  expect(crumbs).toHaveLength(2);
  expect(crumbs[0]).toMatchObject({ type: 'http', data: { method: 'GET', status_code: 200 } });
  expect(crumbs[0]?.data?.url).toContain(`${base}/users?`);
  expect(crumbs[0]?.data?.url).toContain('page=2');
  expect(crumbs[1]).toMatchObject({ level: 'error', data: { method: 'POST', status_code: 503 } });
  expect(JSON.stringify(crumbs)).not.toMatch(/s3cr3t-value|abc123/);
});

it('puts each breadcrumb in the scope that made the request', async () => {
  const transport = createTestTransport();
  init({ transport: () => transport, breadcrumbs: { console: false }, captureUnhandled: false });
  await Promise.all(
    ['a', 'b', 'c'].map((name) =>
      withIsolatedScope(async () => {
        await httpGet(`${base}/${name}`);
        await fetch(`${base}/${name}-fetch`).then((r) => r.text());
        captureMessage(name);
      }),
    ),
  );
  await flush(1000);
  for (const event of transport.events()) {
    const urls = httpCrumbs(event.breadcrumbs?.values).map((b) => String(b.data?.url));
    expect(urls).toEqual([`${base}/${event.message}`, `${base}/${event.message}-fetch`]);
  }
});

it('records a failed request', async () => {
  const transport = createTestTransport();
  init({ transport: () => transport, breadcrumbs: { console: false }, captureUnhandled: false });
  const closed = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await new Promise((resolve) => server.close(resolve));
  await httpGet(`${closed}/down`).catch(() => undefined);
  server = createServer();
  server.listen(0, '127.0.0.1');
  captureMessage('after failure');
  await flush(1000);
  const [crumb] = httpCrumbs(transport.events()[0]?.breadcrumbs?.values);
  expect(crumb).toMatchObject({ level: 'error', data: { method: 'GET', url: `${closed}/down` } });
});

it("never records the SDK's own requests to its DSN", async () => {
  receiver = await startReceiver();
  init({ dsn: receiver.dsn, breadcrumbs: { console: false }, captureUnhandled: false });
  captureMessage('first');
  await flush(2000);
  await httpGet(`${base}/mine`);
  captureMessage('second');
  await flush(2000);
  await receiver.waitFor(2);
  const second = receiver.events().find((e) => e.message === 'second');
  const urls = httpCrumbs(second?.breadcrumbs?.values).map((b) => String(b.data?.url));
  expect(urls).toEqual([`${base}/mine`]);
});

it('stops recording after close', async () => {
  const transport = createTestTransport();
  init({ transport: () => transport, breadcrumbs: { console: false }, captureUnhandled: false });
  await close();
  const again = createTestTransport();
  init({ transport: () => again, breadcrumbs: { console: false, http: false }, captureUnhandled: false });
  await httpGet(`${base}/after`);
  captureMessage('x');
  await flush(1000);
  expect(httpCrumbs(again.events()[0]?.breadcrumbs?.values)).toEqual([]);
});
