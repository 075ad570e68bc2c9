import type { Integration } from './integration.js';

/** HMAC-SHA-256 of `message` (UTF-8) under `key` (UTF-8), as lower-case hex. */
export type HmacSha256Hex = (key: string, message: string) => string;

/**
 * Replaces every event's `user.id` with a keyed hash (HMAC-SHA-256, hex) of it, for teams whose
 * privacy rules forbid raw ids: the same user still hashes to the same value, so "how many users
 * are affected" counts right. The hash is the runtime's own: Node's built-in crypto, or
 * `@faultline/core/pseudonymize` for runtimes without a synchronous one. Kept apart from the hash
 * so that loading core never loads a hash library (Node's `init` adds this for the
 * `pseudonymizeUserIds` option).
 */
export function pseudonymizeUserIdsWith(hmacSha256Hex: HmacSha256Hex, key: string): Integration {
  return {
    name: 'PseudonymizeUserIds',
    processEvent(event) {
      const id = event.user?.id;
      if (id !== undefined && id !== null) event.user = { ...event.user, id: hmacSha256Hex(key, String(id)) };
      return event;
    },
  };
}
