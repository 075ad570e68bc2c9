import { describe, expect, it } from 'vitest';
import { createMemo } from './memo.js';

describe('createMemo', () => {
  it('returns what was stored', () => {
    const memo = createMemo<string>(4);
    memo.set('a', 'A');
    expect(memo.get('a')).toBe('A');
    expect(memo.get('b')).toBeUndefined();
  });

  it('holds at most two generations, and keeps entries in use through a stream of new keys', () => {
    const memo = createMemo<number>(8);
    memo.set('hot', 1);
    for (let i = 0; i < 1000; i++) {
      memo.set(`once ${i}`, i);
      expect(memo.get('hot')).toBe(1);
    }
    let held = 0;
    for (let i = 0; i < 1000; i++) if (memo.get(`once ${i}`) !== undefined) held += 1;
    expect(held).toBeLessThanOrEqual(16);
    expect(memo.get('once 999')).toBe(999);
  });
});
