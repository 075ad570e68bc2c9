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
  /**
   * How many stored envelopes it dropped since last asked (the oldest, beyond its bounds, or
   * expired unsent); the transport counts them as `queue_overflow` in its client reports.
   */
  takeDropped?(): number;
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
  const { key } = options;
  const maxEntries = options.maxEntries ?? 30;
  const maxBytes = options.maxBytes ?? 2 ** 20;
  const maxAgeMs = options.maxAgeMs ?? 2592e5;
  // Reading `localStorage` itself can throw (storage disabled), and so can every call on it:
  // each access below is inside a try.
  const storage = () => options.storage ?? globalThis.localStorage;

  /** Envelopes dropped and not yet reported; `expired`: those the last `read` found too old. */
  let dropped = 0;
  let expired = 0;

  /** The stored entries young enough to send; none when storage is missing, unreadable or not ours. */
  const read = (): Stored[] => {
    expired = 0;
    try {
      const oldest = Date.now() - maxAgeMs;
      const stored: Stored[] = JSON.parse(storage().getItem(key)!).filter(
        (e: Stored) => typeof e?.b === 'string',
      );
      const young = stored.filter((e) => e.t > oldest);
      expired = stored.length - young.length;
      return young;
    } catch {
      return [];
    }
  };

  const write = (entries: Stored[]) => {
    try {
      if (entries[0]) storage().setItem(key, JSON.stringify(entries));
      else storage().removeItem(key);
      return true;
    } catch {
      return false;
    }
  };

  return {
    push(body) {
      const entries = [...read(), { t: Date.now(), b: new TextDecoder().decode(body) }];
      const count = entries.length;
      let total = entries.reduce((sum, e) => sum + e.b.length, 0);
      // Oldest first; a body too large on its own goes too, and then nothing is written.
      while (entries.length > maxEntries || total > maxBytes) total -= entries.shift()!.b.length;
      if (!entries[0] || !write(entries)) return false;
      dropped += expired + count - entries.length;
      return true;
    },
    takeAll() {
      const entries = read();
      dropped += expired;
      write([]);
      return entries.map((e) => new TextEncoder().encode(e.b));
    },
    size: () => read().length,
    takeDropped() {
      const count = dropped;
      dropped = 0;
      return count;
    },
  };
}
