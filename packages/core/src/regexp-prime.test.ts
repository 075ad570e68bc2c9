import { describe, expect, it } from 'vitest';
import { primeRegExp } from './regexp-prime.js';

describe('primeRegExp', () => {
  it('leaves a global or sticky expression where it was and finding what it found', () => {
    for (const flags of ['g', 'y', 'gi', '']) {
      const pattern = new RegExp('token=(\\w+)', flags);
      pattern.lastIndex = 3;
      primeRegExp(pattern);
      expect(pattern.lastIndex).toBe(3);
      pattern.lastIndex = 0;
      expect(pattern.exec('token=abc; token=def')?.[1]).toBe('abc');
    }
  });

  it('leaves the match of a replace unchanged', () => {
    const pattern = /(^|[^\w.])(\d{1,3}(?:\.\d{1,3}){3})/g;
    primeRegExp(pattern);
    expect('from 10.0.0.1 and 10.0.0.2'.replace(pattern, '$1[ip]')).toBe('from [ip] and [ip]');
  });
});
