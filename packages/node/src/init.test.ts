import { createHmac } from 'node:crypto';
import { createTestTransport, type TestTransport } from '@faultline/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  addBreadcrumb,
  captureCheckIn,
  captureException,
  captureMessage,
  close,
  flush,
  getClient,
  init,
  setContext,
  setExtra,
  setTag,
  setTags,
  setUser,
  withIsolatedScope,
  withScope,
} from './index.js';

const EVENTS = ['uncaughtExceptionMonitor', 'unhandledRejection', 'beforeExit', 'exit', 'SIGTERM'] as const;
const listenerCounts = () => EVENTS.map((e) => process.listenerCount(e));

function clearEnv(): void {
  for (const name of [
    'FAULTLINE_DSN',
    'SENTRY_DSN',
    'FAULTLINE_RELEASE',
    'SENTRY_RELEASE',
    'FAULTLINE_ENVIRONMENT',
    'SENTRY_ENVIRONMENT',
    'NODE_ENV',
  ]) {
    vi.stubEnv(name, undefined);
  }
}

function initWithTestTransport(options: Parameters<typeof init>[0] = {}): TestTransport {
  const transport = createTestTransport();
  init({ transport: () => transport, breadcrumbs: { console: false }, ...options });
  return transport;
}

afterEach(async () => {
  await close();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('init', () => {
  it('without a DSN: disabled, one debug line, no listeners, every call a no-op', () => {
    clearEnv();
    const before = listenerCounts();
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const client = init({ debug: true });
    expect(client?.enabled).toBe(false);
    expect(listenerCounts()).toEqual(before);
    expect(log).toHaveBeenCalledTimes(1);
    expect(String(log.mock.calls[0]?.join(' '))).toContain('no DSN');
    expect(captureException(new Error('x'))).toEqual(expect.any(String));
  });

  it('without a DSN and without debug prints nothing', () => {
    clearEnv();
    const spies = (['log', 'warn', 'error'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(() => undefined),
    );
    init();
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it('reads DSN, release and environment from FAULTLINE_* variables', () => {
    clearEnv();
    vi.stubEnv('FAULTLINE_DSN', 'https://key@ingest.example.com/42');
    vi.stubEnv('FAULTLINE_RELEASE', 'shop@1.2.3');
    vi.stubEnv('FAULTLINE_ENVIRONMENT', 'staging');
    vi.stubEnv('NODE_ENV', 'production');
    const client = init({ captureUnhandled: false });
    expect(client?.enabled).toBe(true);
    expect(client?.dsn?.projectId).toBe('42');
    expect(client?.options.release).toBe('shop@1.2.3');
    expect(client?.options.environment).toBe('staging');
  });

  it('honours SENTRY_* variables, then NODE_ENV for the environment', () => {
    clearEnv();
    vi.stubEnv('SENTRY_DSN', 'https://key@ingest.example.com/7');
    vi.stubEnv('SENTRY_RELEASE', 'api@9');
    vi.stubEnv('NODE_ENV', 'production');
    const client = init();
    expect(client?.dsn?.projectId).toBe('7');
    expect(client?.options.release).toBe('api@9');
    expect(client?.options.environment).toBe('production');
  });

  it('prefers FAULTLINE_* over SENTRY_* and options over both', () => {
    clearEnv();
    vi.stubEnv('FAULTLINE_DSN', 'https://key@ingest.example.com/1');
    vi.stubEnv('SENTRY_DSN', 'https://key@ingest.example.com/2');
    vi.stubEnv('SENTRY_ENVIRONMENT', 'from-sentry');
    expect(init()?.dsn?.projectId).toBe('1');
    expect(getClient()?.options.environment).toBe('from-sentry');
    expect(init({ environment: 'given', dsn: 'https://key@ingest.example.com/3' })?.dsn?.projectId).toBe('3');
    expect(getClient()?.options.environment).toBe('given');
  });

  it('a bad option: one clear message naming it, its default used, the SDK on', async () => {
    clearEnv();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    for (const [option, value] of [
      ['exitFlushTimeoutMs', -5],
      ['breadcrumbs', 'yes'],
      ['sampleRate', 3],
      ['pseudonymizeUserIds', ''],
      ['integrations', [null]],
      ['sendDefaultPii', 'false'],
    ] as const) {
      warn.mockClear();
      const client = init({ dsn: 'https://key@ingest.example.com/1', [option]: value } as never);
      expect(client?.enabled).toBe(true);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.join(' '))).toContain(`option "${option}" must be`);
      expect(String(warn.mock.calls[0]?.join(' '))).toContain('default');
      expect((client?.options as Record<string, unknown> | undefined)?.[option]).toBeUndefined();
      await close(0);
    }
  });

  it('a DSN it cannot use: one clear message, SDK off, no throw, no listeners', () => {
    clearEnv();
    const before = listenerCounts();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    for (const dsn of ['not a dsn', 42]) {
      warn.mockClear();
      const client = init({ dsn } as never);
      expect(client?.enabled).toBe(false);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.join(' '))).toContain('SDK disabled');
      expect(listenerCounts()).toEqual(before);
    }
  });

  it('options that cannot even be read: one message, SDK off, no throw, no listeners', () => {
    clearEnv();
    const before = listenerCounts();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const unreadable = new Proxy(
      {},
      {
        get() {
          throw new Error('options trap');
        },
        ownKeys() {
          throw new Error('options trap');
        },
      },
    );
    expect(() => init(unreadable)).not.toThrow();
    expect(getClient()?.enabled).toBe(false);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.join(' '))).toContain(
      'SDK disabled: options must be a readable object',
    );
    expect(listenerCounts()).toEqual(before);
    expect(captureException(new Error('after a failed init'))).toBe('');
    // A list is no options object either: said the same way, not taken for empty options.
    warn.mockClear();
    expect(() => init([{ dsn: 'https://public@o1.ingest.example.com/1' }] as never)).not.toThrow();
    expect(getClient()?.enabled).toBe(false);
    expect(String(warn.mock.calls[0]?.join(' '))).toContain(
      'SDK disabled: options must be a readable object',
    );
  });

  it('withScope given no function: one message, nothing thrown into the app, the SDK keeps working', async () => {
    clearEnv();
    const transport = createTestTransport();
    init({ dsn: 'https://public@o1.ingest.example.com/1', transport: () => transport });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    for (const given of [undefined, null, 'scope', { setTag() {} }]) {
      expect(() => withScope(given as never)).not.toThrow();
      expect(withScope(given as never)).toBeUndefined();
    }
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.join(' '))).toContain(
      'withScope must be given a function, not undefined',
    );
    // A function still runs in its own scope, and the event carries what it set.
    const id = withScope((scope) => {
      scope.setTag('job', 'sync');
      return captureException(new Error('x'));
    });
    expect(id).not.toBe('');
    await flush(2000);
    expect(transport.events().at(-1)?.tags).toMatchObject({ job: 'sync' });
  });

  it('an integrations function that returns no list of integrations: one message, the defaults, close removes them', async () => {
    clearEnv();
    const before = listenerCounts();
    const log = console.log;
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    for (const integrations of [() => 5, () => [undefined]]) {
      error.mockClear();
      const client = init({ dsn: 'https://key@127.0.0.1:9/1', debug: true, integrations } as never);
      expect(client?.enabled).toBe(true);
      expect(client?.getIntegration('GlobalHandlers')).toBeDefined();
      expect(error).toHaveBeenCalledTimes(1);
      await close(0);
      expect(listenerCounts()).toEqual(before);
      expect(console.log).toBe(log);
    }
  });

  it('close removes every listener it added and resets the client', async () => {
    clearEnv();
    const before = listenerCounts();
    const log = console.log;
    init({ dsn: 'https://key@127.0.0.1:9/1' });
    expect(listenerCounts()).not.toEqual(before);
    expect(console.log).not.toBe(log);
    expect(await close(100)).toBeTypeOf('boolean');
    expect(listenerCounts()).toEqual(before);
    expect(console.log).toBe(log);
    expect(getClient()).toBeUndefined();
  });

  it('init twice replaces the client and its listeners', () => {
    clearEnv();
    const before = listenerCounts();
    init({ dsn: 'https://key@127.0.0.1:9/1' });
    const once = listenerCounts();
    const second = init({ dsn: 'https://key@127.0.0.1:9/2' });
    expect(getClient()).toBe(second);
    expect(listenerCounts()).toEqual(once);
    expect(once).not.toEqual(before);
  });
});

describe('what init starts and what waits for the first event', () => {
  it('sets an integration up once, at init, with the client init returned; its event work runs on each event', async () => {
    const setups: unknown[] = [];
    const seen: string[] = [];
    const transport = initWithTestTransport({
      integrations: [
        {
          name: 'Mine',
          setup: (client) => void setups.push(client),
          processEvent: (event) => {
            seen.push(String(event.message));
            return event;
          },
        },
      ],
    });
    expect(setups).toEqual([getClient()]);
    captureMessage('one');
    captureMessage('two');
    await flush(1000);
    expect(setups).toHaveLength(1);
    expect(seen).toEqual(['one', 'two']);
    expect(transport.events().map((e) => e.message)).toEqual(['one', 'two']);
  });

  it('listens for SIGTERM only once something was captured, and stops at close', async () => {
    clearEnv();
    const before = process.listenerCount('SIGTERM');
    init({ dsn: 'https://key@127.0.0.1:9/1', exitFlushTimeoutMs: 100 });
    expect(process.listenerCount('SIGTERM')).toBe(before);
    captureMessage('something to deliver');
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    await close(10);
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });

  it('a bad scrub entry is named once, at init, and the SDK stays on', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const transport = initWithTestTransport({ scrub: { denyKeys: [5 as never] } });
    expect(warn.mock.calls.map((call) => call.join(' '))).toEqual([
      expect.stringContaining('scrub.denyKeys[0]'),
    ]);
    captureMessage('still reported');
    await flush(1000);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(transport.events().map((e) => e.message)).toEqual(['still reported']);
  });

  it('what the app set on scopes before the first capture is on the first event', async () => {
    const transport = initWithTestTransport();
    setUser({ id: 'early' });
    setTag('stage', 'boot');
    addBreadcrumb({ message: 'booting' });
    captureException(new Error('first'));
    await flush(1000);
    const [event] = transport.events();
    expect(event?.user).toEqual({ id: 'early' });
    expect(event?.tags?.stage).toBe('boot');
    expect(event?.breadcrumbs?.values.map((b) => b.message)).toContain('booting');
  });
});

describe('top-level API', () => {
  it('is safe before init', async () => {
    expect(getClient()).toBeUndefined();
    expect(captureException(new Error('x'))).toBe('');
    expect(captureMessage('x')).toBe('');
    expect(captureCheckIn({ monitorSlug: 'job', status: 'ok' })).toBe('');
    setUser({ id: '1' });
    setTag('a', 'b');
    setTags({ a: 1 });
    setContext('c', { d: 1 });
    setExtra('e', 1);
    addBreadcrumb({ message: 'm' });
    expect(withScope((scope) => scope.setTag('x', 'y') && 5)).toBe(5);
    expect(await withIsolatedScope(async () => 6)).toBe(6);
    expect(await flush(10)).toBe(true);
    expect(await close(10)).toBe(true);
  });

  it('puts scope data on events', async () => {
    const transport = initWithTestTransport({ release: 'r@1' });
    setUser({ id: 'u1' });
    setTag('region', 'eu');
    setTags({ tier: 'gold' });
    setContext('order', { id: 7 });
    setExtra('attempt', 2);
    addBreadcrumb({ message: 'clicked' });
    const id = captureException(new Error('boom'));
    captureMessage('note', 'warning');
    await flush(1000);
    const [error, note] = transport.events();
    expect(error?.event_id).toBe(id);
    expect(error?.platform).toBe('node');
    expect(error?.sdk).toMatchObject({ name: 'faultline.node' });
    expect(error?.user).toEqual({ id: 'u1' });
    expect(error?.tags).toMatchObject({ region: 'eu', tier: 'gold' });
    expect(error?.contexts?.order).toEqual({ id: 7 });
    expect(error?.extra).toEqual({ attempt: 2 });
    expect(error?.breadcrumbs?.values.map((b) => b.message)).toContain('clicked');
    expect(error?.release).toBe('r@1');
    expect(note).toMatchObject({ message: 'note', level: 'warning' });
  });

  it('pseudonymizeUserIds sends a keyed hash instead of the user id', async () => {
    const transport = initWithTestTransport({ pseudonymizeUserIds: 'k1' });
    setUser({ id: 'alice' });
    captureMessage('m1');
    await flush(1000);
    const [event] = transport.events();
    expect(event?.user?.id).toBe(createHmac('sha256', 'k1').update('alice').digest('hex'));
    expect(JSON.stringify(transport.envelopes)).not.toContain('alice');
  });

  it('withScope keeps changes inside', async () => {
    const transport = initWithTestTransport();
    withScope((scope) => {
      scope.setTag('inside', 'yes');
      captureMessage('in');
    });
    captureMessage('out');
    await flush(1000);
    const [inside, outside] = transport.events();
    expect(inside?.tags?.inside).toBe('yes');
    expect(outside?.tags?.inside).toBeUndefined();
  });
});
