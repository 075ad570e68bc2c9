import type { Dsn } from './dsn.js';
import type { EnvelopeMeta } from './envelope.js';
import type { Integration } from './integration.js';
import type { Logger } from './logger.js';
import type { ScopeData } from './scope.js';
import type { ScrubOptions } from './scrub.js';
import type { StatusMatcher } from './status-policy.js';
import type { StormGuardOptions } from './storm-guard.js';
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
  /**
   * Error-storm limits: per issue (same type and top in-app frame) a burst of events, then a
   * few per second, and a bound on events built per synchronous run of the app. Captures
   * beyond them are counted (client reports: `backpressure`) and the next event says
   * how many as `contexts.repeats.suppressed`. `false` turns the guard off. Node runtimes only.
   * @default { burst: 50, perSecond: 1, perTask: 25 }
   */
  stormGuard?: false | StormGuardOptions;
}

export interface TransportContext {
  dsn?: Dsn;
  logger: Logger;
  envelopeMeta: EnvelopeMeta;
  sdkClient: string;
}

const isInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;
const isFunction = (v: unknown): boolean => typeof v === 'function';
const isString = (v: unknown): boolean => typeof v === 'string';
/** An object with a string `name`: what the client can set up, run and tear down. */
export const isIntegration = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string';
const CHECKS: Array<[string, (v: unknown) => boolean, string]> = [
  ['dsn release environment dist', isString, 'a string'],
  ['sampleRate', (v) => typeof v === 'number' && v >= 0 && v <= 1, 'a number from 0 to 1'],
  ['maxBreadcrumbs maxCauseDepth', isInt, 'a non-negative integer'],
  ['beforeSend beforeBreadcrumb transport', isFunction, 'a function'],
  ['stormGuard', (v) => v === false || (typeof v === 'object' && v !== null), 'false or an object'],
  [
    'integrations',
    (v) => (Array.isArray(v) && v.every(isIntegration)) || isFunction(v),
    'an array of integrations (objects with a name) or a function',
  ],
  [
    'ignoreErrors',
    (v) => Array.isArray(v) && v.every((p) => isString(p) || p instanceof RegExp),
    'an array of strings and RegExps',
  ],
  [
    'captureStatus',
    (v) =>
      Array.isArray(v) &&
      v.every(
        (m) => Number.isInteger(m) || (Array.isArray(m) && m.length === 2 && m.every(Number.isInteger)),
      ),
    'an array of status codes and [from, to] ranges',
  ],
];

/** Checks option types; returns the first problem as one clear sentence, or undefined. */
export function validateOptions(options: unknown): string | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) return 'options must be an object';
  for (const [keys, ok, expected] of CHECKS) {
    for (const key of keys.split(' ')) {
      const value = (options as Record<string, unknown>)[key];
      if (value !== undefined && !ok(value)) return `option "${key}" must be ${expected}`;
    }
  }
  return undefined;
}
