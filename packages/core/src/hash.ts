/**
 * HMAC-SHA-256, synchronous, so user ids can be pseudonymized inside the synchronous capture path
 * on every runtime (WebCrypto's `sign` is async, and core cannot use node:crypto). The hash is
 * @noble/hashes (audited, maintained); this file only adapts strings to it.
 */
import { hmac } from '@noble/hashes/hmac';
import { sha256 } from '@noble/hashes/sha2';

/** HMAC-SHA-256 of `message` under `key` (RFC 2104 over FIPS 180-4 SHA-256). */
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  return hmac(sha256, key, message);
}

/** HMAC-SHA-256 of two strings (UTF-8), as lower-case hex. */
export function hmacSha256Hex(key: string, message: string): string {
  const encoder = new TextEncoder();
  let hex = '';
  for (const byte of hmacSha256(encoder.encode(key), encoder.encode(message))) {
    hex += byte.toString(16).padStart(2, '0');
  }
  return hex;
}
