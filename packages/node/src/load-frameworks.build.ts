import type { Frameworks } from './load-frameworks.js';

let frameworks: Frameworks | undefined;

/**
 * The adapters, loaded on the first call: `dist/frameworks.cjs` beside the entry, by a
 * synchronous `require` of a literal relative path, which a bundler follows.
 */
export function loadFrameworks(): Frameworks {
  frameworks ??= require('./frameworks.cjs') as Frameworks;
  return frameworks;
}
