import { describe, expect, it, vi } from 'vitest';
import { type ClientRuntime, createClient } from './client.js';
import type { Envelope } from './envelope.js';
import { releaseFromEnv } from './release.js';
import { testEvent } from './test-events.js';
import { triageIntegration } from './triage.js';
import type { FaultlineEvent, StackFrame, WireEvent } from './types.js';

function event(extra: Partial<FaultlineEvent> = {}, frames?: StackFrame[]): FaultlineEvent {
  const base = testEvent(extra);
  if (frames) base.exception = { values: [{ type: 'Error', value: 'x', stacktrace: { frames } }] };
  return base;
}

function tagsOf(e: FaultlineEvent, critical?: string[]): Record<string, string> {
  const integration = triageIntegration(critical ? { critical } : {});
  const out = integration.processEvent ? integration.processEvent(e, {}, undefined as never) : e;
  return (out as FaultlineEvent).tags;
}

const app = (file = '/srv/app/src/checkout.js'): StackFrame => ({
  filename: file,
  abs_path: file,
  in_app: true,
});
const dep = (file = '/srv/app/node_modules/stripe/lib/charge.js'): StackFrame => ({
  filename: file,
  abs_path: file,
  in_app: false,
});

describe('critical flows', () => {
  it('tags an event whose route template matches exactly', () => {
    expect(tagsOf(event({ transaction: 'POST /checkout' }), ['POST /checkout']).critical).toBe('true');
  });

  it('does not tag another method or another route', () => {
    expect(tagsOf(event({ transaction: 'GET /checkout' }), ['POST /checkout']).critical).toBeUndefined();
    expect(tagsOf(event({ transaction: 'POST /checkout/x' }), ['POST /checkout']).critical).toBeUndefined();
  });

  it('matches globs, and a path-only pattern under any method', () => {
    expect(tagsOf(event({ transaction: 'PUT /api/payments/:id' }), ['/api/payments/*']).critical).toBe(
      'true',
    );
    expect(tagsOf(event({ transaction: 'POST /cart' }), ['* /cart']).critical).toBe('true');
    expect(tagsOf(event({ transaction: 'POST /carts' }), ['/cart']).critical).toBeUndefined();
  });

  it('treats regexp characters in a pattern literally', () => {
    expect(tagsOf(event({ transaction: 'GET /a.b' }), ['GET /a.b']).critical).toBe('true');
    expect(tagsOf(event({ transaction: 'GET /axb' }), ['GET /a.b']).critical).toBeUndefined();
  });

  it('matches cron monitor slugs and OpenWhisk action names', () => {
    expect(tagsOf(event({ tags: { 'monitor.slug': 'nightly-billing' } }), ['nightly-*']).critical).toBe(
      'true',
    );
    expect(
      tagsOf(event({ tags: { 'openwhisk.action': '/guest/shop/charge' } }), ['/guest/shop/charge*']).critical,
    ).toBe('true');
    expect(tagsOf(event({ tags: { 'monitor.slug': 'cleanup' } }), ['nightly-*']).critical).toBeUndefined();
  });

  it('adds nothing without the option', () => {
    expect(tagsOf(event({ transaction: 'POST /checkout' })).critical).toBeUndefined();
  });
});

describe('third-party failures', () => {
  it('tags an error none of whose frames is in the app', () => {
    expect(tagsOf(event({}, [dep('/srv/app/node_modules/a/x.js'), dep()])).third_party).toBe('true');
  });

  it('tags an error thrown in a dependency called from app code', () => {
    expect(tagsOf(event({}, [app(), dep()])).third_party).toBe('true');
  });

  it('does not tag an error thrown in app code that called a dependency', () => {
    expect(tagsOf(event({}, [dep(), app()])).third_party).toBeUndefined();
  });

  it('looks past native and runtime frames to the code that threw', () => {
    const native = { filename: '<anonymous>', function: 'JSON.parse', in_app: false };
    const internal = { filename: 'node:internal/process/task_queues', in_app: false };
    expect(tagsOf(event({}, [app(), native])).third_party).toBeUndefined();
    expect(tagsOf(event({}, [app(), dep(), internal])).third_party).toBe('true');
  });

  it('tags a script from another origin than the page, not one from the page', () => {
    const page = { request: { url: 'https://shop.example.com/cart?x=1' } };
    const script = (url: string, inApp: boolean) => ({ filename: url, abs_path: url, in_app: inApp });
    const own = script('https://shop.example.com/assets/app.js', true);
    const cdn = script('https://cdn.widgets.example.net/w.js', true);
    expect(tagsOf(event(page, [own, cdn])).third_party).toBe('true');
    expect(tagsOf(event(page, [cdn, own])).third_party).toBeUndefined();
  });

  it('says nothing about messages or errors without frames', () => {
    expect(tagsOf(event({ message: 'hello' })).third_party).toBeUndefined();
    expect(tagsOf(event({}, [])).third_party).toBeUndefined();
  });
});

describe('in the client pipeline', () => {
  const runtime: ClientRuntime = { platform: 'node', sdk: { name: 'faultline.test', version: '0.0.0' } };

  it('sends the critical tag, and the same error for different users as separate events', () => {
    const envelopes: Envelope[] = [];
    const client = createClient(
      {
        critical: ['POST /checkout'],
        integrations: [triageIntegration({ critical: ['POST /checkout'] })],
        transport: () => ({
          send: (e) => void envelopes.push(e),
          recordDroppedEvent: () => undefined,
          flush: async () => true,
          close: async () => true,
          takePending: () => [],
        }),
      },
      runtime,
    );
    const error = () => new Error('card declined');
    for (const id of ['u1', 'u2', 'u2']) {
      client.withScope((scope) => {
        scope.setTransaction('POST /checkout');
        scope.setUser({ id });
        client.captureException(error());
      });
    }
    const events = envelopes.map((e) => e.items[0]?.[1] as WireEvent);
    // The third capture repeats the second exactly (same user), so dedupe drops it.
    expect(events.map((e) => e.user?.id)).toEqual(['u1', 'u2']);
    expect(events.every((e) => e.tags?.critical === 'true')).toBe(true);
  });

  it('leaves out a critical option that is not a list of strings, and keeps the SDK on', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const client = createClient(
      { critical: 'POST /checkout' as never, transport: () => ({}) as never },
      runtime,
    );
    expect(client.enabled).toBe(true);
    expect(warn.mock.calls.map(String).join('\n')).toContain('option "critical" must be an array of strings');
    warn.mockRestore();
  });
});

describe('releaseFromEnv', () => {
  it('prefers an explicit release over a CI commit', () => {
    expect(releaseFromEnv({ GITHUB_SHA: 'abc123', SENTRY_RELEASE: 'shop@2' })).toBe('shop@2');
    expect(releaseFromEnv({ FAULTLINE_RELEASE: 'shop@3', SENTRY_RELEASE: 'shop@2' })).toBe('shop@3');
  });

  it('reads the commit that CI systems and platforms expose', () => {
    expect(releaseFromEnv({ GITHUB_SHA: 'abc123' })).toBe('abc123');
    expect(releaseFromEnv({ CI_COMMIT_SHA: 'def456' })).toBe('def456');
    expect(releaseFromEnv({ VERCEL_GIT_COMMIT_SHA: ' 789 ' })).toBe('789');
  });

  it('knows nothing from an empty environment or blank values', () => {
    expect(releaseFromEnv({})).toBeUndefined();
    expect(releaseFromEnv({ GITHUB_SHA: '  ' })).toBeUndefined();
  });
});
