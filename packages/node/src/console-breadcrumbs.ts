import { format } from 'node:util';
import type { Client, Integration, SeverityLevel } from '@faultline/core';

const LEVELS: Record<string, SeverityLevel> = {
  debug: 'debug',
  info: 'info',
  log: 'info',
  warn: 'warning',
  error: 'error',
};

/** Longest message kept; console output can be large and breadcrumbs ride on every event. */
const MAX_MESSAGE = 2048;

/**
 * A breadcrumb per console call (`log`, `info`, `warn`, `error`, `debug`), in the current scope.
 * Node 20 has no diagnostics channel for the console, so each method is wrapped: the wrapper
 * records, then calls the original with the same arguments. `teardown` puts the originals back
 * unless someone else has wrapped them since. The SDK's own log lines are not recorded.
 */
export function consoleBreadcrumbsIntegration(): Integration {
  let restore: (() => void) | undefined;
  return {
    name: 'ConsoleBreadcrumbs',
    setup(client: Client) {
      if (restore) return;
      const target = console as unknown as Record<string, (...args: unknown[]) => void>;
      const originals: Array<[string, (...args: unknown[]) => void, (...args: unknown[]) => void]> = [];
      let recording = false;
      for (const [method, level] of Object.entries(LEVELS)) {
        const original = target[method];
        if (typeof original !== 'function') continue;
        const wrapper = function (this: unknown, ...args: unknown[]): unknown {
          if (!recording && !(typeof args[0] === 'string' && args[0].startsWith('[Faultline]'))) {
            recording = true;
            try {
              // One string is what `format` would return as is (a logged stack, say): no scan.
              const message = args.length === 1 && typeof args[0] === 'string' ? args[0] : format(...args);
              client.addBreadcrumb({
                category: 'console',
                level,
                message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message,
              });
            } catch {
              // Recording must never stop the app's own output.
            } finally {
              recording = false;
            }
          }
          return original.apply(this, args);
        };
        target[method] = wrapper;
        originals.push([method, original, wrapper]);
      }
      restore = () => {
        for (const [method, original, wrapper] of originals) {
          if (target[method] === wrapper) target[method] = original;
        }
      };
    },
    teardown() {
      restore?.();
      restore = undefined;
    },
  };
}
