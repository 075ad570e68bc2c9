import { pseudonymizeUserIdsIntegration } from '@faultline/core/pseudonymize';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryTransport } from '../test/memory-transport.js';
import {
  captureEvent,
  captureException,
  captureMessage,
  close,
  flush,
  getClient,
  init,
  setUser,
  withScope,
} from './index.js';

afterEach(async () => {
  await close(0);
  vi.restoreAllMocks();
});

describe('init', () => {
  it('disables the SDK with one console message for a bad option, and never throws', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    // The options are checked by the pipeline, loaded right after `init`: its first import (the
    // test runner compiling it from source) can take over a second on a loaded machine.
    const clients = [
      init({ dsn: 'https://nokey.example.com/1' }),
      init({ sampleRate: 2 } as never),
      init(null as never),
    ];
    await vi.waitFor(() => expect(warn).toHaveBeenCalledTimes(3), { timeout: 10_000 });
    for (const client of clients) expect(client.enabled).toBe(false);
    // Core's rule in every runtime: only options the SDK cannot run with turn it off; any
    // other bad value is named and its default applies.
    expect(warn.mock.calls.map((c) => c.join(' '))).toEqual([
      '[Faultline] SDK disabled: Invalid DSN "https://nokey.example.com/1": missing or invalid public key',
      '[Faultline] option "sampleRate" must be a number from 0 to 1; using its default',
      '[Faultline] SDK disabled: options must be a readable object',
    ]);
    expect(getClient()?.enabled).toBe(false);
    expect(captureMessage('nothing')).toBe('');
  });

  it('without a DSN returns a disabled client, as Node does: its captures return an id and send nothing', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const client = init({});
    expect(client).toBe(getClient());
    expect(client.enabled).toBe(false);
    expect(client.captureException(new Error('off'))).toMatch(/^[\da-f]{32}$/);
    expect(client.captureMessage('off')).toMatch(/^[\da-f]{32}$/);
    expect(client.captureEvent({ event_id: 'a'.repeat(32) })).toBe('a'.repeat(32));
    // The top-level API says the SDK is off, in every runtime.
    expect(captureException(new Error('off'))).toBe('');
    expect(await client.flush(10)).toBe(true);
    expect(await close(10)).toBe(true);
    expect(getClient()).toBeUndefined();
    expect(warn).not.toHaveBeenCalled();
  });

  it('runs core integrations and a custom transport; scope data reaches the event', async () => {
    const memory = memoryTransport();
    const client = init({
      transport: memory.transport,
      release: 'shop@1.0.0',
      integrations: [pseudonymizeUserIdsIntegration('key')],
    });
    expect(client).toBe(getClient());
    setUser({ id: 'u-42', email: 'jane@example.com' });
    withScope((scope) => {
      scope.setTag('step', 'pay');
      captureException(new Error('declined'));
    });
    expect(await flush(1000)).toBe(true);
    const [event] = memory.events();
    expect(event).toMatchObject({ release: 'shop@1.0.0', platform: 'javascript', tags: { step: 'pay' } });
    expect(event?.user?.id).toMatch(/^[\da-f]{64}$/);
    expect(event?.user?.email).toBeUndefined();
    expect(event?.sdk).toEqual({
      name: 'faultline.browser',
      version: expect.any(String),
      settings: { infer_ip: 'never' },
    });
  });

  it('keeps the event when beforeSend or an integration throws', async () => {
    const memory = memoryTransport();
    init({
      transport: memory.transport,
      beforeSend: () => {
        throw new Error('hook bug');
      },
      integrations: [
        {
          name: 'Broken',
          processEvent: () => {
            throw new Error('integration bug');
          },
        },
      ],
    });
    captureMessage('still sent');
    await flush(1000);
    expect(memory.events().map((e) => e.message)).toEqual(['still sent']);
  });

  it('a null or missing event or hint neither throws nor costs the event', async () => {
    const memory = memoryTransport();
    init({ transport: memory.transport });
    for (const event of [null, undefined, 42]) expect(captureEvent(event as never)).toMatch(/^[\da-f]{32}$/);
    captureException(new Error('null hint'), null as never);
    captureMessage('null hint too', 'warning', null as never);
    captureEvent({ message: 'hand-built' }, null as never);
    await flush(1000);
    expect(memory.events().map((e) => e.message ?? e.exception?.values?.[0]?.value)).toEqual([
      'null hint',
      'null hint too',
      'hand-built',
    ]);
  });
});

describe('client pipeline and scope', () => {
  it('names the bad option for every kind of check', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const bad: Array<[string, unknown]> = [
      ['dsn', 1],
      ['release', {}],
      ['maxBreadcrumbs', -1],
      ['maxCauseDepth', 1.5],
      ['beforeSend', 'x'],
      ['integrations', {}],
      ['ignoreErrors', [1]],
      ['denyUrls', 'x'],
      ['captureStatus', [[500]]],
      ['captureStatus', [500, 'x']],
    ];
    const memory = memoryTransport();
    const clients = bad.map(([key, value]) => init({ transport: memory.transport, [key]: value } as never));
    await vi.waitFor(() => expect(warn).toHaveBeenCalledTimes(bad.length), { timeout: 10_000 });
    // A DSN that is no string turns the SDK off; any other bad value falls back to its default.
    expect(clients.map((client) => client.enabled)).toEqual(bad.map(([key]) => key !== 'dsn'));
    expect(warn.mock.calls.map((c) => c.join(' '))).toEqual(
      bad.map(([key]) =>
        key === 'dsn'
          ? '[Faultline] SDK disabled: option "dsn" must be a string'
          : expect.stringMatching(
              new RegExp(`^\\[Faultline\\] option "${key}" must be .*; using its default$`),
            ),
      ),
    );
    warn.mockClear();
    expect(init({ transport: memory.transport, captureStatus: [[500, 599], 401] }).enabled).toBe(true);
    expect(warn).not.toHaveBeenCalled();
  });

  it('applies sampleRate, ignoreErrors, dedupe, integrations (as a function) and async beforeSend', async () => {
    const memory = memoryTransport();
    const seen: string[] = [];
    init({
      transport: memory.transport,
      ignoreErrors: ['Ignored', /^Type.*regex$/],
      integrations: (defaults) => [
        ...defaults,
        { name: 'Tag', processEvent: (e) => ({ ...e, tags: { ...e.tags, seen: 'yes' } }) },
      ],
      beforeSend: async (e) => {
        seen.push(String(e.message ?? e.exception?.values?.[0]?.value));
        return e.message === 'drop' ? null : e;
      },
    });
    captureMessage('kept', 'warning');
    captureMessage('Ignored message');
    captureException(new TypeError('matched by regex'));
    captureMessage('drop');
    captureMessage('twice');
    captureMessage('twice');
    const error = new Error('one object');
    captureException(error);
    captureException(error);
    await flush(1000);
    expect(
      memory.events().map((e) => [e.message ?? e.exception?.values?.[0]?.value, e.level, e.tags?.seen]),
    ).toEqual([
      ['kept', 'warning', 'yes'],
      ['twice', 'info', 'yes'],
      ['one object', 'error', 'yes'],
    ]);
    expect(seen).toEqual(['kept', 'drop', 'twice', 'one object']);
    await close(0);

    const sampled = memoryTransport();
    init({ transport: sampled.transport, sampleRate: 0 });
    captureException(new Error('sampled out'));
    // As in Sentry's SDKs, sampleRate applies to messages too.
    captureMessage('info messages are sampled too');
    captureMessage('so are warnings', 'warning');
    await flush(1000);
    expect(sampled.events()).toEqual([]);
  });

  it('merges scope and event data; scope setters copy, chain, and never throw', async () => {
    const memory = memoryTransport();
    const client = init({
      transport: memory.transport,
      maxBreadcrumbs: 2,
      initialScope: { tags: { app: 'shop' }, user: { id: 'u1' } },
      beforeBreadcrumb: (b) => (b.message === 'skip' ? null : b),
    })!;
    const scope = client.getScope();
    const context = { a: 1 };
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    expect(
      scope
        .setTag('n', 5)
        .setTags({ m: true })
        .setContext('ctx', context)
        .setContext('gone', { b: 1 })
        .setContext('gone', null)
        .setExtra('x', 1)
        .setExtras({ y: 2 })
        .setLevel('warning')
        .setFingerprint(['fp'])
        .setTransaction('checkout')
        .setRequest({ url: 'https://shop.example/pay' })
        .setTags(hostile as never),
    ).toBe(scope);
    context.a = 2;
    for (const message of ['one', 'skip', 'two', 'three']) client.addBreadcrumb({ message });
    const data = scope.getData();
    data.tags.n = 'changed';
    data.breadcrumbs.length = 0;
    expect(scope.getData().tags).toEqual({ app: 'shop', n: '5', m: 'true' });
    captureEvent({ message: 'built', tags: { t: 1 as never }, extra: { z: 3 }, user: { username: 'u' } });
    await flush(1000);
    const [event] = memory.events();
    expect(event).toMatchObject({
      message: 'built',
      level: 'warning',
      transaction: 'checkout',
      fingerprint: ['fp'],
      tags: { app: 'shop', n: '5', m: 'true', t: '1' },
      contexts: { ctx: { a: 1 } },
      extra: { x: 1, y: 2, z: 3 },
      user: { id: 'u1' },
      request: { url: 'https://shop.example/pay' },
    });
    expect(event?.contexts?.gone).toBeUndefined();
    expect(event?.breadcrumbs).toMatchObject({ values: [{ message: 'two' }, { message: 'three' }] });
    scope.clear();
    expect(scope.getData()).toEqual({ tags: {}, contexts: {}, extra: {}, breadcrumbs: [] });
    scope.setUser({ id: 'x' }).setUser(null).setLevel(undefined);
    expect(scope.getData()).toEqual({ tags: {}, contexts: {}, extra: {}, breadcrumbs: [] });
  });

  it('matches a global or sticky RegExp in ignoreErrors every time', async () => {
    const memory = memoryTransport();
    const global = /noise/g;
    init({ transport: memory.transport, ignoreErrors: [global, /^Error: sticky/y], dedupe: false });
    for (let i = 0; i < 3; i++) {
      captureMessage('some noise here');
      captureException(new Error('sticky one'));
    }
    captureMessage('kept');
    await flush(1000);
    expect(memory.events().map((e) => e.message)).toEqual(['kept']);
    expect(global.lastIndex).toBe(0);
  });

  it('keeps the id of a hand-built event and builds linked errors', async () => {
    const memory = memoryTransport();
    init({ transport: memory.transport });
    const id = 'ab'.repeat(16);
    expect(captureEvent({ event_id: id, message: 'mine' })).toBe(id);
    expect(captureMessage('generated')).toMatch(/^[\da-f]{12}4[\da-f]{3}[89ab][\da-f]{15}$/);
    await flush(1000);
    expect(memory.events().map((e) => e.event_id)[0]).toBe(id);
  });
});

describe('captures before the pipeline has loaded', () => {
  it('are sent with the id returned at once and the scope of the moment of capture', async () => {
    const memory = memoryTransport();
    const client = init({ transport: memory.transport });
    setUser({ id: 'u-1' });
    const inner = withScope((scope) => {
      scope.setTag('step', 'pay');
      return captureException(new Error('declined'));
    });
    const outer = captureMessage('after');
    const given = captureEvent({ event_id: 'b'.repeat(32), message: 'hand-built' });
    setUser({ id: 'u-2' });
    expect(client.enabled).toBe(true);
    expect(await flush(5000)).toBe(true);
    const events = memory.events();
    expect(events.map((e) => [e.event_id, e.tags?.step, e.user?.id])).toEqual([
      [inner, 'pay', 'u-1'],
      [outer, undefined, 'u-1'],
      [given, undefined, 'u-1'],
    ]);
    expect(given).toBe('b'.repeat(32));
  });

  it('beyond 100 are dropped and counted as queue_overflow', async () => {
    const drops: string[] = [];
    let sent = 0;
    init({
      transport: () => ({
        send: () => void sent++,
        recordDroppedEvent: (reason: string, _category: string, quantity = 1) =>
          void drops.push(`${reason}:${quantity}`),
        flush: async () => true,
        close: async () => true,
        takePending: () => [],
      }),
      dedupe: false,
    });
    for (let i = 0; i < 105; i++) captureMessage(`m${i}`);
    expect(await flush(5000)).toBe(true);
    expect(sent).toBe(100);
    expect(drops).toEqual(['queue_overflow:5']);
  });
});
