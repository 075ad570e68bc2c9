import { type Client, type Integration, type SeverityLevel, scrubUrl } from '@faultline/core';
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
    setup(client: Client) {
      if (sources.clicks !== false && typeof document !== 'undefined') undo.push(recordClicks(client));
      if (sources.console !== false && typeof console !== 'undefined') undo.push(recordConsole(client));
      if (sources.navigation !== false && typeof history !== 'undefined') undo.push(recordNavigation(client));
    },
    teardown() {
      for (const fn of undo.splice(0)) fn();
    },
  };
}

function recordClicks(client: Client): () => void {
  // Capture phase on window: recorded before the page's own handlers run (and maybe throw).
  const onClick = (event: Event) =>
    client.addBreadcrumb({ type: 'default', category: 'ui.click', message: selectorOf(event.target) });
  addEventListener('click', onClick, true);
  return () => removeEventListener('click', onClick, true);
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

function recordConsole(client: Client): () => void {
  const target = console as unknown as Record<string, (...args: unknown[]) => void>;
  const originals: Array<[string, (...args: unknown[]) => void, (...args: unknown[]) => void]> = [];
  let busy = false;
  for (const [method, level] of Object.entries(CONSOLE_LEVELS)) {
    const original = target[method];
    if (typeof original !== 'function') continue;
    const wrapped = function (this: unknown, ...args: unknown[]): void {
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
    target[method] = wrapped;
    originals.push([method, original, wrapped]);
  }
  return () => {
    // Only undo our own wrapper: whatever wrapped it since stays in place.
    for (const [method, original, wrapped] of originals)
      if (target[method] === wrapped) target[method] = original;
  };
}

function recordNavigation(client: Client): () => void {
  let last = location.href;
  const record = (to: string) => {
    if (to === last) return;
    client.addBreadcrumb({ category: 'navigation', data: { from: scrubUrl(last), to: scrubUrl(to) } });
    last = to;
  };
  const wrap = (name: 'pushState' | 'replaceState') => {
    const original = history[name];
    const wrapped = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      try {
        record(location.href);
      } catch {
        // The navigation happened; only its breadcrumb is lost.
      }
      return result;
    };
    history[name] = wrapped;
    return () => {
      if (history[name] === wrapped) history[name] = original;
    };
  };
  const restorePush = wrap('pushState');
  const restoreReplace = wrap('replaceState');
  const onPop = () => record(location.href);
  addEventListener('popstate', onPop);
  return () => {
    restorePush();
    restoreReplace();
    removeEventListener('popstate', onPop);
  };
}
