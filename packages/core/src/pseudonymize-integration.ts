import { hmacSha256Hex } from './hash.js';
import type { Integration } from './integration.js';
import { pseudonymizeUserIdsWith } from './pseudonymize.js';

/**
 * `pseudonymizeUserIdsWith` over core's own HMAC-SHA-256 (@noble/hashes), for runtimes without
 * a synchronous one (browsers). Its own entry, `@faultline/core/pseudonymize`: importing
 * `@faultline/core` does not load the hash library.
 *
 * @example integrations: [pseudonymizeUserIdsIntegration('a-secret-key')]
 */
export function pseudonymizeUserIdsIntegration(key: string): Integration {
  return pseudonymizeUserIdsWith(hmacSha256Hex, key);
}
