import { format } from 'node:util';
import type { Client, Integration, SeverityLevel } from '@faultline/core';
import { addBreadcrumbTo } from './http-breadcrumbs.js';

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
              const message = messageOf(args);
              addBreadcrumbTo(client, client.getScope(), {
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

/**
 * The text of a console call, as `format` would give it, without formatting where the text is
 * already there: one string is returned as is, and one Error (an error handler logging what it
 * caught: express 5 does on every 5xx) gives the stack text V8 already formatted, instead of
 * `inspect` walking the error's properties and causes on the request path.
 */
function messageOf(args: unknown[]): string {
  if (args.length === 1) {
    const [only] = args;
    if (typeof only === 'string') return only;
    if (only instanceof Error && typeof only.stack === 'string') return only.stack;
  }
  return format(...args);
}
