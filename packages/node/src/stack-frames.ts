import { createRequire } from 'node:module';
import { libraryStackParser, type StackLibrary, type StackParser } from '@faultline/core';

let library: StackLibrary | undefined;
let tried = false;

/**
 * Loads error-stack-parser at the first stack parsed, not at import: an app that never fails
 * never pays for it. It is a dependency of @faultline/core, so it is resolved from there, as a
 * strict node_modules layout requires. The CommonJS build has `__filename`; the ESM build
 * resolves from `import.meta.url` (see `source-map-file.ts`). An app bundled into one file has
 * no node_modules to load from: its bundler included the library through the `import()` below,
 * which finishes in the background; until then the built-in line parser reads stacks.
 */
function loadLibrary(): StackLibrary | undefined {
  if (library || tried) return library;
  tried = true;
  try {
    const fromHere = createRequire(typeof __filename === 'string' ? __filename : import.meta.url);
    library = createRequire(fromHere.resolve('@faultline/core'))('error-stack-parser') as StackLibrary;
  } catch {
    import('error-stack-parser').then(
      (module) => {
        const loaded = ((module as { default?: StackLibrary }).default ?? module) as StackLibrary;
        if (typeof loaded?.parse === 'function') library = loaded;
      },
      () => undefined,
    );
  }
  return library;
}

/** error-stack-parser, the thorough parser (worth its size on a server), loaded on first use. */
export const parseStackFrames: StackParser = libraryStackParser(loadLibrary);
