import { describe, expect, it } from 'vitest';
import { createByteLru } from './byte-lru.js';

describe('createByteLru', () => {
  it('evicts the least recently used entries to stay within its byte budget', () => {
    const cache = createByteLru<string>(100);
    cache.set('a', 'A', 40);
    cache.set('b', 'B', 40);
    expect(cache.get('a')).toBe('A');
    cache.set('c', 'C', 40);
    expect(cache.has('b')).toBe(false);
    expect(cache.get('a')).toBe('A');
    expect(cache.get('c')).toBe('C');
    expect(cache.bytes).toBe(80);
  });

  it('replaces an entry and never keeps one larger than the whole budget', () => {
    const cache = createByteLru<string>(100);
    cache.set('a', 'A', 60);
    cache.set('a', 'A2', 10);
    expect(cache.bytes).toBe(10);
    cache.set('huge', 'H', 101);
    expect(cache.has('huge')).toBe(false);
    expect(cache.get('a')).toBe('A2');
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });

  it('keeps the order of use when the newest entry is looked up again and again', () => {
    const cache = createByteLru<string>(100);
    cache.set('a', 'A', 30);
    cache.set('b', 'B', 30);
    cache.set('c', 'C', 30);
    expect(cache.get('c')).toBe('C');
    expect(cache.get('a')).toBe('A');
    expect(cache.get('a')).toBe('A');
    expect(cache.get('b')).toBe('B');
    expect(cache.get('a')).toBe('A');
    // Least recent first: c, then b, then a.
    cache.set('d', 'D', 30);
    expect(cache.has('c')).toBe(false);
    cache.set('e', 'E', 30);
    expect(cache.has('b')).toBe(false);
    expect(cache.get('a')).toBe('A');
    // Replacing the newest entry and reading another keeps the replaced one ordered too.
    cache.set('a', 'A2', 30);
    expect(cache.get('d')).toBe('D');
    cache.set('f', 'F', 30);
    expect(cache.has('e')).toBe(false);
    expect([cache.get('a'), cache.get('d'), cache.get('f')]).toEqual(['A2', 'D', 'F']);
  });
});
