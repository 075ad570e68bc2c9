/**
 * A least-recently-used cache bounded by the total size of its entries, in bytes, not by
 * their count: one source map can weigh more than a hundred small ones.
 */
export interface ByteLru<V> {
  get(key: string): V | undefined;
  has(key: string): boolean;
  /** Stores `value`, evicting the least recently used entries until the total fits. */
  set(key: string, value: V, bytes: number): void;
  readonly bytes: number;
  readonly size: number;
  clear(): void;
}

export function createByteLru<V>(maxBytes: number): ByteLru<V> {
  // A Map iterates in insertion order, so re-inserting on access keeps the oldest first.
  const entries = new Map<string, { value: V; bytes: number }>();
  let total = 0;
  // The entry used or stored last is already the newest: finding it again moves nothing (the
  // same few files come back with every event).
  let newest: { value: V; bytes: number } | undefined;
  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry !== newest) {
        entries.delete(key);
        entries.set(key, entry);
        newest = entry;
      }
      return entry.value;
    },
    has: (key) => entries.has(key),
    set(key, value, bytes) {
      const size = Math.max(0, bytes);
      const old = entries.get(key);
      if (old) {
        total -= old.bytes;
        entries.delete(key);
        if (old === newest) newest = undefined;
      }
      // An entry larger than the whole budget is not kept at all.
      if (size > maxBytes) return;
      newest = { value, bytes: size };
      entries.set(key, newest);
      total += size;
      for (const [oldestKey, oldest] of entries) {
        if (total <= maxBytes) break;
        entries.delete(oldestKey);
        total -= oldest.bytes;
      }
    },
    get bytes() {
      return total;
    },
    get size() {
      return entries.size;
    },
    clear() {
      entries.clear();
      newest = undefined;
      total = 0;
    },
  };
}
