import { describe, expect, it } from 'vitest';
import { type ClientRuntime, createClient } from './client.js';
import type { Envelope } from './envelope.js';
import type { ClientOptions } from './options.js';
import { createSanitizeMemory } from './sanitize-memory.js';
import { cachedStackParser } from './stack-cache.js';
import { SECRET_CASES } from './test-secrets.js';
import type { Transport } from './transport.js';
import type { FaultlineEvent, WireEvent } from './types.js';

// The request, user, contexts, tags, extra and breadcrumbs a scope gives every event are
// sanitized once and remembered while they stay the same. These tests change them every way an
// app can, and check that each event still carries its own data, scrubbed.

// With a sanitizer memory, as Node runs the client.
const runtime: ClientRuntime = {
  platform: 'node',
  sdk: { name: 'faultline.test', version: '0.0.0' },
  cacheStacks: cachedStackParser,
  createSanitizeMemory,
};
const secret = SECRET_CASES.find((c) => c.name.includes('github'))?.secret ?? SECRET_CASES[0]!.secret;
const jwt = SECRET_CASES.find((c) => c.name.toLowerCase().includes('jwt'))?.secret ?? secret;

function setup(extra: ClientOptions = {}) {
  const envelopes: Envelope[] = [];
  const transport: Transport = {
    send: (envelope) => void envelopes.push(envelope),
    recordDroppedEvent: () => undefined,
    flush: async () => true,
    close: async () => true,
    takePending: () => [],
  };
  const client = createClient({ transport: () => transport, ...extra }, runtime);
  let n = 0;
  /** Captures a new error and returns its event as it left: serialized and read back. */
  const capture = (): WireEvent => {
    client.captureException(new Error(`failure ${++n}`));
    const payload = envelopes.at(-1)?.items[0]?.[1];
    return JSON.parse(JSON.stringify(payload)) as WireEvent;
  };
  /** The last event as the transport holds it (not a copy). */
  const held = () => envelopes.at(-1)?.items[0]?.[1] as WireEvent;
  return { client, scope: client.getScope(), capture, held };
}

/** Runs a change to a sent event: it changes that event's own copy, or throws on a shared, frozen part. */
function attempt(change: () => void): void {
  try {
    change();
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
  }
}

/** The parts of an event that come from the scope. */
const parts = (event: WireEvent) => ({
  request: event.request,
  user: event.user,
  contexts: event.contexts,
  tags: event.tags,
  extra: event.extra,
  breadcrumbs: event.breadcrumbs,
});

function fill(scope: ReturnType<typeof setup>['scope'], client: ReturnType<typeof setup>['client']) {
  scope.setRequest({
    method: 'POST',
    url: `https://shop.example.com/orders?token=${secret}`,
    headers: { authorization: `Bearer ${jwt}`, 'user-agent': 'test', 'x-note': `key=${secret}` },
  });
  scope.setUser({ id: 'user-42', email: 'jane@example.com', note: `pw ${secret}` });
  scope.setTags({ region: 'eu', api_token: secret });
  scope.setContext('order', { id: 7, password: 'hunter2', nested: { note: `secret=${secret}` } });
  scope.setExtra('attempt', { count: 1, apiKey: secret });
  for (let i = 0; i < 3; i++) client.addBreadcrumb({ category: 'db', message: `SELECT ${i} -- ${secret}` });
}

describe('scope parts remembered between events', () => {
  it('gives two events from one scope identical parts, scrubbed', () => {
    const { client, scope, capture, held } = setup();
    fill(scope, client);
    const first = capture();
    const second = capture();
    expect(parts(second)).toEqual(parts(first));
    // Parts are shared between events, frozen (the protocol step copies what it rewrites):
    // what holds one event cannot change another.
    const sent = held();
    const changes = [
      () => {
        sent.request!.headers!.authorization = secret;
      },
      () => {
        (sent.contexts!.order as Record<string, unknown>).password = secret;
      },
      () => {
        sent.breadcrumbs!.values[0]!.message = secret;
      },
      () => {
        sent.user!.id = secret;
      },
    ];
    for (const change of changes) attempt(change);
    expect(parts(capture())).toEqual(parts(first));
    expect(first.request?.headers?.authorization).toBe('[Filtered]');
    expect(first.user?.email).toBeUndefined();
    expect(first.contexts?.order).toMatchObject({ id: 7, password: '[Filtered]' });
    expect(first.breadcrumbs?.values).toHaveLength(3);
    for (const event of [first, second]) {
      expect(JSON.stringify(event)).not.toContain(secret);
      expect(JSON.stringify(event)).not.toContain(jwt);
      expect(JSON.stringify(event)).not.toContain('hunter2');
      expect(JSON.stringify(event)).not.toContain('jane@example.com');
    }
  });

  it('shows every scope change in the next event, each scrubbed', () => {
    const { client, scope, capture } = setup();
    fill(scope, client);
    capture();
    const changes: Array<[string, () => void, (event: WireEvent) => unknown]> = [
      ['setUser', () => scope.setUser({ id: 'user-43', note: `pw ${secret}` }), (e) => e.user?.id],
      ['setTag', () => scope.setTag('plan', `pro ${secret}`), (e) => e.tags?.plan],
      ['setTags', () => scope.setTags({ tier: 'gold', session: secret }), (e) => e.tags?.tier],
      ['setContext', () => scope.setContext('cart', { items: 2, token: secret }), (e) => e.contexts?.cart],
      ['setExtra', () => scope.setExtra('retry', { secret }), (e) => e.extra?.retry],
      ['setExtras', () => scope.setExtras({ more: `x ${secret}` }), (e) => e.extra?.more],
      [
        'setRequest',
        () => scope.setRequest({ method: 'GET', url: `https://x.example/?api_key=${secret}` }),
        (e) => e.request?.method,
      ],
      [
        'addBreadcrumb',
        () => client.addBreadcrumb({ message: `login -- password=${secret}` }),
        (e) => e.breadcrumbs?.values.length,
      ],
      ['clearBreadcrumbs', () => scope.clearBreadcrumbs(), (e) => e.breadcrumbs],
      ['setUser(null)', () => scope.setUser(null), (e) => e.user],
      ['setContext(null)', () => scope.setContext('cart', null), (e) => e.contexts?.cart],
    ];
    let before = capture();
    for (const [name, change, read] of changes) {
      change();
      const after = capture();
      expect(read(after), name).not.toEqual(read(before));
      expect(JSON.stringify(after), name).not.toContain(secret);
      before = after;
    }
    expect(before.user).toBeUndefined();
    expect(before.breadcrumbs).toBeUndefined();
  });

  it('scrubs what is changed in place after it was set: a request object, and what beforeSend changes', () => {
    let addToken = false;
    const { scope, capture } = setup({
      beforeSend: (event: FaultlineEvent) => {
        // In place, in objects the event shares with the scope.
        if (addToken) {
          (event.contexts.order as Record<string, unknown>).nested = {
            auth_token: secret,
            note: `t=${secret}`,
          };
          (event.request!.headers as Record<string, string>).cookie = `sid=${secret}`;
        }
        return event;
      },
    });
    const request = {
      method: 'POST',
      url: 'https://shop.example.com/orders',
      headers: { 'user-agent': 'test' } as Record<string, string>,
    };
    scope.setRequest(request);
    scope.setContext('order', { id: 7 });
    const first = capture();
    expect(first.request?.headers).toEqual({ 'user-agent': 'test' });
    request.headers.authorization = `Bearer ${jwt}`;
    request.headers['x-debug'] = `password=${secret}`;
    request.url = `https://shop.example.com/orders?token=${secret}`;
    const second = capture();
    expect(second.request?.headers?.authorization).toBe('[Filtered]');
    expect(second.request?.headers?.['x-debug']).toBeDefined();
    expect(JSON.stringify(second)).not.toContain(secret);
    expect(JSON.stringify(second)).not.toContain(jwt);
    addToken = true;
    const third = capture();
    expect(third.contexts?.order).toMatchObject({ nested: { auth_token: '[Filtered]' } });
    expect(third.request?.headers?.cookie).toBe('[Filtered]');
    expect(JSON.stringify(third)).not.toContain(secret);
  });

  it('keeps what the app changes after setContext out of events (the scope holds a copy), and forks apart', () => {
    const { client, scope, capture } = setup();
    const context = { id: 7 } as Record<string, unknown>;
    scope.setContext('order', context);
    capture();
    context.token = secret;
    context.note = `password=${secret}`;
    const after = capture();
    expect(after.contexts?.order).toEqual({ id: 7 });
    const forked = client.withScope((inner) => {
      inner.setContext('order', { id: 8, note: `password=${secret}` });
      inner.setUser({ id: 'forked' });
      return capture();
    });
    expect(forked.contexts?.order).toMatchObject({ id: 8 });
    expect(forked.user?.id).toBe('forked');
    expect(JSON.stringify(forked)).not.toContain(secret);
    const outer = capture();
    expect(outer.contexts?.order).toEqual({ id: 7 });
    expect(outer.user).toBeUndefined();
  });

  it('follows the PII setting of each client: e-mail and cookies only with sendDefaultPii', () => {
    for (const sendDefaultPii of [true, false, true]) {
      const { scope, capture } = setup({ sendDefaultPii });
      scope.setUser({ id: 'user-42', email: 'jane@example.com' });
      scope.setRequest({ method: 'GET', url: 'https://x.example/', cookies: { theme: 'dark' } });
      for (const event of [capture(), capture()]) {
        expect(event.user?.email).toBe(sendDefaultPii ? 'jane@example.com' : undefined);
        expect(event.request?.cookies).toEqual(sendDefaultPii ? { theme: 'dark' } : undefined);
      }
    }
  });

  it('keeps a key named __proto__ a plain key in every event, which no event can change', () => {
    const { scope, capture, held } = setup();
    scope.setContext('order', JSON.parse('{"__proto__": {"polluted": "yes"}, "id": 7}'));
    for (let i = 0; i < 3; i++) {
      capture();
      const order = held().contexts?.order as Record<string, unknown>;
      expect(Object.getPrototypeOf(order)).toBe(Object.prototype);
      expect(Object.hasOwn(order, '__proto__')).toBe(true);
      expect(order.polluted).toBeUndefined();
      expect(JSON.stringify(order)).toBe('{"__proto__":{"polluted":"yes"},"id":7}');
      // What holds the event (a transport) cannot change the part every event shares.
      attempt(() => {
        (Object.getOwnPropertyDescriptor(order, '__proto__')?.value as Record<string, unknown>).polluted =
          secret;
      });
      attempt(() => {
        order.id = secret;
      });
    }
  });
});
