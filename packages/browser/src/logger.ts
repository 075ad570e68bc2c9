import type { Logger } from '@faultline/core';

/** The SDK's one guarded logger: silent unless `debug`; printing never throws into the page. */
export const createLogger = (debug: boolean): Logger => {
  const print =
    (method: 'log' | 'warn' | 'error') =>
    (...args: unknown[]): void => {
      try {
        // biome-ignore lint/suspicious/noConsole: the logger is the single place that prints.
        if (debug) console[method]('[Faultline]', ...args);
      } catch {
        // A broken console must not break the page.
      }
    };
  return { enabled: debug, debug: print('log'), warn: print('warn'), error: print('error') };
};
