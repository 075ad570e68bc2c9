import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256Hex } from './hash.js';

describe('hmacSha256Hex', () => {
  it.each([
    ['key', 'user-42'],
    ['', ''],
    ['a much longer secret key that exceeds the sixty-four byte block size of sha-256 ....', 'x'],
    ['ключ', 'ユーザー🙂'.repeat(50)],
  ])('matches node:crypto for key %j', (key, message) => {
    expect(hmacSha256Hex(key, message)).toBe(createHmac('sha256', key).update(message).digest('hex'));
  });
});
