import type { DebugMeta } from '@faultline/core';
import type { Integration } from './options.js';
import { parseStack } from './stack.js';

/**
 * Sentry's bundler plugins and `sentry-cli sourcemaps inject` add a snippet to every bundle that
 * records `{ [new Error().stack]: debugId }` in `globalThis._sentryDebugIds`. The newest frame
 * of each recorded stack is the bundle's own URL.
 */
type DebugIdMap = Record<string, string>;

/**
 * Sends `debug_meta` with the debug ID of every bundle that appears in the event's frames, so a
 * backend with uploaded source maps resolves minified frames without guessing by file name.
 */
export function debugIdsIntegration(): Integration {
  let cachedSize = -1;
  let byFile = new Map<string, string>();

  const files = (): Map<string, string> => {
    const ids = (globalThis as { _sentryDebugIds?: DebugIdMap })._sentryDebugIds;
    if (!ids || typeof ids !== 'object') return byFile;
    const keys = Object.keys(ids);
    if (keys.length === cachedSize) return byFile;
    const next = new Map<string, string>();
    for (const stack of keys) {
      const id = ids[stack];
      const frames = parseStack({ stack });
      for (let i = frames.length - 1; i >= 0; i--) {
        const file = frames[i]?.abs_path;
        if (file && typeof id === 'string') {
          next.set(file, id);
          break;
        }
      }
    }
    cachedSize = keys.length;
    byFile = next;
    return byFile;
  };

  return {
    name: 'DebugIds',
    processEvent(event) {
      const known = files();
      if (known.size === 0) return event;
      const images: DebugMeta['images'] = [];
      const seen = new Set<string>();
      for (const value of event.exception?.values ?? []) {
        for (const frame of value.stacktrace?.frames ?? []) {
          const file = frame.abs_path ?? frame.filename;
          const id = file === undefined ? undefined : known.get(file);
          if (file && id && !seen.has(file)) {
            seen.add(file);
            images.push({ type: 'sourcemap', code_file: file, debug_id: id });
          }
        }
      }
      if (images.length === 0) return event;
      event.debug_meta = { images };
      return event;
    },
  };
}
