import { parseStack } from '@faultline/core/front';
import type { Integration } from './options.js';

/**
 * Sends `debug_meta` with the debug ID of every bundle that appears in the event's frames, so a
 * backend with uploaded source maps resolves minified frames without guessing by file name.
 * Sentry's bundler plugins and `sentry-cli sourcemaps inject` add a snippet to every bundle that
 * records `{ [new Error().stack]: debugId }` in `globalThis._sentryDebugIds`; the newest frame
 * of each recorded stack is the bundle's own URL. Parsed again only when bundles were added.
 */
export function debugIdsIntegration(): Integration {
  let known = -1;
  let byFile = new Map<string | undefined, unknown>();
  return {
    name: 'DebugIds',
    processEvent(event) {
      const ids: Record<string, unknown> =
        (globalThis as { _sentryDebugIds?: Record<string, unknown> })._sentryDebugIds ?? {};
      const stacks = Object.keys(ids);
      if (stacks.length !== known) {
        known = stacks.length;
        byFile = new Map(stacks.map((stack) => [parseStack({ stack }).pop()?.abs_path, ids[stack]]));
      }
      const images = new Map<string, { type: string; code_file: string; debug_id: string }>();
      for (const value of event.exception?.values ?? [])
        for (const { abs_path: code_file = '' } of value.stacktrace?.frames ?? []) {
          const debug_id = byFile.get(code_file);
          if (typeof debug_id === 'string') images.set(code_file, { type: 'sourcemap', code_file, debug_id });
        }
      if (images.size) event.debug_meta = { images: [...images.values()] };
      return event;
    },
  };
}
