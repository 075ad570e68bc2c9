import type { Dsn } from './dsn.js';
import type { EnvelopeMeta } from './envelope.js';
import type { Integration } from './integration.js';
import { type Logger, reportConfigError } from './logger.js';
import type { ScopeData } from './scope.js';
import type { ScrubOptions } from './scrub.js';
import type { StatusMatcher } from './status-policy.js';
import type { Transport, TransportOptions } from './transport.js';
import type { Breadcrumb, EventHint, FaultlineEvent } from './types.js';

/** Options every Faultline runtime accepts in `init`. */
export interface ClientOptions {
  /** Where events go: `https://<key>@<host>/<project>`. Without a DSN (and without `transport`) the SDK is off. */
  dsn?: string;
  /** Print what the SDK does and why it drops anything. @default false */
  debug?: boolean;
  /** Turn the SDK off without removing it. @default true */
  enabled?: boolean;
  /** Release identifier, e.g. `my-app@1.4.2`. */
  release?: string;
  /** Deployment environment, e.g. `production`. */
  environment?: string;
  /** Build variant of a release. */
  dist?: string;
  /** Share of error events to send, 0 to 1. @default 1 */
  sampleRate?: number;
  /**
   * Errors never to report: a string matches as a substring of `Type: message`, a RegExp is tested.
   * @example ignoreErrors: ['AbortError', /^NetworkError/]
   */
  ignoreErrors?: Array<string | RegExp>;
  /** Drop an exact repeat of the previous event and the same error object captured twice. @default true */
  dedupe?: boolean;
  /**
   * Last look at an event before it is scrubbed and sent; return `null` to drop it. If it throws,
   * the event is kept and the failure logged in debug mode.
   */
  beforeSend?: (
    event: FaultlineEvent,
    hint: EventHint,
  ) => FaultlineEvent | null | Promise<FaultlineEvent | null>;
  /** Edit or drop (`null`) a breadcrumb before it is recorded. */
  beforeBreadcrumb?: (breadcrumb: Breadcrumb) => Breadcrumb | null;
  /** Breadcrumbs kept per scope. @default 100 */
  maxBreadcrumbs?: number;
  /** Data every event starts with (tags, user, contexts…). */
  initialScope?: Partial<ScopeData>;
  /** Integrations to add, or a function that edits the runtime's defaults. */
  integrations?: Integration[] | ((defaults: Integration[]) => Integration[]);
  /** Send personal data: e-mail, username, IP address, cookies. @default false */
  sendDefaultPii?: boolean;
  /** Extra keys and value patterns to scrub, keys never to scrub. */
  scrub?: ScrubOptions;
  /**
   * HTTP statuses to report, by code or inclusive range. 4xx are reported only for requests that
   * matched one of the app's routes; 404 only when listed as 404.
   * @default [[500, 599]]
   * @example captureStatus: [[500, 599], 401, 403]
   */
  captureStatus?: StatusMatcher[];
  /** Linked errors followed through `cause` and `AggregateError.errors`. @default 5 */
  maxCauseDepth?: number;
  /** Replace the default delivery (test kit, JSON webhook, several destinations). */
  transport?: (context: TransportContext) => Transport;
  /** Queue, retry and concurrency settings of the default transport. */
  transportOptions?: Partial<TransportOptions>;
}

export interface TransportContext {
  dsn?: Dsn;
  logger: Logger;
  envelopeMeta: EnvelopeMeta;
  sdkClient: string;
}

const isString = (v: unknown): boolean => typeof v === 'string';
const isFunction = (v: unknown): boolean => typeof v === 'function';
const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);
const arrayOf = (ok: (item: any) => boolean) => (v: unknown) => Array.isArray(v) && v.every(ok);
/** An object with a string `name`: what the client can set up, run and tear down. */
export const isIntegration = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string';

/**
 * Option names (space separated), the test a given value must pass, and what it must be. One
 * table for every runtime; a runtime appends rules for its own options (see docs/options.md).
 * A value that fails is left out, so the option takes its default.
 */
export type OptionRules = Array<[names: string, ok: (value: any) => boolean, expected: string]>;

export const OPTION_RULES: OptionRules = [
  ['dsn release environment dist', isString, 'a string'],
  ['debug enabled dedupe sendDefaultPii', (v) => typeof v === 'boolean', 'true or false'],
  ['sampleRate', (v) => typeof v === 'number' && v >= 0 && v <= 1, 'a number from 0 to 1'],
  ['maxBreadcrumbs maxCauseDepth', (v) => Number.isInteger(v) && v >= 0, 'an integer >= 0'],
  ['beforeSend beforeBreadcrumb transport', isFunction, 'a function'],
  ['initialScope scrub transportOptions', isObject, 'an object'],
  [
    'integrations',
    (v) => arrayOf(isIntegration)(v) || isFunction(v),
    'an array of integrations (objects with a name) or a function',
  ],
  ['ignoreErrors', arrayOf((p) => isString(p) || p instanceof RegExp), 'an array of strings and RegExps'],
  // A status code, or a [from, to] range.
  [
    'captureStatus',
    arrayOf((m) => [m].flat().every(Number.isInteger) && (m.length ?? 2) === 2),
    'an array of status codes and [from, to] ranges',
  ],
];

/** What `checkOptions` found: the options to run with, or why the SDK cannot run at all. */
export interface CheckedOptions<T> {
  options: T;
  /** Set when the SDK must stay off: options that are no object, or a DSN that is no string. */
  fatal?: string;
}

/**
 * Checks options against `rules` (core's table unless a runtime passes a longer one). A value of
 * the wrong type is named in one message and left out, so its default applies; only options the
 * SDK cannot run without (the DSN, the options object itself) turn it off. Never throws.
 */
export function checkOptions<T extends object>(
  options: unknown,
  rules: OptionRules = OPTION_RULES,
  report: (message: string) => void = reportConfigError,
): CheckedOptions<T> {
  if (options === undefined) return { options: {} as T };
  if (typeof options !== 'object' || options === null)
    return { options: {} as T, fatal: 'options must be an object' };
  let out: Record<string, unknown>;
  try {
    out = { ...options };
    for (const [names, ok, expected] of rules)
      for (const key of names.split(' ')) {
        const value = out[key];
        if (value === undefined || ok(value)) continue;
        const problem = `option "${key}" must be ${expected}`;
        if (key === 'dsn') return { options: {} as T, fatal: problem };
        report(`${problem}; its default is used`);
        delete out[key];
      }
  } catch {
    return { options: {} as T, fatal: 'options cannot be read' };
  }
  return { options: out as T };
}
