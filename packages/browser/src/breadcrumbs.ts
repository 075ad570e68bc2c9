import type { SeverityLevel } from '@faultline/core';
import type { BrowserClient } from './client.js';
import type { Integration } from './options.js';
import { listen, patch, undoAll } from './patch.js';
import { selectorOf } from './selector.js';

export interface BreadcrumbSources {
  clicks?: boolean | undefined;
  console?: boolean | undefined;
  navigation?: boolean | undefined;
}

const CONSOLE_LEVELS: Record<string, SeverityLevel> = {
  debug: 'debug',
  log: 'info',
  info: 'info',
  warn: 'warning',
  error: 'error',
};
const MAX_MESSAGE = 1024;

/**
 * Records what led to an error: clicks (a short CSS selector of the target), console output,
 * and history navigation (`pushState`, `replaceState`, `popstate`). How many are kept is bounded
 * by `maxBreadcrumbs`. Everything installed is removed again at `close`.
 */
export function breadcrumbsIntegration(sources: BreadcrumbSources = {}): Integration {
  const undo: Array<() => void> = [];
  return {
    name: 'Breadcrumbs',
    setup(client: BrowserClient) {
      if (sources.clicks !== false && typeof document !== 'undefined') undo.push(recordClicks(client));
      if (sources.console !== false && typeof console !== 'undefined') undo.push(recordConsole(client));
      if (sources.navigation !== false && typeof history !== 'undefined') undo.push(recordNavigation(client));
    },
    teardown: () => undoAll(undo),
  };
}

function recordClicks(client: BrowserClient): () => void {
  // Capture phase on window: recorded before the page's own handlers run (and maybe throw).
  return listen(
    window,
    'click',
    (event) =>
      client.addBreadcrumb({ type: 'default', category: 'ui.click', message: selectorOf(event.target) }),
    true,
  );
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function recordConsole(client: BrowserClient): () => void {
  const target = console as unknown as Record<string, (...args: unknown[]) => void>;
  const undo: Array<() => void> = [];
  let busy = false;
  for (const [method, level] of Object.entries(CONSOLE_LEVELS)) {
    if (typeof target[method] !== 'function') continue;
    const wrap = (original: (...args: unknown[]) => void) =>
      function (this: unknown, ...args: unknown[]): void {
        // The SDK's own debug output is not a breadcrumb, and a breadcrumb must not log again.
        if (!busy && !(typeof args[0] === 'string' && args[0].startsWith('[Faultline]'))) {
          busy = true;
          try {
            const message = args.map(stringify).join(' ').slice(0, MAX_MESSAGE);
            client.addBreadcrumb({ category: 'console', level, message });
          } catch {
            // Never break the page's logging.
          } finally {
            busy = false;
          }
        }
        original.apply(this, args);
      };
    undo.push(patch(target, method, wrap));
  }
  return () => undoAll(undo);
}

function recordNavigation(client: BrowserClient): () => void {
  let last = location.href;
  const record = (to: string) => {
    if (to === last) return;
    client.addBreadcrumb({ category: 'navigation', data: { from: last, to } });
    last = to;
  };
  const wrap = (original: History['pushState']) =>
    function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      try {
        record(location.href);
      } catch {
        // The navigation happened; only its breadcrumb is lost.
      }
      return result;
    };
  const undo = [
    patch(history, 'pushState', wrap),
    patch(history, 'replaceState', wrap),
    listen(window, 'popstate', () => record(location.href)),
  ];
  return () => undoAll(undo);
}
