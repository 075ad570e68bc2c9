import { describe, expect, it } from 'vitest';
import { isId, uuid4 } from './ids.js';

describe('uuid4', () => {
  it('gives distinct version-4 ids in the 32-hex form', () => {
    const ids = Array.from({ length: 1000 }, () => uuid4());
    for (const id of ids) {
      expect(isId(id)).toBe(true);
      expect(id).toMatch(/^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });
});
