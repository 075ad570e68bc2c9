import type { Adapters } from './load-adapters.js';

let adapters: Adapters | undefined;

/**
 * The HTTP framework adapters, loaded on the first call: `dist/adapters.cjs` beside the entry.
 * A synchronous `require` of a literal relative path, so a bundler follows it and puts the
 * adapters in the bundle.
 */
export function loadAdapters(): Adapters {
  adapters ??= require('./adapters.cjs') as Adapters;
  return adapters;
}
