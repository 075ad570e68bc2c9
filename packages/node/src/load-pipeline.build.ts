import type { Pipeline } from './load-pipeline.js';

let pipeline: Pipeline | undefined;

/**
 * The pipeline, loaded on the first call: the package's built entry is `dist/index.cjs` (the ES
 * module entry is a thin wrapper over it) and the pipeline is `dist/pipeline.cjs` beside it. A
 * synchronous `require` of a literal relative path: the first capture is built and queued at
 * once (so it still leaves when the process exits right after it), and a bundler follows the
 * path and puts the pipeline in the bundle.
 */
export function loadPipeline(): Pipeline {
  pipeline ??= require('./pipeline.cjs') as Pipeline;
  return pipeline;
}
