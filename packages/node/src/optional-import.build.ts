import type { importOptional as ImportOptional } from './optional-import.js';

/**
 * What the CommonJS pipeline builds in place of src/optional-import.ts: the file beside it,
 * `dist/optional-import.cjs`, required on the first call, so that a process's first capture
 * still loads the pipeline's one file (see tsup.config.ts).
 */
export const importOptional: typeof ImportOptional = (name) =>
  (require('./optional-import.cjs') as { importOptional: typeof ImportOptional }).importOptional(name);
