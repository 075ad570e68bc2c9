import { hmacSha256Hex } from './hash.js';
import type { Integration } from './integration.js';

/**
 * Replaces every event's `user.id` with a keyed hash (HMAC-SHA-256, hex) of it, for teams whose
 * privacy rules forbid raw ids: the same user still hashes to the same value, so "how many users
 * are affected" counts right. An opt-in integration, so runtimes that do not use it do not ship
 * the hash (Node's `init` adds it for the `pseudonymizeUserIds` option).
 *
 * @example integrations: [pseudonymizeUserIdsIntegration('a-secret-key')]
 */
export function pseudonymizeUserIdsIntegration(key: string): Integration {
  return {
    name: 'PseudonymizeUserIds',
    processEvent(event) {
      const id = event.user?.id;
      if (id !== undefined && id !== null) event.user = { ...event.user, id: hmacSha256Hex(key, String(id)) };
      return event;
    },
  };
}
