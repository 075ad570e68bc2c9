/**
 * A small, bounded store of serialized envelopes in `localStorage`, for envelopes that could
 * not be sent because the browser was offline or the page was closing. Every access is
 * guarded: storage can be missing, full, or throw (private browsing, disabled cookies).
 */
export interface OfflineQueue {
  /** Stores a body, dropping the oldest entries to stay within bounds; false if it was not stored. */
  push(body: Uint8Array): boolean;
  /** Removes and returns every stored body, oldest first. */
  takeAll(): Uint8Array[];
  size(): number;
}

export interface OfflineQueueOptions {
  /** Storage key, one per project. */
  key: string;
  /** @default 30 */
  maxEntries?: number;
  /** Characters of stored bodies at most (localStorage quotas are about 5 MB per origin). @default 1 MiB */
  maxBytes?: number;
  /** Entries older than this are dropped unsent. @default 3 days */
  maxAgeMs?: number;
  storage?: Storage;
}

interface Stored {
  /** Stored at, ms. */
  t: number;
  /** The envelope as UTF-8 text. */
  b: string;
}

/** Makes the offline queue of one project; `init` passes the storage key. */
export type OfflineQueueFactory = (key: string) => OfflineQueue;

/**
 * The `offlineQueue` option's value for a queue in `localStorage`. Opt-in, so pages that do not
 * want one do not ship it.
 * @example init({ dsn, offlineQueue: localStorageQueue({ maxEntries: 10 }) })
 */
export function localStorageQueue(options: Omit<OfflineQueueOptions, 'key'> = {}): OfflineQueueFactory {
  return (key) => createOfflineQueue({ ...options, key });
}

export function createOfflineQueue(options: OfflineQueueOptions): OfflineQueue {
  const maxEntries = options.maxEntries ?? 30;
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const maxAgeMs = options.maxAgeMs ?? 3 * 24 * 3600 * 1000;
  const storage = (): Storage | undefined => {
    try {
      return options.storage ?? globalThis.localStorage;
    } catch {
      return undefined;
    }
  };

  const read = (): Stored[] => {
    try {
      const parsed: unknown = JSON.parse(storage()?.getItem(options.key) ?? '[]');
      const oldest = Date.now() - maxAgeMs;
      return Array.isArray(parsed)
        ? parsed.filter(
            (e): e is Stored => typeof e?.b === 'string' && typeof e.t === 'number' && e.t > oldest,
          )
        : [];
    } catch {
      return [];
    }
  };

  const write = (entries: Stored[]): boolean => {
    try {
      const store = storage();
      if (!store) return false;
      if (entries.length === 0) store.removeItem(options.key);
      else store.setItem(options.key, JSON.stringify(entries));
      return true;
    } catch {
      return false;
    }
  };

  return {
    push(body) {
      const text = new TextDecoder().decode(body);
      if (text.length > maxBytes) return false;
      const entries = [...read(), { t: Date.now(), b: text }];
      let total = entries.reduce((sum, e) => sum + e.b.length, 0);
      while (entries.length > maxEntries || total > maxBytes) total -= entries.shift()?.b.length ?? 0;
      return write(entries);
    },
    takeAll() {
      const entries = read();
      write([]);
      const encoder = new TextEncoder();
      return entries.map((e) => encoder.encode(e.b));
    },
    size: () => read().length,
  };
}
