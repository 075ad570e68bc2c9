/**
 * A bounded memo for pure functions of short strings. Two generations: new entries go to the
 * young map; when it is full it becomes the old one and the previous old one is dropped. A hit
 * in the old map moves the entry back to the young one, so entries in steady use stay while a
 * stream of one-off keys (messages with ids in them) only ever costs the oldest generation.
 * At most `2 * maxPerGeneration` entries are held; every operation is O(1).
 */
export interface Memo<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
}

export function createMemo<V>(maxPerGeneration: number): Memo<V> {
  let young = new Map<string, V>();
  let old = new Map<string, V>();
  const set = (key: string, value: V): void => {
    if (young.size >= maxPerGeneration) {
      old = young;
      young = new Map();
    }
    young.set(key, value);
  };
  return {
    get(key) {
      const hit = young.get(key);
      if (hit !== undefined) return hit;
      const aged = old.get(key);
      if (aged !== undefined) {
        old.delete(key);
        set(key, aged);
      }
      return aged;
    },
    set,
  };
}
