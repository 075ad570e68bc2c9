export interface Logger {
  /** True when `debug: true` was given: every message is printed. */
  readonly enabled: boolean;
  debug(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/**
 * The SDK's one guarded logger. Silent unless `debug` is on; printing never throws into the host.
 */
export function createLogger(debug: boolean): Logger {
  const print =
    (method: 'log' | 'warn' | 'error') =>
    (...args: unknown[]): void => {
      try {
        // biome-ignore lint/suspicious/noConsole: the logger is the single place that prints.
        if (debug) console[method]('[Faultline]', ...args);
      } catch {
        // A broken console must not break the host.
      }
    };
  return { enabled: debug, debug: print('log'), warn: print('warn'), error: print('error') };
}

/**
 * Prints one message whether or not debug is on. Used only for a configuration problem that
 * disables the SDK, so the user learns why nothing is reported.
 */
export function reportConfigError(message: string): void {
  try {
    // biome-ignore lint/suspicious/noConsole: a disabled SDK must say why, once.
    console.warn(`[Faultline] ${message}`);
  } catch {
    // A broken console must not break the host.
  }
}
