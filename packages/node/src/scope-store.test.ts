import { setTimeout as sleep } from 'node:timers/promises';
import { createTestTransport } from '@faultline/core/testing';
import { afterEach, expect, it } from 'vitest';
import { captureMessage, close, flush, init, setTag, setUser, withIsolatedScope } from './index.js';

afterEach(() => close());

it('200 concurrent tasks with different users never mix scopes', async () => {
  const transport = createTestTransport();
  init({
    transport: () => transport,
    breadcrumbs: { console: false },
    dedupe: false,
    captureUnhandled: false,
  });
  setTag('global', 'kept');
  const task = (i: number) =>
    withIsolatedScope(async (scope) => {
      setUser({ id: `user-${i}` });
      await sleep(i % 7);
      scope.setTag('task', String(i));
      await Promise.resolve();
      await sleep((i * 13) % 5);
      captureMessage(`task ${i}`);
    });
  await Promise.all(Array.from({ length: 200 }, (_, i) => task(i)));
  await flush(2000);
  const events = transport.events();
  expect(events).toHaveLength(200);
  for (const event of events) {
    const i = String(event.message).replace('task ', '');
    expect(event.user?.id).toBe(`user-${i}`);
    expect(event.tags?.task).toBe(i);
    expect(event.tags?.global).toBe('kept');
  }
  // Nothing leaked into the root scope.
  captureMessage('outside');
  await flush(1000);
  expect(transport.events().at(-1)?.user).toBeUndefined();
});

it('a nested isolated scope forks the current one', async () => {
  const transport = createTestTransport();
  init({ transport: () => transport, breadcrumbs: { console: false }, captureUnhandled: false });
  await withIsolatedScope(async (outer) => {
    outer.setTag('outer', '1');
    await withIsolatedScope(async (inner) => {
      inner.setTag('inner', '1');
      await sleep(1);
      captureMessage('inner');
    });
    captureMessage('outer');
  });
  await flush(1000);
  const [inner, outer] = transport.events();
  expect(inner?.tags).toMatchObject({ outer: '1', inner: '1' });
  expect(outer?.tags?.outer).toBe('1');
  expect(outer?.tags?.inner).toBeUndefined();
});

it("leaves the caller of an isolated job within Node's default ten stack frames", () => {
  init({ transport: () => createTestTransport(), breadcrumbs: { console: false }, captureUnhandled: false });
  function scheduler(): string {
    return withIsolatedScope(() => new Error('job failed').stack ?? '');
  }
  const frames = scheduler().split('\n').slice(1);
  // The job's own frame, AsyncLocalStorage.run and three of the SDK's: the scheduler is the sixth.
  expect(frames.findIndex((line) => line.includes('at scheduler'))).toBe(5);
});
