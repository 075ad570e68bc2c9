import type { SeverityLevel } from '@faultline/core';
import { truncateWords } from '@faultline/core/front';
import type { Integration } from './options.js';
import { hooks, listen, patch } from './patch.js';
import { selectorOf } from './selector.js';

export interface BreadcrumbSources {
  clicks?: boolean | undefined;
  console?: boolean | undefined;
  navigation?: boolean | undefined;
}

/** Console methods recorded, with the level of their breadcrumbs. */
const CONSOLE_LEVELS: Record<string, SeverityLevel> = {
  debug: 'debug',
  log: 'info',
  info: 'info',
  warn: 'warning',
  error: 'error',
};

const stringify = (value: unknown): string => {
  try {
    return typeof value === 'string'
      ? value
      : value instanceof Error
        ? `${value.name}: ${value.message}`
        : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
};

/**
 * Records what led to an error: clicks (a short CSS selector of the target), console output
 * (1,024 characters at most per message), and history navigation (`pushState`, `replaceState`,
 * `popstate`). How many are kept is bounded by `maxBreadcrumbs`. Everything installed is removed
 * again at `close`.
 */
export function breadcrumbsIntegration(sources: BreadcrumbSources = {}): Integration {
  return hooks('Breadcrumbs', (client) => {
    const undo: Array<() => void> = [];
    // Capture phase on window: recorded before the page's own handlers run (and maybe throw).
    if (sources.clicks !== false && typeof document !== 'undefined')
      undo.push(
        listen(
          window,
          'click',
          (event) =>
            client.addBreadcrumb({
              type: 'default',
              category: 'ui.click',
              message: selectorOf(event.target),
            }),
          true,
        ),
      );
    if (sources.console !== false && typeof console !== 'undefined') {
      const target = console as unknown as Record<string, (...args: unknown[]) => void>;
      let busy = false;
      for (const [method, level] of Object.entries(CONSOLE_LEVELS))
        if (typeof target[method] === 'function')
          undo.push(
            patch(
              target,
              method,
              (original) =>
                function (this: unknown, ...args: unknown[]): void {
                  // A breadcrumb must not log again, and the SDK's own debug output is not one.
                  if (!busy) {
                    busy = true;
                    try {
                      const message = args.map(stringify).join(' ');
                      if (!message.startsWith('[Faultline]'))
                        client.addBreadcrumb({
                          category: 'console',
                          level,
                          message: truncateWords(message, 1024),
                        });
                    } catch {
                      // Never break the page's logging.
                    }
                    busy = false;
                  }
                  original.apply(this, args);
                },
            ),
          );
    }
    if (sources.navigation !== false && typeof history !== 'undefined') {
      let last = location.href;
      const record = () => {
        const to = location.href;
        if (to !== last) client.addBreadcrumb({ category: 'navigation', data: { from: last, to } });
        last = to;
      };
      const wrap = (original: History['pushState']) =>
        function (this: History, ...args: Parameters<History['pushState']>) {
          const result = original.apply(this, args);
          // addBreadcrumb never throws.
          record();
          return result;
        };
      undo.push(
        patch(history, 'pushState', wrap),
        patch(history, 'replaceState', wrap),
        listen(window, 'popstate', record),
      );
    }
    return undo;
  });
}
