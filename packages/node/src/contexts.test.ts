import { hostname } from 'node:os';
import { createTestTransport } from '@faultline/core/testing';
import { afterEach, expect, it } from 'vitest';
import { captureMessage, close, flush, init, setContext } from './index.js';

afterEach(() => close());

async function oneEvent(options: Parameters<typeof init>[0] = {}) {
  const transport = createTestTransport();
  init({ transport: () => transport, breadcrumbs: { console: false }, captureUnhandled: false, ...options });
  captureMessage('hello');
  await flush(1000);
  return transport.events()[0];
}

it('adds runtime, os, device and app contexts', async () => {
  const event = await oneEvent();
  expect(event?.contexts?.runtime).toEqual({ name: 'node', version: process.version });
  expect(event?.contexts?.os).toMatchObject({ name: expect.any(String), version: expect.any(String) });
  expect(event?.contexts?.device).toMatchObject({
    arch: process.arch,
    memory_size: expect.any(Number),
    free_memory: expect.any(Number),
    processor_count: expect.any(Number),
  });
  expect(event?.contexts?.app).toMatchObject({
    app_start_time: expect.any(String),
    app_memory: expect.any(Number),
  });
  expect(Date.parse(String(event?.contexts?.app?.app_start_time))).toBeLessThanOrEqual(Date.now());
});

it('sends server_name only with sendDefaultPii', async () => {
  expect((await oneEvent())?.server_name).toBeUndefined();
  await close();
  expect((await oneEvent({ sendDefaultPii: true }))?.server_name).toBe(hostname());
});

it('keeps what the app set', async () => {
  const transport = createTestTransport();
  init({ transport: () => transport, breadcrumbs: { console: false }, captureUnhandled: false });
  setContext('app', { app_name: 'shop' });
  setContext('runtime', { name: 'custom' });
  captureMessage('hello');
  await flush(1000);
  const event = transport.events()[0];
  expect(event?.contexts?.app).toMatchObject({ app_name: 'shop', app_memory: expect.any(Number) });
  expect(event?.contexts?.runtime?.name).toBe('custom');
});

it('gives each event its own contexts: what beforeSend changes stays in its event', async () => {
  const transport = createTestTransport();
  let first = true;
  init({
    transport: () => transport,
    breadcrumbs: { console: false },
    captureUnhandled: false,
    beforeSend(event) {
      if (first) {
        (event.contexts.device as Record<string, unknown>).arch = 'changed';
        delete (event.contexts.runtime as Record<string, unknown>).version;
        first = false;
      }
      return event;
    },
  });
  captureMessage('one');
  captureMessage('two');
  await flush(1000);
  const [one, two] = transport.events();
  expect(one?.contexts?.device?.arch).toBe('changed');
  expect(two?.contexts?.device?.arch).toBe(process.arch);
  expect(two?.contexts?.runtime).toEqual({ name: 'node', version: process.version });
});
