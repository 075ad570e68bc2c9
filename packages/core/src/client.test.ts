import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ClientRuntime, createClient } from './client.js';
import type { Envelope } from './envelope.js';
import type { ClientOptions } from './options.js';
import { pseudonymizeUserIdsIntegration } from './pseudonymize-integration.js';
import { sendCheckIn } from './send-check-in.js';
import type { Transport } from './transport.js';
import type { DataCategory, DiscardReason, WireCheckIn, WireEvent } from './types.js';

const runtime: ClientRuntime = {
  platform: 'node',
  sdk: { name: 'faultline.test', version: '0.0.0' },
  sendCheckIn,
};

function recording() {
  const envelopes: Envelope[] = [];
  const drops: Array<[DiscardReason, DataCategory, number]> = [];
  const transport: Transport = {
    send: (envelope) => void envelopes.push(envelope),
    recordDroppedEvent: (reason, category, quantity = 1) => void drops.push([reason, category, quantity]),
    flush: async () => true,
    close: async () => true,
    takePending: () => [],
  };
  const items = (type: string) =>
    envelopes.flatMap((e) => e.items.filter(([h]) => h.type === type).map(([, p]) => p));
  return {
    envelopes,
    drops,
    events: () => items('event') as WireEvent[],
    checkIns: () => items('check_in') as WireCheckIn[],
    options: (extra: ClientOptions = {}): ClientOptions => ({ transport: () => transport, ...extra }),
  };
}

afterEach(() => vi.restoreAllMocks());

describe('createClient', () => {
  it('captures an error with its type, message, frames and a generic handled mechanism', () => {
    const rec = recording();
    const client = createClient(rec.options({ release: 'app@1.0.0', environment: 'test' }), runtime);
    const id = client.captureException(new TypeError('bad input'));
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const [event] = rec.events();
    expect(event?.event_id).toBe(id);
    expect(event?.platform).toBe('node');
    expect(event?.release).toBe('app@1.0.0');
    expect(event?.environment).toBe('test');
    const value = event?.exception?.values.at(-1);
    expect(value?.type).toBe('TypeError');
    expect(value?.value).toBe('bad input');
    expect(value?.mechanism).toMatchObject({ type: 'generic', handled: true });
    expect(value?.stacktrace?.frames.at(-1)?.function).toBeTruthy();
    expect(event?.sdk.name).toBe('faultline.test');
  });

  it('merges scope data into events and isolates withScope changes', () => {
    const rec = recording();
    const client = createClient(rec.options({ initialScope: { tags: { team: 'payments' } } }), runtime);
    client.getScope().setUser({ id: 'u1' });
    client.addBreadcrumb({ message: 'clicked pay' });
    client.withScope((scope) => {
      scope.setTag('step', 'charge').setTransaction('POST /pay');
      client.captureMessage('charge failed', 'warning');
    });
    client.captureMessage('after');
    const [inside, after] = rec.events();
    expect(inside).toMatchObject({
      message: 'charge failed',
      level: 'warning',
      tags: { team: 'payments', step: 'charge' },
      transaction: 'POST /pay',
      user: { id: 'u1' },
    });
    expect(inside?.breadcrumbs?.values.map((b) => b.message)).toEqual(['clicked pay']);
    expect(after?.tags).toEqual({ team: 'payments' });
    expect(after?.transaction).toBeUndefined();
  });

  it('never throws and returns an id when disabled, and says why once for a bad DSN', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const client = createClient({ dsn: 'not a dsn' }, runtime);
    expect(client.enabled).toBe(false);
    expect(client.captureException(new Error('x'))).toMatch(/^[0-9a-f]{32}$/);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/disabled/i);
  });

  it('an ill-typed option: one clear message naming it, and its default is used', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const rec = recording();
    const client = createClient(rec.options({ sampleRate: 7 as never }), runtime);
    expect(client.enabled).toBe(true);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain('option "sampleRate" must be a number from 0 to 1');
    client.captureException(new Error('sent at the default rate of 1'));
    expect(rec.events()).toHaveLength(1);
  });

  it('an ill-typed transport setting: named with its path, the others and the defaults apply', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const client = createClient(
      {
        dsn: 'https://public@o1.ingest.example.com/1',
        transportOptions: { maxRetries: 'x' as never, maxQueueSize: 5, concurrency: -1 },
      },
      runtime,
    );
    expect(client.enabled).toBe(true);
    expect(warn.mock.calls.map((call) => String(call[0]))).toEqual([
      '[Faultline] option "transportOptions.concurrency" must be an integer >= 0; using its default',
      '[Faultline] option "transportOptions.maxRetries" must be an integer >= 0; using its default',
    ]);
    expect(client.options.transportOptions).toEqual({ maxQueueSize: 5 });
  });

  it('a number given as a string is no number: named, and the default applies', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const rec = recording();
    // '' compares as 0 and would drop every event without a word.
    for (const sampleRate of ['', '0.5']) {
      const client = createClient(rec.options({ sampleRate: sampleRate as never }), runtime);
      client.captureException(new Error(`sent at the default rate of 1 (${sampleRate})`));
    }
    expect(rec.events()).toHaveLength(2);
    expect(warn.mock.calls.map(String)).toEqual([
      expect.stringContaining('option "sampleRate" must be a number from 0 to 1'),
      expect.stringContaining('option "sampleRate" must be a number from 0 to 1'),
    ]);
  });

  it('a DSN that is no string or cannot be parsed turns the SDK off with one message', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    for (const dsn of [42, 'not a dsn']) {
      warn.mockClear();
      expect(createClient({ dsn: dsn as never }, runtime).enabled).toBe(false);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toContain('SDK disabled');
    }
  });

  it('sendDefaultPii that is not true sends no personal data', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const rec = recording();
    const client = createClient(rec.options({ sendDefaultPii: 'false' as never }), runtime);
    client.getScope().setUser({ id: 'u1', email: 'ada@example.com', ip_address: '203.0.113.7' });
    client.captureException(new Error('boom'));
    expect(rec.events()[0]?.user).toEqual({ id: 'u1' });
  });

  it('a transport factory that throws or returns no transport: one clear message, never retried', () => {
    for (const factory of [
      () => {
        throw new Error('no such queue');
      },
      () => undefined,
      () => ({ flush: async () => true }),
    ]) {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      let made = 0;
      const client = createClient(
        {
          transport: (() => {
            made++;
            return factory();
          }) as never,
        },
        runtime,
      );
      expect(() => client.captureMessage('a')).not.toThrow();
      client.captureException(new Error('b'));
      expect(made).toBe(1);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0])).toMatch(
        /\[Faultline\] the transport could not be made, no event is sent: /,
      );
      warn.mockRestore();
    }
  });

  it('is off without a DSN or transport', () => {
    expect(createClient({}, runtime).enabled).toBe(false);
  });

  it('applies sampleRate, ignoreErrors and dedupe, counting each drop', () => {
    const rec = recording();
    const client = createClient(rec.options({ ignoreErrors: ['ResizeObserver', /^AbortError/] }), runtime);
    client.captureException(new Error('ResizeObserver loop limit exceeded'));
    const abort = new Error('aborted');
    abort.name = 'AbortError';
    client.captureException(abort);
    const error = new Error('same');
    client.captureException(error);
    client.captureException(error);
    expect(rec.events()).toHaveLength(1);
    expect(rec.drops.filter(([r]) => r === 'event_processor')).toHaveLength(2);

    const sampled = recording();
    const none = createClient(sampled.options({ sampleRate: 0 }), runtime);
    none.captureException(new Error('a'));
    // As in Sentry's SDKs, messages are sampled too, whatever their level.
    none.captureMessage('b');
    none.captureMessage('c', 'warning');
    expect(sampled.events()).toHaveLength(0);
    expect(sampled.drops).toEqual([
      ['sample_rate', 'error', 1],
      ['sample_rate', 'error', 1],
      ['sample_rate', 'error', 1],
    ]);
  });

  it('drops exact repeats of the previous event', () => {
    const rec = recording();
    const client = createClient(rec.options(), runtime);
    for (let i = 0; i < 3; i++) client.captureMessage('disk full', 'error');
    expect(rec.events()).toHaveLength(1);
  });

  it('keeps the event when beforeSend throws, drops it on null, and awaits async hooks', async () => {
    const rec = recording();
    const throwing = createClient(
      rec.options({
        beforeSend: () => {
          throw new Error('hook bug');
        },
      }),
      runtime,
    );
    throwing.captureMessage('kept');
    expect(rec.events().map((e) => e.message)).toEqual(['kept']);

    const dropping = createClient(rec.options({ beforeSend: () => null }), runtime);
    dropping.captureMessage('gone');
    expect(rec.drops).toContainEqual(['before_send', 'error', 1]);

    const slow = createClient(
      rec.options({
        beforeSend: async (event) => {
          await new Promise((r) => setTimeout(r, 20));
          return { ...event, tags: { ...event.tags, edited: 'yes' } };
        },
      }),
      runtime,
    );
    slow.captureMessage('async');
    expect(await slow.flush(1000)).toBe(true);
    expect(rec.events().at(-1)?.tags).toMatchObject({ edited: 'yes' });
  });

  it('scrubs what beforeSend adds, because sanitization runs last', () => {
    const rec = recording();
    const client = createClient(
      rec.options({
        beforeSend: (event) => ({ ...event, extra: { password: 'hunter2', note: 'Bearer abc.def.ghi' } }),
      }),
      runtime,
    );
    client.captureMessage('login failed');
    const text = JSON.stringify(rec.events()[0]);
    expect(text).not.toContain('hunter2');
    expect(text).toContain('[Filtered]');
  });

  it('runs integrations in order, lets them drop events, survives their failures', async () => {
    const rec = recording();
    const setup = vi.fn();
    const client = createClient(
      rec.options({
        integrations: [
          { name: 'a', setup, processEvent: (e) => ({ ...e, tags: { ...e.tags, a: '1' } }) },
          {
            name: 'broken',
            processEvent: () => {
              throw new Error('x');
            },
          },
          { name: 'async', processEvent: async (e) => ({ ...e, tags: { ...e.tags, b: '2' } }) },
          { name: 'drop-health', processEvent: (e) => (e.message === 'health' ? null : e) },
        ],
      }),
      runtime,
    );
    expect(setup).toHaveBeenCalledWith(client);
    client.captureMessage('real');
    client.captureMessage('health');
    await client.flush(1000);
    expect(rec.events().map((e) => [e.message, e.tags])).toEqual([['real', { a: '1', b: '2' }]]);
    expect(rec.drops).toContainEqual(['event_processor', 'error', 1]);
  });

  it('sends check-ins only through the runtime that plugs them in, so a runtime without them bundles none', () => {
    const rec = recording();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const bare = createClient(rec.options({ debug: true }), { platform: 'javascript', sdk: runtime.sdk });
    expect(bare.captureCheckIn({ monitorSlug: 'nightly', status: 'ok' })).toBe('');
    expect(warn.mock.calls.map((c) => c.join(' '))).toEqual([
      '[Faultline] check-in dropped: this runtime sends no check-ins',
    ]);
    expect(rec.envelopes).toEqual([]);
    const client = createClient(rec.options(), runtime);
    expect(client.captureCheckIn({ monitorSlug: 'nightly', status: 'ok' })).toMatch(/^[\da-f]{32}$/);
    expect(rec.checkIns().map((c) => c.monitor_slug)).toEqual(['nightly']);
  });

  it('takes Sentry’s camelCase monitor config with fractional values, and a dashed check-in id', () => {
    const rec = recording();
    const client = createClient(rec.options({ release: 'web/1.0', environment: 'prod' }), runtime);
    const dashed = 'A1B2C3D4-0000-4000-8000-00000000000F';
    const id = client.captureCheckIn(
      { monitorSlug: 'nightly', status: 'in_progress', checkInId: dashed },
      {
        schedule: { type: 'interval', value: 90, unit: 'second' as never },
        checkinMargin: 2.5,
        maxRuntime: 0.5,
        timezone: 'UTC',
        failureIssueThreshold: 1.5,
        recoveryThreshold: 2,
      },
    );
    expect(id).toBe('a1b2c3d400004000800000000000000f');
    client.captureCheckIn({ monitorSlug: 'nightly', status: 'ok', checkInId: dashed, duration: 3 });
    expect(rec.checkIns()).toEqual([
      {
        check_in_id: id,
        monitor_slug: 'nightly',
        status: 'in_progress',
        release: 'web-1.0',
        environment: 'prod',
        monitor_config: {
          schedule: { type: 'interval', value: 2, unit: 'minute' },
          checkin_margin: 3,
          max_runtime: 1,
          failure_issue_threshold: 2,
          recovery_threshold: 2,
          timezone: 'UTC',
        },
      },
      {
        check_in_id: id,
        monitor_slug: 'nightly',
        status: 'ok',
        duration: 3,
        release: 'web-1.0',
        environment: 'prod',
      },
    ]);
  });

  it('sends events the ingest keeps: long tag keys whole, lone surrogates replaced, levels mapped', () => {
    const rec = recording();
    const client = createClient(rec.options(), runtime);
    const key = 'http.response.status_code.category.extra';
    client.getScope().setTag(key, '5xx');
    client.captureMessage('broken \ud800 text', 'critical' as never);
    client.captureEvent({ message: 'plain', level: 'log' as never, tags: { ' ': 'x', empty: '' } });
    const [first, second] = rec.events();
    expect(first?.tags).toEqual({ [key]: '5xx' });
    expect(first?.message).toBe('broken \ufffd text');
    expect(first?.level).toBe('fatal');
    expect(second?.level).toBe('info');
    expect(second?.tags).toEqual({ [key]: '5xx', _: 'x' });
  });

  it('sends check-ins with release and environment, never through beforeSend', () => {
    const rec = recording();
    const beforeSend = vi.fn((e) => e);
    const client = createClient(rec.options({ beforeSend, release: 'r1', environment: 'prod' }), runtime);
    const id = client.captureCheckIn(
      { monitorSlug: 'nightly', status: 'in_progress' },
      { schedule: { type: 'crontab', value: '0 2 * * *' } },
    );
    client.captureCheckIn({ monitorSlug: 'nightly', status: 'ok', checkInId: id, duration: 1.5 });
    expect(beforeSend).not.toHaveBeenCalled();
    expect(rec.checkIns()).toEqual([
      {
        check_in_id: id,
        monitor_slug: 'nightly',
        status: 'in_progress',
        release: 'r1',
        environment: 'prod',
        monitor_config: { schedule: { type: 'crontab', value: '0 2 * * *' } },
      },
      {
        check_in_id: id,
        monitor_slug: 'nightly',
        status: 'ok',
        duration: 1.5,
        release: 'r1',
        environment: 'prod',
      },
    ]);
  });

  it('pseudonymizes user ids with a keyed hash when asked', () => {
    const rec = recording();
    const client = createClient(
      rec.options({ integrations: [pseudonymizeUserIdsIntegration('k1')] }),
      runtime,
    );
    client.getScope().setUser({ id: 'alice' });
    client.captureMessage('m1');
    client.captureMessage('m2');
    const [a, b] = rec.events();
    expect(a?.user?.id).toMatch(/^[0-9a-f]{64}$/);
    expect(a?.user?.id).toBe(b?.user?.id);
    expect(a?.user?.id).toBe(createHmac('sha256', 'k1').update('alice').digest('hex'));
    expect(JSON.stringify(rec.envelopes)).not.toContain('alice');
  });

  it('captures any thrown value without throwing', () => {
    const rec = recording();
    const client = createClient(rec.options({ dedupe: false }), runtime);
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    for (const value of [null, undefined, 'text', 42, { code: 'E1' }, Symbol('s'), 10n, hostile]) {
      expect(() => client.captureException(value)).not.toThrow();
    }
    expect(rec.events()).toHaveLength(8);
  });

  it('never throws on an unreadable event or hint, and still reports the error', () => {
    const rec = recording();
    const client = createClient(rec.options({ dedupe: false }), runtime);
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    for (const event of [null, undefined, 'text', hostile]) {
      expect(() => client.captureEvent(event as never)).not.toThrow();
      expect(client.captureEvent(event as never)).toMatch(/^[0-9a-f]{32}$/);
    }
    for (const hint of [null, 'text', hostile]) {
      expect(() => client.captureException(new Error('with a bad hint'), hint as never)).not.toThrow();
      expect(() => client.captureMessage('with a bad hint', 'info', hint as never)).not.toThrow();
    }
    const reported = rec.events().filter((e) => e.exception?.values[0]?.value === 'with a bad hint');
    expect(reported).toHaveLength(3);
  });

  it('sends the event when one of its parts cannot be read, or a level is no text', () => {
    const rec = recording();
    const client = createClient(rec.options({ dedupe: false }), runtime);
    const trap = () => {
      throw new Error('trap');
    };
    const hostile = new Proxy({}, { get: trap, ownKeys: trap, getPrototypeOf: trap, has: trap });
    client.captureMessage('a symbol as level', Symbol('x') as never);
    client.captureMessage('an object as level', hostile as never);
    client.captureEvent({ message: 'unreadable extra', extra: { a: hostile } });
    client.captureEvent({ message: 'unreadable user', user: hostile as never });
    client.captureEvent({ message: 'unreadable tags', tags: hostile as never });
    expect(rec.events().map((e) => [e.message, e.level])).toEqual([
      ['a symbol as level', 'info'],
      ['an object as level', 'info'],
      ['unreadable extra', 'error'],
      ['unreadable user', 'error'],
      ['unreadable tags', 'error'],
    ]);
    expect(rec.drops).toEqual([]);
  });

  it('skips building events the transport would drop now, and counts them', () => {
    const rec = recording();
    let full = true;
    const beforeSend = vi.fn((event) => event);
    const transport: Transport = {
      send: (envelope) => void rec.envelopes.push(envelope),
      recordDroppedEvent: (reason, category, quantity = 1) =>
        void rec.drops.push([reason, category, quantity]),
      flush: async () => true,
      close: async () => true,
      takePending: () => [],
      wouldDrop: () => (full ? 'queue_overflow' : undefined),
    };
    const client = createClient({ transport: () => transport, beforeSend }, runtime);
    for (let i = 0; i < 3; i++) client.captureException(new Error(`storm ${i}`));
    client.captureMessage('also dropped');
    expect(beforeSend).not.toHaveBeenCalled();
    expect(rec.drops).toEqual(Array(4).fill(['queue_overflow', 'error', 1]));
    full = false;
    client.captureException(new Error('after the storm'));
    expect(rec.events()).toHaveLength(1);
  });

  it('bounds flush whatever timeout it is given, and takes Infinity as wait until done', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => void warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const hanging = createClient(
        { dsn: 'https://public@127.0.0.1:9/1' },
        { ...runtime, createExecutor: () => ({ send: () => new Promise(() => undefined) }) },
      );
      hanging.captureMessage('never answered');
      for (const timeout of [Number.NaN, -1, 'soon' as unknown as number]) {
        expect(await hanging.flush(timeout)).toBe(false);
      }
      await hanging.close(0);

      let release = () => {};
      const client = createClient(
        recording().options({
          beforeSend: (event) =>
            new Promise((resolve) => {
              release = () => resolve(event);
            }),
        }),
        runtime,
      );
      client.captureMessage('slow beforeSend');
      const flushed = client.flush(Number.POSITIVE_INFINITY);
      await new Promise((resolve) => setTimeout(resolve, 20));
      release();
      expect(await flushed).toBe(true);
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('keeps the event unchanged when an integration returns something that is not an event', async () => {
    const rec = recording();
    const client = createClient(
      rec.options({
        integrations: [
          { name: 'returns-true', processEvent: () => true as never },
          { name: 'resolves-a-number', processEvent: async () => 5 as never },
        ],
      }),
      runtime,
    );
    client.captureMessage('still here');
    expect(await client.flush(1000)).toBe(true);
    expect(rec.events().map((e) => e.message)).toEqual(['still here']);
  });

  it('counts events whose async hooks never settle, and holds only a bounded number of them', async () => {
    const rec = recording();
    const hang = () => new Promise<never>(() => undefined);
    const client = createClient(rec.options({ beforeSend: hang }), runtime);
    for (let i = 0; i < 250; i++) client.captureMessage(`stuck ${i}`);
    expect(await client.close(0)).toBe(false);
    const counted = (reason: DiscardReason) =>
      rec.drops.filter(([r]) => r === reason).reduce((sum, [, , quantity]) => sum + quantity, 0);
    expect(counted('queue_overflow') + counted('before_send')).toBe(250);
    expect(counted('queue_overflow')).toBeGreaterThan(0);
    expect(rec.events()).toEqual([]);

    const stuckIntegration = recording();
    const other = createClient(
      stuckIntegration.options({ integrations: [{ name: 'hangs', processEvent: hang }] }),
      runtime,
    );
    other.captureMessage('stuck in an integration');
    await other.close(0);
    expect(stuckIntegration.drops).toEqual([['event_processor', 'error', 1]]);
  });

  it('does nothing after close', async () => {
    const rec = recording();
    const client = createClient(rec.options(), runtime);
    expect(await client.close(100)).toBe(true);
    client.captureMessage('late');
    expect(rec.events()).toHaveLength(0);
  });
});
