import { webcrypto } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isId, useUUIDSource, uuid4 } from './ids.js';

const expectUuids = () => {
  const ids = Array.from({ length: 1000 }, () => uuid4());
  for (const id of ids) {
    expect(isId(id)).toBe(true);
    expect(id).toMatch(/^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
  }
  expect(new Set(ids).size).toBe(ids.length);
};

afterEach(() => {
  vi.unstubAllGlobals();
  useUUIDSource(undefined);
});

describe('uuid4', () => {
  it('gives distinct version-4 ids in the 32-hex form', () => {
    expectUuids();
  });

  it('gives the same form where the platform has getRandomValues but no randomUUID (pages over http)', () => {
    const getRandomValues = vi.fn((array: Uint8Array) => webcrypto.getRandomValues(array));
    vi.stubGlobal('crypto', { getRandomValues });
    expectUuids();
    expect(getRandomValues).toHaveBeenCalled();
  });

  it('gives the same form without any crypto', () => {
    vi.stubGlobal('crypto', undefined);
    expectUuids();
  });

  it("draws from the runtime's source when one is set, without reading the global crypto", () => {
    const original = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
    const read = vi.fn(() => webcrypto);
    Object.defineProperty(globalThis, 'crypto', { configurable: true, get: read });
    try {
      const source = vi.fn(() => webcrypto.randomUUID());
      useUUIDSource(source);
      expectUuids();
      expect(source).toHaveBeenCalledTimes(1000);
      expect(read).not.toHaveBeenCalled();
      useUUIDSource(undefined);
      expect(isId(uuid4())).toBe(true);
      expect(read).toHaveBeenCalled();
    } finally {
      if (original) Object.defineProperty(globalThis, 'crypto', original);
    }
  });
});
