/**
 * Results of sanitizing a part that comes back unchanged with event after event (a stack frame
 * in an error storm), so it is scrubbed once rather than once per event. An entry is found by a
 * key (a frame's file) and reused only when every input it was made from holds the same value
 * as now: primitives compared by value, lists item by item. An object among the inputs never
 * matches (its contents could have changed), so whatever an app, an integration or `beforeSend`
 * changed is sanitized again, never served from here. At most `maxKeys` keys of `perKey`
 * entries each; when full it starts over.
 */
export interface PartCache<T> {
  get(key: string, inputs: readonly unknown[]): T | undefined;
  /** `inputs` must be the caller's own copies (lists copied), never the app's arrays. */
  set(key: string, inputs: unknown[], out: T): void;
}

export function createPartCache<T>(maxKeys: number, perKey: number): PartCache<T> {
  let entries = new Map<string, Array<[unknown[], T]>>();
  return {
    get(key, inputs) {
      const list = entries.get(key);
      if (list) for (const [seen, out] of list) if (same(seen, inputs, true)) return out;
      return undefined;
    },
    set(key, inputs, out) {
      let list = entries.get(key);
      if (!list) {
        if (entries.size >= maxKeys) entries = new Map();
        list = [];
        entries.set(key, list);
      }
      if (list.length >= perKey) list.shift();
      list.push([inputs, out]);
    },
  };
}

/** Whether two input lists hold the same values; lists inside (one level) are compared item by item. */
function same(seen: readonly unknown[], now: readonly unknown[], nested: boolean): boolean {
  if (seen.length !== now.length) return false;
  for (let i = 0; i < seen.length; i++) {
    const a = seen[i];
    const b = now[i];
    if (typeof a === 'object' && a !== null) {
      if (!nested || !Array.isArray(a) || !Array.isArray(b) || !same(a, b, false)) return false;
    } else if (a !== b || typeof b === 'function') return false;
  }
  return true;
}
