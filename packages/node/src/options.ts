import type { ClientOptions } from '@faultline/core';

/** Options of `init` in Node: every core option plus the Node runtime's own. */
export interface NodeOptions extends ClientOptions {
  /**
   * Report uncaught exceptions and unhandled rejections (`handled: false`, level `fatal`). The
   * process then behaves as it would without the SDK: same output, exit code and
   * `--unhandled-rejections` mode.
   * @default true
   */
  captureUnhandled?: boolean | undefined;
  /**
   * Longest time the SDK may spend delivering what is still queued when the process ends
   * (natural exit, `process.exit`, a crash, SIGTERM). `0` turns exit delivery off.
   * @default 2000
   */
  exitFlushTimeoutMs?: number | undefined;
  /** Map stack frames of compiled code back to the original source with source maps. @default true */
  sourceMaps?: boolean | undefined;
  /**
   * Automatic breadcrumbs: console output and outgoing HTTP requests (`http`, `https`, `fetch`, undici).
   * @default { console: true, http: true }
   */
  breadcrumbs?: { console?: boolean; http?: boolean } | undefined;
  /**
   * A secret key: user ids are sent as a keyed hash (HMAC-SHA-256) of themselves, so affected
   * users still count right without a raw id leaving the process.
   */
  pseudonymizeUserIds?: string | undefined;
}

export const DEFAULT_EXIT_FLUSH_TIMEOUT_MS = 2000;

type Env = Record<string, string | undefined>;

function fromEnv(env: Env, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

/**
 * Fills `dsn`, `release` and `environment` from the environment when the options leave them out.
 * `SENTRY_*` names are read too, so a team can switch without touching its deployment.
 */
export function withEnvDefaults(options: NodeOptions, env: Env): NodeOptions {
  const out: NodeOptions = { ...options };
  const dsn = options.dsn === undefined ? fromEnv(env, 'FAULTLINE_DSN', 'SENTRY_DSN') : undefined;
  if (dsn) out.dsn = dsn;
  const release =
    options.release === undefined ? fromEnv(env, 'FAULTLINE_RELEASE', 'SENTRY_RELEASE') : undefined;
  if (release) out.release = release;
  const environment =
    options.environment === undefined
      ? fromEnv(env, 'FAULTLINE_ENVIRONMENT', 'SENTRY_ENVIRONMENT', 'NODE_ENV')
      : undefined;
  if (environment) out.environment = environment;
  return out;
}

/** Node's own options and their kinds, checked after core's (see docs/options.md). */
export const NODE_OPTION_RULES =
  'captureUnhandled:b sourceMaps:b exitFlushTimeoutMs:m pseudonymizeUserIds:k breadcrumbs:B';
