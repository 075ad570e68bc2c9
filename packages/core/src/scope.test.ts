import { describe, expect, it } from 'vitest';
import { createScope, createStackScopeStore } from './scope.js';

describe('scope', () => {
  it('holds user, tags, contexts, extra, level, fingerprint, transaction and request', () => {
    const scope = createScope()
      .setUser({ id: '42' })
      .setTag('region', 'eu')
      .setTags({ shard: 3, canary: true })
      .setContext('order', { id: 'o-1' })
      .setExtra('attempt', 2)
      .setLevel('warning')
      .setFingerprint(['checkout'])
      .setTransaction('GET /orders/:id')
      .setRequest({ method: 'GET', url: 'http://x/orders/1' });
    expect(scope.getData()).toEqual({
      user: { id: '42' },
      tags: { region: 'eu', shard: '3', canary: 'true' },
      contexts: { order: { id: 'o-1' } },
      extra: { attempt: 2 },
      level: 'warning',
      fingerprint: ['checkout'],
      transaction: 'GET /orders/:id',
      request: { method: 'GET', url: 'http://x/orders/1' },
      breadcrumbs: [],
    });
    scope.setUser(null).setContext('order', null).setTransaction(undefined);
    const data = scope.getData();
    expect(data.user).toBeUndefined();
    expect(data.contexts).toEqual({});
    expect(data.transaction).toBeUndefined();
  });

  it('keeps only the newest breadcrumbs up to the bound', () => {
    const scope = createScope();
    for (let i = 0; i < 150; i++) scope.addBreadcrumb({ message: `b${i}` });
    const crumbs = scope.getData().breadcrumbs;
    expect(crumbs).toHaveLength(100);
    expect(crumbs[0]?.message).toBe('b50');
    expect(crumbs[99]?.message).toBe('b149');
    scope.addBreadcrumb({ message: 'x' }, 3);
    expect(scope.getData().breadcrumbs.map((b) => b.message)).toEqual(['b148', 'b149', 'x']);
  });

  it('clones independently and snapshots are copies', () => {
    const parent = createScope().setTag('a', '1');
    const child = parent.clone().setTag('b', '2');
    expect(parent.getData().tags).toEqual({ a: '1' });
    expect(child.getData().tags).toEqual({ a: '1', b: '2' });
    parent.setTag('late', 'parent-only').addBreadcrumb({ message: 'parent crumb' });
    expect(child.getData().tags).toEqual({ a: '1', b: '2' });
    expect(child.getData().breadcrumbs).toEqual([]);
    const grandchild = child.clone();
    child.setUser({ id: 'c' });
    expect(grandchild.getData().user).toBeUndefined();
    expect(parent.getData().tags).toEqual({ a: '1', late: 'parent-only' });
    const snapshot = parent.getData();
    snapshot.tags.c = '3';
    expect(parent.getData().tags.c).toBeUndefined();
  });

  it('the stack store isolates synchronous withScope calls and restores after async ones', async () => {
    const root = createScope();
    const store = createStackScopeStore(root);
    const inner = createScope().setTag('inner', 'yes');
    const seen = store.withScope(inner, () => store.getScope());
    expect(seen).toBe(inner);
    expect(store.getScope()).toBe(root);
    await store.withScope(inner, async () => {
      expect(store.getScope()).toBe(inner);
    });
    expect(store.getScope()).toBe(root);
    expect(() =>
      store.withScope(inner, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.getScope()).toBe(root);
  });
});
