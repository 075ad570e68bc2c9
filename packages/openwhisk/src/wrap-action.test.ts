import { createTestTransport, type TestTransport } from '@faultline/core/testing';
import { captureMessage, close, setContext, setTag } from '@faultline/node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WrapActionOptions } from './options.js';
import { wrapAction } from './wrap-action.js';

let transport: TestTransport;
const saved = { ...process.env };

beforeEach(() => {
  transport = createTestTransport();
});

afterEach(async () => {
  await close(0);
  for (const key of Object.keys(process.env)) if (key.startsWith('__OW_')) delete process.env[key];
  Object.assign(process.env, saved);
});

/** As the proxy does before each /run: every string key of the request body to __OW_<KEY>. */
function enter(id: string, deadline = String(Date.now() + 60_000)): void {
  process.env.__OW_ACTIVATION_ID = id;
  process.env.__OW_ACTION_NAME = '/guest/demo/hello';
  process.env.__OW_NAMESPACE = 'guest';
  process.env.__OW_DEADLINE = deadline;
  process.env.__OW_API_KEY = 'uuid:never-send-this';
}

const options = (extra: WrapActionOptions = {}): WrapActionOptions => ({
  dsn: 'https://public@example.invalid/1',
  transport: () => transport,
  ...extra,
});
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('wrapAction', () => {
  it('passes this, params and extra arguments through and returns the result unchanged', async () => {
    const wrapped = wrapAction(function (this: unknown, params: { a: number }, extra: unknown) {
      return { self: this, a: params.a, extra };
    }, options());
    const self = { runner: true };
    enter('a1');
    expect(await wrapped.call(self, { a: 1 }, 'ctx')).toEqual({ self, a: 1, extra: 'ctx' });
    expect(transport.events()).toHaveLength(0);
  });

  it('captures a synchronous throw as unhandled and rethrows the same error', async () => {
    const error = new Error('boom');
    const wrapped = wrapAction(() => {
      throw error;
    }, options());
    enter('a1');
    await expect(wrapped({})).rejects.toBe(error);
    const [event] = transport.events();
    expect(event?.exception?.values.at(-1)?.mechanism).toMatchObject({ type: 'openwhisk', handled: false });
    expect(event?.tags?.['openwhisk.activation_id']).toBe('a1');
    expect(JSON.stringify(transport.raw.map((b) => Buffer.from(b).toString()))).not.toContain(
      'never-send-this',
    );
  });

  it('keeps overlapping activations apart although the environment is overwritten between awaits', async () => {
    const wrapped = wrapAction(async (params: { id: string; wait: number }) => {
      await tick(params.wait);
      throw new Error(`boom ${params.id}`);
    }, options());
    enter('j1');
    const first = wrapped({ id: 'j1', wait: 60 }).catch(() => undefined);
    enter('j2');
    const second = wrapped({ id: 'j2', wait: 5 }).catch(() => undefined);
    await Promise.all([first, second]);
    const byId = Object.fromEntries(
      transport.events().map((e) => [e.tags?.['openwhisk.activation_id'], e.exception?.values.at(-1)?.value]),
    );
    expect(byId).toEqual({ j1: 'boom j1', j2: 'boom j2' });
  });

  it('warns before the deadline and skips the warning without one', async () => {
    const wrapped = wrapAction(
      async () => {
        await tick(250);
        return {};
      },
      options({ timeoutWarning: { thresholdMs: 100 } }),
    );
    enter('t1', String(Date.now() + 300));
    await wrapped({});
    expect(transport.events()).toHaveLength(1);
    expect(transport.events()[0]).toMatchObject({ level: 'warning' });
    expect(transport.events()[0]?.message).toMatch(
      /^Possible action timeout: demo\/hello has run for \d+ ms/,
    );
    transport.clear();
    delete process.env.__OW_DEADLINE;
    await wrapped({});
    expect(transport.events()).toHaveLength(0);
  });

  it('warns halfway to a deadline closer than the threshold, only if the activation still runs then', async () => {
    const wrapped = wrapAction(async (params: { wait: number }) => {
      await tick(params.wait);
      return {};
    }, options());
    // 300 ms left, less than the default 500 ms: the warning is due halfway, at 100 ms.
    enter('s1', String(Date.now() + 300));
    await wrapped({ wait: 20 });
    expect(transport.events()).toHaveLength(0);
    enter('s2', String(Date.now() + 300));
    await wrapped({ wait: 200 });
    const [warning] = transport.events();
    expect(warning).toMatchObject({ level: 'warning', tags: { 'openwhisk.activation_id': 's2' } });
    const left = (warning?.extra as { remaining_ms?: number } | undefined)?.remaining_ms;
    expect(left).toBeGreaterThan(0);
    // About halfway, not at once (about 300 left): Node counts a timer from the event loop's
    // cached clock, which can lag Date.now() by a few ms on a busy machine, so it may fire a
    // little before the 100 ms are up by the wall clock.
    expect(left).toBeLessThanOrEqual(220);
    // Nothing could be delivered before a deadline 40 ms away: no warning.
    transport.clear();
    enter('s3', String(Date.now() + 40));
    await wrapped({ wait: 60 });
    expect(transport.events()).toHaveLength(0);
  });

  it('arms no warning for a deadline further away than a timer can wait', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => void warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const wrapped = wrapAction(async () => {
        await tick(20);
        return {};
      }, options());
      enter('far', '99999999999999999999');
      await wrapped({});
      expect(transport.events()).toHaveLength(0);
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('a bad option value: one message naming it, its default applies, and the action is still monitored', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    for (const [key, bad] of [
      ['timeoutWarning', { timeoutWarning: { thresholdMs: Number.NaN } }],
      ['timeoutWarning', { timeoutWarning: 'soon' }],
      ['flushTimeoutMs', { flushTimeoutMs: -1 }],
      ['flushTimeoutMs', { flushTimeoutMs: Number.POSITIVE_INFINITY }],
      ['captureApplicationErrors', { captureApplicationErrors: 'yes' }],
      ['webErrorResponse', { webErrorResponse: 1 }],
      ['dsnParam', { dsnParam: '' }],
      ['captureParams', { captureParams: 'no' }],
      ['paramDenyKeys', { paramDenyKeys: 'token' }],
      ['unpackRoot', { unpackRoot: '/nodejsAction/' }],
      ['runtimeFiles', { runtimeFiles: 42 }],
    ] as const) {
      warn.mockClear();
      error.mockClear();
      const wrapped = wrapAction(
        async (p: { fail?: boolean }) => {
          await tick(5);
          if (p.fail) throw new Error(`boom with a bad ${key}`);
          return { ok: true };
        },
        options(bad as unknown as WrapActionOptions),
      );
      enter('bad');
      expect(await wrapped({})).toEqual({ ok: true });
      await expect(wrapped({ fail: true })).rejects.toThrow(`boom with a bad ${key}`);
      expect(warn.mock.calls.length + error.mock.calls.length, key).toBe(1);
      expect(String(warn.mock.calls[0]?.join(' '))).toContain(`option "${key}" must be`);
      expect(String(warn.mock.calls[0]?.join(' '))).toContain('using its default');
      expect(transport.events().map((e) => e.exception?.values.at(-1)?.value)).toEqual([
        `boom with a bad ${key}`,
      ]);
      await close(0);
      transport = createTestTransport();
    }
    warn.mockRestore();
    error.mockRestore();
  });

  it('options that are not an object or cannot be read: one message, the action runs unmonitored', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const unreadable = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('options trap');
        },
      },
    );
    for (const bad of [null, 'FAULTLINE_DSN', unreadable]) {
      warn.mockClear();
      let wrapped: ((params: object) => Promise<unknown>) | undefined;
      expect(() => {
        wrapped = wrapAction(() => ({ ok: true }), bad as WrapActionOptions);
      }).not.toThrow();
      enter('bad-options');
      expect(await wrapped?.({})).toEqual({ ok: true });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.join(' '))).toContain('SDK disabled');
    }
    warn.mockRestore();
  });

  it('says once that a second wrapper’s own dsn and transport are not used while a client runs', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const first = createTestTransport();
    const second = createTestTransport();
    const fail = (name: string) => async () => {
      throw new Error(`${name} failed`);
    };
    const a = wrapAction(fail('a'), options({ transport: () => first }));
    const b = wrapAction(fail('b'), options({ transport: () => second }));
    for (const [wrapped, id] of [
      [a, 'a1'],
      [b, 'b1'],
      [b, 'b2'],
    ] as const) {
      enter(id);
      await expect(wrapped({})).rejects.toThrow();
    }
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0])).toContain('call close() first');
    // Started again after close(), the second wrapper's options apply.
    await close(1000);
    enter('b3');
    await expect(b({})).rejects.toThrow();
    expect(second.events().map((e) => e.exception?.values.at(-1)?.value)).toEqual(['b failed']);
    warn.mockRestore();
  });

  it('lets a function decide which returned errors are reported', async () => {
    const wrapped = wrapAction((p: { code: number }) => ({ error: { code: p.code } }), {
      ...options(),
      captureApplicationErrors: (error) => (error as { code: number }).code >= 10,
    });
    enter('f1');
    await wrapped({ code: 1 });
    await wrapped({ code: 11 });
    expect(transport.events()).toHaveLength(1);
  });

  it('calls main directly, result untouched, when the SDK is disabled by a bad DSN', async () => {
    const wrapped = wrapAction((p: { n: number }) => ({ n: p.n + 1 }), { dsn: 'not a dsn' });
    enter('b1');
    expect(await wrapped({ n: 1 })).toEqual({ n: 2 });
  });

  it('leaves a synchronous throw synchronous when the SDK is off, as unwrapped', async () => {
    const error = new Error('sync off');
    const failing = (p: { fail?: boolean }) => {
      if (p.fail) throw error;
      return { ok: true };
    };
    const saved = { faultline: process.env.FAULTLINE_DSN, sentry: process.env.SENTRY_DSN };
    delete process.env.FAULTLINE_DSN;
    delete process.env.SENTRY_DSN;
    try {
      const wrapped = wrapAction(failing);
      enter('o1');
      expect(() => wrapped({ fail: true })).toThrow(error);
      await expect(wrapped({})).resolves.toEqual({ ok: true });
      const badOptions = wrapAction(failing, null as unknown as WrapActionOptions);
      expect(() => badOptions({ fail: true })).toThrow(error);
    } finally {
      Object.assign(process.env, saved.faultline === undefined ? {} : { FAULTLINE_DSN: saved.faultline });
      Object.assign(process.env, saved.sentry === undefined ? {} : { SENTRY_DSN: saved.sentry });
    }
  });

  it("gives the action's own captures the activation's data, as of the capture, under the action's own values", async () => {
    const wrapped = wrapAction(
      async (params: { order: string; apiToken: string }) => {
        setTag('openwhisk.action', 'set by the action');
        setContext('action_params', { chosen: 'by the action' });
        await tick(30);
        captureMessage(`order ${params.order} is late`);
        return { ok: true };
      },
      options({ captureParams: true }),
    );
    enter('c1');
    expect(await wrapped({ order: 'o-7', apiToken: 'tok-secret-1' })).toEqual({ ok: true });
    const [event] = transport.events();
    expect(event?.message).toBe('order o-7 is late');
    expect(event?.transaction).toBe('/guest/demo/hello');
    expect(event?.tags).toMatchObject({
      'openwhisk.activation_id': 'c1',
      'openwhisk.action': 'set by the action',
      'openwhisk.cold_start': 'true',
    });
    expect(event?.contexts?.openwhisk?.elapsed_ms).toBeGreaterThanOrEqual(25);
    expect(event?.contexts?.action_params).toEqual({ chosen: 'by the action' });

    // Without its own value, the event gets the params, scrubbed.
    const plain = wrapAction((params: { order: string; apiToken: string }) => {
      captureMessage(`order ${params.order}`);
      return {};
    }, options());
    enter('c2');
    await plain({ order: 'o-8', apiToken: 'tok-secret-2' });
    const second = transport.events().at(-1);
    expect(second?.tags?.['openwhisk.activation_id']).toBe('c2');
    expect(second?.contexts?.action_params).toMatchObject({ order: 'o-8' });
    expect(JSON.stringify(second)).not.toContain('tok-secret-2');
  });
  it('makes breadcrumbs of console lines inside an activation only, and never of the end marker', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const seen: string[] = [];
    const wrapped = wrapAction(
      (params: { fail?: boolean }) => {
        console.log(`inside ${params.fail ? 'failing' : 'first'}`);
        console.log('XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX');
        if (params.fail) throw new Error('boom');
        return {};
      },
      options({
        beforeBreadcrumb: (crumb) => {
          seen.push(crumb.message ?? '');
          return crumb;
        },
      }),
    );
    try {
      enter('c1');
      await wrapped({});
      // As the proxy prints after each activation, and the runtime's own error lines.
      console.log('XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX');
      console.log('outside, from the runtime');
      enter('c2');
      await expect(wrapped({ fail: true })).rejects.toThrow('boom');
    } finally {
      log.mockRestore();
    }
    // Each activation has its own scope: the failing one carries its own line only.
    const crumbs = transport.events()[0]?.breadcrumbs?.values.map((crumb) => crumb.message);
    expect(crumbs).toEqual(['inside failing']);
    expect(seen).toEqual(['inside first', 'inside failing']);
  });
});
