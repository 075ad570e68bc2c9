import { boundedCopy, boundedEntries, boundedValue, COPY_DEPTH, MAX_COPIED_KEYS } from './bounded.js';
import { isPromiseLike, nowSeconds } from './ids.js';
import type { Breadcrumb, Contexts, Primitive, RequestData, SeverityLevel, User } from './types.js';

/** A snapshot of what a scope holds; events copy it at capture time. */
export interface ScopeData {
  user?: User;
  tags: Record<string, string>;
  contexts: Contexts;
  extra: Record<string, unknown>;
  level?: SeverityLevel;
  fingerprint?: string[];
  /** The route template (`GET /users/:id`) or job name the event belongs to. */
  transaction?: string;
  request?: RequestData;
  breadcrumbs: Breadcrumb[];
}

export interface Scope {
  setUser(user: User | null): Scope;
  setTag(key: string, value: Primitive): Scope;
  setTags(tags: Record<string, Primitive>): Scope;
  setContext(name: string, context: Record<string, unknown> | null): Scope;
  setExtra(key: string, value: unknown): Scope;
  setExtras(extras: Record<string, unknown>): Scope;
  setLevel(level: SeverityLevel | undefined): Scope;
  setFingerprint(fingerprint: string[] | undefined): Scope;
  setTransaction(name: string | undefined): Scope;
  setRequest(request: RequestData | undefined): Scope;
  /** Appends a breadcrumb, keeping at most `max` (oldest dropped first). */
  addBreadcrumb(breadcrumb: Breadcrumb, max?: number): Scope;
  clearBreadcrumbs(): Scope;
  clear(): Scope;
  clone(): Scope;
  getData(): ScopeData;
  /** The user set on this scope, read without copying the scope. */
  getUser(): User | undefined;
}

export const DEFAULT_MAX_BREADCRUMBS = 100;

export function createScope(initial: Partial<ScopeData> = {}): Scope {
  return new DataScope(copyData(initial), true);
}

/**
 * A scope over `data`. Clones share their parent's data until either side writes (copy on
 * write), so forking a scope per request costs one small object unless the request changes it.
 * Setters never throw into the app: a hostile value (a Proxy whose traps throw, say) is ignored.
 */
class DataScope implements Scope {
  // Declared only: assigned in the constructor, so no field initialisers are emitted.
  declare private data: ScopeData;
  declare private owned: boolean;

  constructor(data: ScopeData, owned: boolean) {
    this.data = data;
    this.owned = owned;
  }

  /** Runs `set` on data this scope owns (copied first if shared); the scope keeps what it had if `set` throws. */
  private write(set: (data: ScopeData) => void): Scope {
    try {
      if (!this.owned) {
        this.data = copyData(this.data);
        this.owned = true;
      }
      set(this.data);
    } catch {
      // Ignored: the scope keeps what it had.
    }
    return this;
  }

  setUser(user: User | null): Scope {
    return this.write((data) => {
      if (user) data.user = boundedCopy(user) as User;
      else delete data.user;
    });
  }
  setTag(key: string, value: Primitive): Scope {
    return this.write((data) => {
      data.tags[key] = boundedValue(String(value)) as string;
    });
  }
  setTags(tags: Record<string, Primitive>): Scope {
    return this.write((data) => {
      for (const [key, value] of boundedEntries(tags)) data.tags[key] = boundedValue(String(value)) as string;
    });
  }
  setContext(name: string, context: Record<string, unknown> | null): Scope {
    return this.write((data) => {
      if (context) data.contexts[name] = boundedCopy(context);
      else delete data.contexts[name];
    });
  }
  setExtra(key: string, value: unknown): Scope {
    return this.write((data) => {
      data.extra[key] = boundedValue(value, COPY_DEPTH);
    });
  }
  setExtras(extras: Record<string, unknown>): Scope {
    return this.write((data) => {
      for (const [key, value] of boundedEntries(extras)) data.extra[key] = boundedValue(value, COPY_DEPTH);
    });
  }
  setLevel(level: SeverityLevel | undefined): Scope {
    return this.write((data) => setOptional(data, 'level', level));
  }
  setFingerprint(fingerprint: string[] | undefined): Scope {
    return this.write((data) => {
      // Copied bounded: the first parts (more than an event keeps), each string cut.
      const parts = fingerprint?.slice(0, MAX_COPIED_KEYS).map((part) => boundedValue(part) as string);
      setOptional(data, 'fingerprint', parts);
    });
  }
  setTransaction(name: string | undefined): Scope {
    return this.write((data) => setOptional(data, 'transaction', name));
  }
  setRequest(request: RequestData | undefined): Scope {
    return this.write((data) => setOptional(data, 'request', request));
  }
  addBreadcrumb(breadcrumb: Breadcrumb, max = DEFAULT_MAX_BREADCRUMBS): Scope {
    return this.write(({ breadcrumbs }) => {
      if (max <= 0) return;
      breadcrumbs.push(breadcrumb);
      if (breadcrumbs.length > max) breadcrumbs.splice(0, breadcrumbs.length - max);
    });
  }
  clearBreadcrumbs(): Scope {
    return this.write((data) => {
      data.breadcrumbs = [];
    });
  }
  clear(): Scope {
    this.data = copyData({});
    this.owned = true;
    return this;
  }
  clone(): Scope {
    this.owned = false;
    return new DataScope(this.data, false);
  }
  getData(): ScopeData {
    return copyData(this.data);
  }
  getUser(): User | undefined {
    return this.data.user;
  }
}

function copyData(source: Partial<ScopeData>): ScopeData {
  const out: ScopeData = {
    tags: { ...source.tags },
    contexts: { ...source.contexts },
    extra: { ...source.extra },
    breadcrumbs: [...(source.breadcrumbs ?? [])],
  };
  if (source.user) out.user = { ...source.user };
  if (source.level) out.level = source.level;
  if (source.fingerprint) out.fingerprint = [...source.fingerprint];
  if (source.transaction !== undefined) out.transaction = source.transaction;
  if (source.request) out.request = source.request;
  return out;
}

function setOptional<K extends 'level' | 'fingerprint' | 'transaction' | 'request'>(
  data: ScopeData,
  key: K,
  value: ScopeData[K] | undefined,
): void {
  if (value === undefined) delete data[key];
  else data[key] = value;
}

/**
 * Where the "current" scope lives. The default store keeps a stack, which isolates synchronous
 * callbacks; runtimes with async context (Node's AsyncLocalStorage) plug in their own.
 */
export interface ScopeStore {
  getScope(): Scope;
  /** Calls `fn(scope)` with `scope` current (given to `fn`, so no closure stands between the caller and `fn` in stack traces). */
  withScope<T>(scope: Scope, fn: (scope: Scope) => T): T;
}

export function createStackScopeStore(root: Scope): ScopeStore {
  const stack: Scope[] = [root];
  return {
    getScope: () => stack[stack.length - 1] ?? root,
    withScope(scope, fn) {
      stack.push(scope);
      let popNow = true;
      try {
        const result = fn(scope);
        if (isPromiseLike(result)) {
          // The stack cannot follow async work; keep the scope until the promise settles so
          // at least code before the first await sees it.
          popNow = false;
          const pop = () => {
            const index = stack.lastIndexOf(scope);
            if (index > 0) stack.splice(index, 1);
          };
          result.then(pop, pop);
        }
        return result;
      } finally {
        if (popNow) {
          const index = stack.lastIndexOf(scope);
          if (index > 0) stack.splice(index, 1);
        }
      }
    },
  };
}

/**
 * Adds a breadcrumb to `scope` as every client does: a bounded copy, timestamped now unless it
 * has a time, after `beforeBreadcrumb` (which drops it by returning `null`). What the hook
 * throws is the caller's to log. `own`: the SDK made the breadcrumb itself, a fresh object of
 * bounded strings and plain data no one else holds (a console line, an outgoing request), so it
 * is timestamped without the key-by-key copy an app's breadcrumb needs: a console call pays for
 * it on the app's own path.
 */
export function recordBreadcrumb(
  scope: Scope,
  breadcrumb: Breadcrumb,
  options: {
    beforeBreadcrumb?: ((breadcrumb: Breadcrumb) => Breadcrumb | null) | undefined;
    maxBreadcrumbs?: number | undefined;
  },
  own = false,
): void {
  // The breadcrumb's own timestamp, when it has one, replaces the one written first.
  let crumb: Breadcrumb | null = own
    ? { timestamp: nowSeconds(), ...breadcrumb }
    : (boundedCopy(breadcrumb, COPY_DEPTH, { timestamp: nowSeconds() }) as Breadcrumb);
  if (options.beforeBreadcrumb) crumb = options.beforeBreadcrumb(crumb);
  if (crumb) scope.addBreadcrumb(crumb, options.maxBreadcrumbs ?? DEFAULT_MAX_BREADCRUMBS);
}
