import { createTestTransport } from '@faultline/core/testing';
import { afterEach, expect, it, vi } from 'vitest';
import { captureMessage, close, flush, init } from './index.js';

afterEach(async () => {
  await close();
  vi.restoreAllMocks();
});

it('records console calls as breadcrumbs and still prints them', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  const transport = createTestTransport();
  init({ transport: () => transport, captureUnhandled: false });
  console.log('hello %s', 'world', { n: 1 });
  console.warn('careful');
  captureMessage('x');
  await flush(1000);
  expect(log).toHaveBeenCalledWith('hello %s', 'world', { n: 1 });
  expect(warn).toHaveBeenCalledWith('careful');
  const crumbs = (transport.events()[0]?.breadcrumbs?.values ?? []).filter((b) => b.category === 'console');
  expect(crumbs.map((b) => [b.level, b.message])).toEqual([
    ['info', 'hello world { n: 1 }'],
    ['warning', 'careful'],
  ]);
});

it('records a console.table without the secrets in its rows or columns', async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const transport = createTestTransport();
  init({ transport: () => transport, captureUnhandled: false });
  console.table([
    { user: 'ada', password: 'Hunter2!xyz', plan: 'pro' },
    { user: 'bob', password: 'S3cret-pass', plan: 'free' },
  ]);
  console.table({ region: 'eu-west-1', apiKey: 'q8Zr4Lm2Xv7Np3Kd9Ws6' });
  captureMessage('x');
  await flush(1000);
  // Written to a terminal, the table's values are colored: compared without the color codes.
  const color = new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g');
  const [users, settings] = (transport.events()[0]?.breadcrumbs?.values ?? [])
    .filter((b) => b.category === 'console')
    .map((b) => (b.message ?? '').replace(color, ''));
  for (const secret of ['Hunter2!xyz', 'S3cret-pass', 'q8Zr4Lm2Xv7Np3Kd9Ws6'])
    expect(`${users}\n${settings}`).not.toContain(secret);
  expect(users).toMatch(/│ 0 +│ 'ada' │ \[Filtered\] +│ 'pro' {2}│/);
  expect(users).toMatch(/│ 1 +│ 'bob' │ \[Filtered\] +│ 'free' │/);
  expect(settings).toMatch(/│ region +│ 'eu-west-1' +│/);
  expect(settings).toMatch(/│ apiKey +│ \[Filtered\] +│/);
});

it('records a logged error by its stack, as an error handler logs what it caught', async () => {
  const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  const transport = createTestTransport();
  init({ transport: () => transport, captureUnhandled: false });
  const failure = new TypeError('payment provider unreachable');
  console.error(failure);
  captureMessage('x');
  await flush(1000);
  expect(error).toHaveBeenCalledWith(failure);
  const crumbs = (transport.events()[0]?.breadcrumbs?.values ?? []).filter((b) => b.category === 'console');
  expect(crumbs).toHaveLength(1);
  expect(crumbs[0]?.level).toBe('error');
  expect(crumbs[0]?.message).toMatch(
    /^TypeError: payment provider unreachable\n {4}at .*console-breadcrumbs\.test\.ts/,
  );
});

it('can be turned off, and close puts the console back', async () => {
  const original = console.log;
  init({ transport: () => createTestTransport(), breadcrumbs: { console: false }, captureUnhandled: false });
  expect(console.log).toBe(original);
  await close();
  init({ transport: () => createTestTransport(), captureUnhandled: false });
  expect(console.log).not.toBe(original);
  await close();
  expect(console.log).toBe(original);
});

it("leaves the SDK's own log lines out", async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const transport = createTestTransport();
  init({ transport: () => transport, captureUnhandled: false, debug: true });
  captureMessage('x');
  await flush(1000);
  const crumbs = (transport.events()[0]?.breadcrumbs?.values ?? []).filter((b) => b.category === 'console');
  expect(crumbs).toEqual([]);
});
