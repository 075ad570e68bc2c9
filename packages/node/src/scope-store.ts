import { AsyncLocalStorage } from 'node:async_hooks';
import type { Scope, ScopeStore } from '@faultline/core';

/** Node's scope store; `run` enters a scope without a closure, for the per-request path. */
export interface AsyncScopeStore extends ScopeStore {
  /** Calls `fn(a, b, c)` with `scope` current, as `withScope` does; nothing is allocated for the call. */
  run<A, B, C>(scope: Scope, fn: (a: A, b: B, c: C) => void, a: A, b: B, c: C): void;
}

/**
 * Scope storage that follows async work: every request or job run inside `withScope` sees its
 * own scope across `await`, timers and callbacks, and never another one's. Outside any
 * `withScope` the root scope (the one `setUser`/`setTag` change at top level) is current.
 */
export function createAsyncScopeStore(root: Scope): AsyncScopeStore {
  // Created on first use: until something runs in its own scope, the root is current anyway.
  let storage: AsyncLocalStorage<Scope> | undefined;
  return {
    getScope: () => storage?.getStore() ?? root,
    withScope: (scope, fn) => {
      storage ??= new AsyncLocalStorage<Scope>();
      return storage.run(scope, fn, scope);
    },
    run: (scope, fn, a, b, c) => {
      storage ??= new AsyncLocalStorage<Scope>();
      storage.run(scope, fn, a, b, c);
    },
  };
}
