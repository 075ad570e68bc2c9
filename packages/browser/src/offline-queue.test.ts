import { describe, expect, it } from 'vitest';
import { createOfflineQueue } from './offline-queue.js';

function memoryStorage(): Storage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get length() {
      return data.size;
    },
    clear: () => data.clear(),
    getItem: (key) => data.get(key) ?? null,
    key: (index) => [...data.keys()][index] ?? null,
    removeItem: (key) => void data.delete(key),
    setItem: (key, value) => void data.set(key, String(value)),
  };
}

const bytes = (text: string) => new TextEncoder().encode(text);
const texts = (bodies: Uint8Array[]) => bodies.map((b) => new TextDecoder().decode(b));

describe('offline queue', () => {
  it('stores bodies and gives them back once, oldest first', () => {
    const storage = memoryStorage();
    const queue = createOfflineQueue({ key: 'q', storage });
    expect(queue.push(bytes('a\n{"é":1}'))).toBe(true);
    expect(queue.push(bytes('b'))).toBe(true);
    expect(queue.size()).toBe(2);
    expect(texts(queue.takeAll())).toEqual(['a\n{"é":1}', 'b']);
    expect(queue.takeAll()).toEqual([]);
    expect(storage.data.has('q')).toBe(false);
  });

  it('drops the oldest entries beyond its entry and byte bounds', () => {
    const queue = createOfflineQueue({ key: 'q', storage: memoryStorage(), maxEntries: 2, maxBytes: 10 });
    queue.push(bytes('1111'));
    queue.push(bytes('2222'));
    queue.push(bytes('3333'));
    expect(texts(queue.takeAll())).toEqual(['2222', '3333']);
    queue.push(bytes('444444'));
    queue.push(bytes('55555'));
    expect(texts(queue.takeAll())).toEqual(['55555']);
    // Each entry dropped to make room is counted once, for the transport's client report.
    expect(queue.takeDropped?.()).toBe(2);
    expect(queue.takeDropped?.()).toBe(0);
    queue.push(bytes('66'));
    // Too large on its own: refused, and what was stored stays (and nothing counts as dropped).
    expect(queue.push(bytes('x'.repeat(11)))).toBe(false);
    expect(texts(queue.takeAll())).toEqual(['66']);
    expect(queue.takeDropped?.()).toBe(0);
  });

  it('drops entries older than maxAgeMs and survives broken or throwing storage', () => {
    const storage = memoryStorage();
    storage.setItem(
      'q',
      JSON.stringify([{ t: Date.now() - 10_000, b: 'old' }, { t: Date.now(), b: 'new' }, 7]),
    );
    const aging = createOfflineQueue({ key: 'q', storage, maxAgeMs: 5000 });
    expect(texts(aging.takeAll())).toEqual(['new']);
    // The expired entry is counted; the junk one was never an envelope of ours.
    expect(aging.takeDropped?.()).toBe(1);
    storage.setItem('q', '{not json');
    expect(createOfflineQueue({ key: 'q', storage }).takeAll()).toEqual([]);
    storage.setItem('q', '{"b":"not a list"}');
    expect(createOfflineQueue({ key: 'q', storage }).size()).toBe(0);
    const throwing = memoryStorage();
    throwing.setItem = () => {
      throw new Error('QuotaExceededError');
    };
    expect(createOfflineQueue({ key: 'q', storage: throwing }).push(bytes('x'))).toBe(false);
  });
});
