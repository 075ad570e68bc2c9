import type {
  Breadcrumb,
  EventHint,
  FaultlineEvent,
  ScopeData,
  ScrubOptions,
  StatusMatcher,
  Transport,
  TransportContext,
} from '@faultline/core';
import type { BrowserClient } from './client.js';
import type { OfflineQueueFactory } from './offline-queue.js';
import type { BrowserTransportOptions } from './transport.js';

/** A URL pattern: a string matches as a substring, a RegExp is tested. */
export type UrlPattern = string | RegExp;

/**
 * A small object that plugs a feature into the client: `setup` once at init (install
 * handlers), `processEvent` for each event (add data, or return `null` to drop it, counted as
 * `event_processor`), `teardown` at close. Core's integrations fit too.
 */
export interface Integration {
  name: string;
  setup?(client: BrowserClient): void;
  processEvent?(
    event: FaultlineEvent,
    hint: EventHint,
    client: BrowserClient,
  ): FaultlineEvent | null | Promise<FaultlineEvent | null>;
  teardown?(): void;
}

/** Options of `init` in the browser. */
export interface BrowserOptions {
  /** Where events go: `https://<key>@<host>/<project>`. Without a DSN (and without `transport`) the SDK is off. */
  dsn?: string;
  /** Print what the SDK does and why it drops anything. @default false */
  debug?: boolean;
  /** Turn the SDK off without removing it. @default true */
  enabled?: boolean;
  /** Release identifier, e.g. `shop@1.4.2`. */
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
  /** Breadcrumbs kept. @default 100 */
  maxBreadcrumbs?: number;
  /** Data every event starts with (tags, user, contexts…). */
  initialScope?: Partial<ScopeData>;
  /** Integrations to add, or a function that edits the defaults. */
  integrations?: Integration[] | ((defaults: Integration[]) => Integration[]);
  /** Send personal data: e-mail addresses, usernames and IP addresses. @default false */
  sendDefaultPii?: boolean;
  /** Extra keys and value patterns to scrub, keys never to scrub (see docs/scrubbing.md). */
  scrub?: Omit<ScrubOptions, 'sendDefaultPii'>;
  /**
   * HTTP statuses of `fetch`/XHR responses to report, by code or inclusive range; 404 only when
   * listed as 404.
   * @default [[500, 599]]
   * @example captureStatus: [[500, 599], 401, 403]
   */
  captureStatus?: StatusMatcher[];
  /** Linked errors followed through `cause` and `AggregateError.errors`. @default 5 */
  maxCauseDepth?: number;
  /** Replace the default delivery (a test kit, several destinations). */
  transport?: (context: TransportContext) => Transport;
  /** Queue, retry and concurrency settings of the default delivery. */
  transportOptions?: BrowserTransportOptions;
  /**
   * Report only errors thrown from scripts whose URL matches one of these (the frame where the
   * error was thrown). Messages and errors without a known script URL are always reported.
   * @example allowUrls: [/https:\/\/(www\.)?example\.com/]
   */
  allowUrls?: UrlPattern[];
  /**
   * Never report errors thrown from scripts whose URL matches one of these.
   * @example denyUrls: [/\/vendor\//, 'googletagmanager.com']
   */
  denyUrls?: UrlPattern[];
  /** Report uncaught errors and unhandled promise rejections of the page. @default true */
  captureUnhandled?: boolean;
  /** Report `fetch` and `XMLHttpRequest` responses whose status `captureStatus` selects. @default true */
  captureFailedRequests?: boolean;
  /** Drop noise: `ResizeObserver loop` messages and errors thrown by browser extensions. @default true */
  filterNoise?: boolean;
  /** Breadcrumb sources. Each is on unless set to `false`. */
  breadcrumbs?: { clicks?: boolean; console?: boolean; http?: boolean; navigation?: boolean };
  /**
   * Where to keep envelopes that could not be sent while the browser was offline (or that could
   * not leave before the page was closed), to send them when it is back online or on the next
   * page load. Off unless given, so pages without it do not ship it.
   * @example offlineQueue: localStorageQueue({ maxEntries: 30, maxBytes: 1048576 })
   */
  offlineQueue?: OfflineQueueFactory;
}

const isString = (v: unknown) => typeof v === 'string';
const isFunction = (v: unknown) => typeof v === 'function';
const arrayOf = (ok: (item: any) => boolean) => (v: unknown) => Array.isArray(v) && v.every(ok);

/** Option names (space separated), the test their values must pass, and what they must be. */
const CHECKS: Array<[string, (v: any) => boolean, string]> = [
  ['dsn release environment dist', isString, 'a string'],
  ['sampleRate', (v) => typeof v === 'number' && v >= 0 && v <= 1, 'a number from 0 to 1'],
  ['maxBreadcrumbs maxCauseDepth', (v) => Number.isInteger(v) && v >= 0, 'an integer >= 0'],
  ['beforeSend beforeBreadcrumb transport offlineQueue', isFunction, 'a function'],
  ['integrations', (v) => Array.isArray(v) || isFunction(v), 'an array or function'],
  [
    'ignoreErrors allowUrls denyUrls',
    arrayOf((p) => isString(p) || p instanceof RegExp),
    'an array of strings/RegExps',
  ],
  // A status code, or a [from, to] range.
  [
    'captureStatus',
    arrayOf((m) => [m].flat().every(Number.isInteger) && (m.length ?? 2) === 2),
    'an array of codes/[from, to]',
  ],
];

/** Checks option types; throws the first problem as one clear sentence. */
export function validateOptions(options: any): void {
  if (typeof options !== 'object' || !options) throw 'options must be an object';
  for (const [keys, ok, expected] of CHECKS)
    for (const key of keys.split(' '))
      if (options[key] !== undefined && !ok(options[key])) throw `option "${key}" must be ${expected}`;
}
