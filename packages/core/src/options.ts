import type { Dsn } from './dsn.js';
import type { EnvelopeMeta } from './envelope.js';
import type { Integration } from './integration.js';
import { type Logger, reportConfigError } from './logger.js';
import type { ScopeData } from './scope.js';
import type { ScrubOptions } from './scrub.js';
import type { StatusMatcher } from './status-policy.js';
import type { StormGuardOptions } from './storm-guard.js';
import type { Transport, TransportOptions } from './transport.js';
import type { Breadcrumb, EventHint, FaultlineEvent } from './types.js';

/** Options every Faultline runtime accepts in `init`. */
export interface ClientOptions {
  /** Where events go: `https://<key>@<host>/<project>`. Without a DSN (and without `transport`) the SDK is off. */
  dsn?: string | undefined;
  /** Print what the SDK does and why it drops anything. @default false */
  debug?: boolean | undefined;
  /** Turn the SDK off without removing it. @default true */
  enabled?: boolean | undefined;
  /** Release identifier, e.g. `my-app@1.4.2`. */
  release?: string | undefined;
  /** Deployment environment, e.g. `production`. */
  environment?: string | undefined;
  /** Build variant of a release. */
  dist?: string | undefined;
  /** Share of events (errors and messages) to send, 0 to 1. @default 1 */
  sampleRate?: number | undefined;
  /**
   * Errors never to report: a string matches as a substring of `Type: message`, a RegExp is tested.
   * @example ignoreErrors: ['AbortError', /^NetworkError/]
   */
  ignoreErrors?: Array<string | RegExp> | undefined;
  /** Drop an exact repeat of the previous event and the same error object captured twice. @default true */
  dedupe?: boolean | undefined;
  /**
   * Last look at an event before it is scrubbed and sent; return `null` to drop it. If it throws,
   * the event is kept and the failure logged in debug mode.
   */
  beforeSend?: (
    event: FaultlineEvent,
    hint: EventHint,
  ) => FaultlineEvent | null | Promise<FaultlineEvent | null>;
  /** Edit or drop (`null`) a breadcrumb before it is recorded. */
  beforeBreadcrumb?: ((breadcrumb: Breadcrumb) => Breadcrumb | null) | undefined;
  /** Breadcrumbs kept per scope. @default 100 */
  maxBreadcrumbs?: number | undefined;
  /** Data every event starts with (tags, user, contexts…). */
  initialScope?: Partial<ScopeData> | undefined;
  /** Integrations to add, or a function that edits the runtime's defaults. */
  integrations?: (Integration[] | ((defaults: Integration[]) => Integration[])) | undefined;
  /** Send personal data: e-mail, username, IP address, cookies. @default false */
  sendDefaultPii?: boolean | undefined;
  /** Extra keys and value patterns to scrub, keys never to scrub. */
  scrub?: ScrubOptions | undefined;
  /**
   * HTTP statuses to report, by code or inclusive range. 4xx are reported only for requests that
   * matched one of the app's routes; 404 only when listed as 404.
   * @default [[500, 599]]
   * @example captureStatus: [[500, 599], 401, 403]
   */
  captureStatus?: StatusMatcher[] | undefined;
  /** Linked errors followed through `cause` and `AggregateError.errors`. @default 5 */
  maxCauseDepth?: number | undefined;
  /**
   * Critical flows: route templates, cron monitor slugs, OpenWhisk action names; `*` matches any
   * run of characters. Their events carry the tag `critical: "true"` (docs/triage.md).
   * @default []
   * @example critical: ['POST /checkout', '/api/payments/*', 'nightly-billing']
   */
  critical?: string[] | undefined;
  /** Replace the default delivery (test kit, JSON webhook, several destinations). */
  transport?: ((context: TransportContext) => Transport) | undefined;
  /** Queue, retry and concurrency settings of the default transport. */
  transportOptions?: Partial<TransportOptions> | undefined;
  /**
   * Error-storm limits: per issue (same type and top in-app frame) a burst of events, then a
   * few per second, and bounds on the events built per synchronous run of the app (their
   * number, and the time spent on repeats of one issue). Captures beyond them are counted
   * (client reports: `backpressure`) and the issue's next event says how many as
   * `contexts.repeats.suppressed`; while a storm goes on, an issue builds only `perSecond`
   * events a second; past a run's bounds the first capture of each error type the run built no
   * event of is built in the next macrotask instead. `false` turns the guard off. Node runtimes only.
   * @default { burst: 50, perSecond: 1, perTask: 25, taskBudgetMs: 2 }
   */
  stormGuard?: false | StormGuardOptions | undefined;
}

export interface TransportContext {
  dsn?: Dsn;
  logger: Logger;
  envelopeMeta: EnvelopeMeta;
  sdkClient: string;
}

const isString = (v: unknown): boolean => typeof v === 'string';
const isFunction = (v: unknown): boolean => typeof v === 'function';
const isBool = (v: unknown): boolean => typeof v === 'boolean';
const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null;
/** A number >= 0 (a string is none: `'' >= 0` is true). */
const isCount = (v: unknown): v is number => typeof v === 'number' && v >= 0;
const arrayOf = (ok: (item: any) => boolean) => (v: unknown) => Array.isArray(v) && v.every(ok);
/** An object with a string `name`: what the client can set up, run and tear down. */
export const isIntegration = (v: unknown): boolean => isObject(v) && isString((v as { name?: unknown }).name);

/**
 * The kinds of option value, by a one-letter code: the test a value must pass and what it must
 * be. Short codes keep the table, which the browser ships, small.
 */
const KINDS: Record<string, [ok: (value: any) => boolean, expected: string]> = {
  s: [isString, 'a string'],
  k: [(v) => isString(v) && v, 'a non-empty string'],
  b: [isBool, 'true or false'],
  f: [isFunction, 'a function'],
  o: [isObject, 'an object'],
  B: [(v) => isObject(v) && Object.values(v).every(isBool), 'an object of true/false'],
  r: [(v) => isCount(v) && v <= 1, 'a number from 0 to 1'],
  i: [(v) => Number.isInteger(v) && v >= 0, 'an integer >= 0'],
  m: [(v) => isCount(v) && v < Infinity, 'a number >= 0'],
  a: [/* @__PURE__ */ arrayOf(isString), 'an array of strings'],
  g: [(v) => v === false || isObject(v), 'false or an object'],
  p: [/* @__PURE__ */ arrayOf((p) => isString(p) || p instanceof RegExp), 'an array of strings/RegExps'],
  I: [(v) => arrayOf(isIntegration)(v) || isFunction(v), 'an array of integrations or a function'],
  F: [(v) => isBool(v) || isFunction(v), 'true, false or a function'],
  S: [(v) => v === false || (isString(v) && v !== ''), 'a non-empty string or false'],
  x: [(v) => v instanceof RegExp, 'a RegExp'],
  // true/false, or an object whose `thresholdMs` (if any) is a number >= 0.
  T: [
    (v) => isBool(v) || (isObject(v) && (v.thresholdMs ?? 0) >= 0 && v.thresholdMs !== Infinity),
    'true, false or { thresholdMs: a number >= 0 }',
  ],
  // A status code, or a [from, to] range.
  c: [
    /* @__PURE__ */ arrayOf((m) => [m].flat().every(Number.isInteger) && (m.length ?? 2) === 2),
    'an array of codes/[from, to]',
  ],
};

/**
 * Options and the kind of value each takes (`name:kind`, space separated; kinds above). One
 * table for every runtime; a runtime appends its own options to it (see docs/options.md).
 */
export type OptionRules = string;

export const OPTION_RULES: OptionRules =
  'dsn:s release:s environment:s dist:s debug:b enabled:b dedupe:b sendDefaultPii:b sampleRate:r ' +
  'maxBreadcrumbs:i maxCauseDepth:i beforeSend:f beforeBreadcrumb:f transport:f initialScope:o scrub:o ' +
  'transportOptions:o integrations:I ignoreErrors:p captureStatus:c critical:a stormGuard:g';

/** The settings `transportOptions` may hold, checked as the options are. */
const TRANSPORT_OPTION_RULES: OptionRules =
  'maxQueueSize:i maxQueueBytes:i concurrency:i maxRetries:i retryBaseMs:m sendClientReports:b now:f';

/**
 * Checks options against `rules` (core's table unless a runtime passes a longer one). A value of
 * the wrong kind is named in one message and left out, so its default applies. Returns the
 * options to run with, or, as a string, why the SDK cannot run at all: options that are no
 * object or cannot be read, or a DSN that is no string. Never throws.
 */
export function checkOptions<T extends object>(
  options: unknown = {},
  rules: OptionRules = OPTION_RULES,
  report: (message: string) => void = reportConfigError,
): T | string {
  try {
    if (!isObject(options) || Array.isArray(options)) throw 0;
    const out: Record<string, any> = { ...(options as object) };
    for (const rule of rules.split(' ')) {
      // No destructuring: run once, at start, in the interpreter, where each one goes through
      // the iterator protocol (two per rule cost a cold process 0.2 ms).
      const key = rule.slice(0, -2);
      const kind = KINDS[rule.slice(-1)]!;
      if (out[key] === undefined || kind[0](out[key])) continue;
      const problem = `option "${key}" must be ${kind[1]}`;
      if (key === 'dsn') return problem;
      report(`${problem}; using its default`);
      delete out[key];
    }
    // The transport's own settings, named the same way (`transportOptions.maxRetries`).
    if (out.transportOptions !== undefined && rules.includes('transportOptions:')) {
      const nested = checkOptions<object>(out.transportOptions, TRANSPORT_OPTION_RULES, (message) =>
        report(message.replace('option "', 'option "transportOptions.')),
      );
      if (typeof nested === 'string') delete out.transportOptions;
      else out.transportOptions = nested;
    }
    return out as T;
  } catch {
    return 'options must be a readable object';
  }
}
