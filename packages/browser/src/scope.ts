/**
 * Scopes: the user, tags, contexts, extra data, breadcrumbs… every event captured while the
 * scope is current starts with. The browser has no async context to follow, so `withScope`
 * makes a copy that is current while its callback runs.
 */
import type { Scope, ScopeData } from '@faultline/core';

export const DEFAULT_MAX_BREADCRUMBS = 100;

function copy(source: Partial<ScopeData>): ScopeData {
  return {
    ...source,
    ...(source.user && { user: { ...source.user } }),
    ...(source.fingerprint && { fingerprint: [...source.fingerprint] }),
    tags: { ...source.tags },
    contexts: { ...source.contexts },
    extra: { ...source.extra },
    breadcrumbs: [...(source.breadcrumbs ?? [])],
  };
}

type Setters = { [K in keyof Scope]?: (...args: any[]) => void };

export function createScope(initial: Partial<ScopeData> = {}): Scope {
  let data = copy(initial);
  const put = (key: 'user' | 'level' | 'fingerprint' | 'transaction' | 'request', value: unknown) => {
    if (value !== undefined && value !== null) (data as unknown as Record<string, unknown>)[key] = value;
    else delete data[key];
  };
  const setters: Setters = {
    setUser: (user) => put('user', user && { ...user }),
    setTag: (key, value) => {
      data.tags[key] = String(value);
    },
    setTags: (tags) => {
      for (const key of Object.keys(tags)) data.tags[key] = String(tags[key]);
    },
    setContext: (name, context) => {
      if (context) data.contexts[name] = { ...context };
      else delete data.contexts[name];
    },
    setExtra: (key, value) => {
      data.extra[key] = value;
    },
    setExtras: (extras) => Object.assign(data.extra, extras),
    setLevel: (level) => put('level', level),
    setFingerprint: (fingerprint) => put('fingerprint', fingerprint && [...fingerprint]),
    setTransaction: (name) => put('transaction', name),
    setRequest: (request) => put('request', request),
    addBreadcrumb: (breadcrumb, max = DEFAULT_MAX_BREADCRUMBS) => {
      const list = data.breadcrumbs;
      if (max > 0) list.push(breadcrumb);
      list.splice(0, list.length - max);
    },
    clearBreadcrumbs: () => {
      data.breadcrumbs = [];
    },
    clear: () => {
      data = copy({});
    },
  };
  const scope = {
    clone: () => createScope(data),
    getData: () => copy(data),
  } as Scope;
  for (const [name, set] of Object.entries(setters)) {
    // Setters never throw into the app: a hostile value (a Proxy whose traps throw) is ignored.
    (scope as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      try {
        set(...args);
      } catch {
        // The scope keeps what it had.
      }
      return scope;
    };
  }
  return scope;
}
