import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256, hmacSha256Hex } from './hash.js';

const bytes = (value: number, length: number) => new Uint8Array(length).fill(value);
const text = (value: string) => new TextEncoder().encode(value);
const hex = (value: string) => Uint8Array.from(value.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
const toHex = (value: Uint8Array) => Array.from(value, (b) => b.toString(16).padStart(2, '0')).join('');

describe('hmacSha256', () => {
  // The HMAC-SHA-256 test vectors of RFC 4231, section 4 (test case 5 is truncated to 128 bits).
  it.each([
    [
      1,
      bytes(0x0b, 20),
      text('Hi There'),
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    ],
    [
      2,
      text('Jefe'),
      text('what do ya want for nothing?'),
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    ],
    [3, bytes(0xaa, 20), bytes(0xdd, 50), '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe'],
    [
      4,
      hex('0102030405060708090a0b0c0d0e0f10111213141516171819'),
      bytes(0xcd, 50),
      '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
    ],
    [5, bytes(0x0c, 20), text('Test With Truncation'), 'a3b6167473100ee06e0c796c2955552b'],
    [
      6,
      bytes(0xaa, 131),
      text('Test Using Larger Than Block-Size Key - Hash Key First'),
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    ],
    [
      7,
      bytes(0xaa, 131),
      text(
        'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
      ),
      '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    ],
  ])('RFC 4231 test case %i', (_case, key, data, expected) => {
    expect(toHex(hmacSha256(key, data)).slice(0, expected.length)).toBe(expected);
  });
});

describe('hmacSha256Hex', () => {
  it.each([
    ['key', 'user-42'],
    ['', ''],
    ['ключ', 'ユーザー🙂'.repeat(50)],
  ])('hashes the UTF-8 of key %j as node:crypto does', (key, message) => {
    expect(hmacSha256Hex(key, message)).toBe(createHmac('sha256', key).update(message).digest('hex'));
  });
});
