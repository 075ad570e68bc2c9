import { AsyncLocalStorage } from 'node:async_hooks';
import type { Scope, ScopeStore } from '@faultline/core';

/**
 * Scope storage that follows async work: every request or job run inside `withScope` sees its
 * own scope across `await`, timers and callbacks, and never another one's. Outside any
 * `withScope` the root scope (the one `setUser`/`setTag` change at top level) is current.
 */
export function createAsyncScopeStore(root: Scope): ScopeStore {
  // Created on first use: until something runs in its own scope, the root is current anyway.
  let storage: AsyncLocalStorage<Scope> | undefined;
  return {
    getScope: () => storage?.getStore() ?? root,
    withScope: (scope, fn) => {
      storage ??= new AsyncLocalStorage<Scope>();
      return storage.run(scope, fn);
    },
  };
}
