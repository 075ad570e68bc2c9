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
  let known = -1;
  let byFile = new Map<string, unknown>();
  return {
    name: 'DebugIds',
    processEvent(event) {
      const ids: DebugIdMap = (globalThis as { _sentryDebugIds?: DebugIdMap })._sentryDebugIds ?? {};
      const stacks = Object.keys(ids);
      if (stacks.length !== known) {
        known = stacks.length;
        byFile = new Map(stacks.map((stack) => [parseStack({ stack }).pop()?.abs_path ?? '', ids[stack]]));
      }
      const images: DebugMeta['images'] = [];
      for (const value of event.exception?.values ?? []) {
        for (const { abs_path: file = '' } of value.stacktrace?.frames ?? []) {
          const id = byFile.get(file);
          if (typeof id === 'string' && !images.some((image) => image.code_file === file))
            images.push({ type: 'sourcemap', code_file: file, debug_id: id });
        }
      }
      if (images.length) event.debug_meta = { images };
      return event;
    },
  };
}
