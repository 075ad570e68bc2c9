import * as frameworks from './frameworks.js';

/** What the SDK loads when an app first asks for a framework adapter (see frameworks.ts). */
export type Frameworks = typeof frameworks;

/**
 * The adapters. Run from sources (tests) and in the ES module build for bundlers, they are
 * simply imported with the rest; the CommonJS build swaps this module for
 * `load-frameworks.build.ts`, which requires their own file on first call.
 */
export const loadFrameworks = (): Frameworks => frameworks;
