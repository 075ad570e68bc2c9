import * as adapters from './adapters.js';

/** The HTTP framework adapters (see adapters.ts). */
export type Adapters = typeof adapters;

/**
 * The adapters. Run from sources (tests), they are simply imported with the rest; the build swaps
 * this module for `load-adapters.build.ts`, which requires the adapters' own file on first call.
 */
export const loadAdapters = (): Adapters => adapters;
