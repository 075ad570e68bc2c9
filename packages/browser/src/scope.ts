/**
 * Scopes: the user, tags, contexts, extra data, breadcrumbs… every event captured while the
 * scope is current starts with. The browser has no async context to follow, so `withScope`
 * makes a copy that is current while its callback runs.
 */
import type { Breadcrumb, ClientOptions, Scope, ScopeData } from '@faultline/core';

export const DEFAULT_MAX_BREADCRUMBS = 100;

/** A copy of `source` whose objects and arrays (one level down) are copies too. */
const copy = (source: Partial<ScopeData>): ScopeData => {
  const data: any = { ...source, breadcrumbs: [...(source.breadcrumbs ?? [])] };
  for (const key of ['tags', 'contexts', 'extra', 'user']) data[key] = { ...data[key] };
  if (!source.user) delete data.user;
  if (source.fingerprint) data.fingerprint = [...source.fingerprint];
  return data;
};

export const createScope = (initial: Partial<ScopeData> = {}): Scope => {
  let data: any = copy(initial);
  /** A setter of a top-level field; `null` or `undefined` removes it. */
  const put = (key: string) => (value: unknown) => {
    if (value != null) data[key] = value;
    else delete data[key];
  };
  const scope: any = { clone: () => createScope(data), getData: () => copy(data) };
  const setters: Record<string, (...args: any[]) => unknown> = {
    setUser: (user) => put('user')(user && { ...user }),
    setTag: (key, value) => (data.tags[key] = String(value)),
    setTags: (tags) => {
      for (const key in tags) data.tags[key] = String(tags[key]);
    },
    setContext: (name, context) => {
      if (context) data.contexts[name] = { ...context };
      else delete data.contexts[name];
    },
    setExtra: (key, value) => (data.extra[key] = value),
    setExtras: (extras) => Object.assign(data.extra, extras),
    setLevel: put('level'),
    setFingerprint: (fingerprint) => put('fingerprint')(fingerprint && [...fingerprint]),
    setTransaction: put('transaction'),
    setRequest: put('request'),
    addBreadcrumb: (breadcrumb, max = DEFAULT_MAX_BREADCRUMBS) => {
      const list = data.breadcrumbs;
      if (max > 0) list.push(breadcrumb);
      list.splice(0, list.length - max);
    },
    clearBreadcrumbs: () => (data.breadcrumbs = []),
    clear: () => (data = copy({})),
  };
  // Setters never throw into the app: a hostile value (a Proxy whose traps throw) is ignored.
  for (const name in setters)
    scope[name] = (...args: unknown[]) => {
      try {
        setters[name]!(...args);
      } catch {
        // The scope keeps what it had.
      }
      return scope;
    };
  return scope;
};

/**
 * Adds a breadcrumb to `scope`, timestamped now, after the app's `beforeBreadcrumb` (which may
 * drop it by returning `null`); what the hook throws goes to `threw`, never to the app.
 */
export function recordBreadcrumb(
  scope: Scope,
  breadcrumb: Breadcrumb,
  options: Pick<ClientOptions, 'beforeBreadcrumb' | 'maxBreadcrumbs'>,
  threw: (error: unknown) => void,
): void {
  try {
    const crumb = { timestamp: Date.now() / 1000, ...breadcrumb };
    const kept = options.beforeBreadcrumb ? options.beforeBreadcrumb(crumb) : crumb;
    if (kept) scope.addBreadcrumb(kept, options.maxBreadcrumbs ?? DEFAULT_MAX_BREADCRUMBS);
  } catch (error) {
    threw(error);
  }
}
