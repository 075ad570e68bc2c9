import type { ClientOptions, EventHint, FaultlineEvent, ScrubOptions, StatusMatcher } from '@faultline/core';
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

/**
 * Options of `init` in the browser: every shared option (docs/options.md) plus the browser's
 * own. Integrations are the browser's, the scrubber's PII switch is `sendDefaultPii`.
 */
export interface BrowserOptions
  extends Omit<ClientOptions, 'integrations' | 'scrub' | 'transportOptions' | 'captureStatus'> {
  /** Integrations to add to the defaults, or a function that edits the defaults. */
  integrations?: Integration[] | ((defaults: Integration[]) => Integration[]);
  /** Extra keys and value patterns to scrub, keys never to scrub (see docs/scrubbing.md). */
  scrub?: Omit<ScrubOptions, 'sendDefaultPii'>;
  /**
   * HTTP statuses of `fetch`/XHR responses to report, by code or inclusive range; 404 only when
   * listed as 404.
   * @default [[500, 599]]
   * @example captureStatus: [[500, 599], 401, 403]
   */
  captureStatus?: StatusMatcher[];
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
