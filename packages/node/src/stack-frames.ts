import { libraryStackParser, type StackLibrary, type StackParser } from '@faultline/core';
import { requireFromHere } from './require-from-here.js';

let library: StackLibrary | undefined;
let tried = false;

/**
 * Loads error-stack-parser at the first stack parsed, not at import: an app that never fails
 * never pays for it. It is a dependency of this package and resolved from here, as a strict
 * node_modules layout requires (see `require-from-here.ts`). An app bundled into one file has
 * no node_modules to load from: its bundler included the library through the `import()` below,
 * which finishes in the background; until then the built-in line parser reads stacks.
 */
function loadLibrary(): StackLibrary | undefined {
  if (library || tried) return library;
  tried = true;
  try {
    library = requireFromHere()('error-stack-parser') as StackLibrary;
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
