import * as pipeline from './pipeline.js';

/** What the SDK loads on first need (see pipeline.ts). */
export type Pipeline = typeof pipeline;

/**
 * The pipeline. Run from sources (tests), it is simply imported with the rest; the build swaps
 * this module for `load-pipeline.build.ts`, which requires the pipeline's own file on first call.
 */
export const loadPipeline = (): Pipeline => pipeline;
