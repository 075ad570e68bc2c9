import type {
  Breadcrumb,
  ClientOptions,
  Integration as CoreIntegration,
  DataCategory,
  DiscardReason,
  EventHint,
  EventInput,
  Scope,
  ScrubOptions,
  SeverityLevel,
  StatusMatcher,
} from '@faultline/core';
import type { OfflineQueueFactory } from './offline-queue.js';
import type { BrowserTransportOptions } from './page-delivery.js';

/** A URL pattern: a string matches as a substring, a RegExp is tested. */
export type UrlPattern = string | RegExp;

/**
 * A small object that plugs a feature into the client: `setup` once at init (install
 * handlers), `processEvent` for each event (add data, or return `null` to drop it, counted as
 * `event_processor`), `teardown` at close. The integrations of every runtime are alike.
 */
export type Integration = CoreIntegration;

/** What `init` and `getClient` return: the running SDK. */
export interface BrowserClient {
  /** False when the SDK is off (no DSN, a bad DSN, `enabled: false`): every call is then a cheap no-op. */
  readonly enabled: boolean;
  /** Reports an error (or any thrown value); returns the event id. */
  captureException(exception: unknown, hint?: EventHint): string;
  /** Reports a message, level `info` unless given; returns the event id. */
  captureMessage(message: string, level?: SeverityLevel, hint?: EventHint): string;
  /** Reports a hand-built event; returns the event id. */
  captureEvent(event: EventInput, hint?: EventHint): string;
  /** The current scope: what events captured now start with. */
  getScope(): Scope;
  /** Runs `fn` with a copy of the current scope, current while `fn` runs (synchronously). */
  withScope<T>(fn: (scope: Scope) => T): T;
  addBreadcrumb(breadcrumb: Breadcrumb): void;
  /** Counts an event dropped on purpose, for the next client report. */
  recordDroppedEvent(reason: DiscardReason, category: DataCategory, quantity?: number): void;
  /** Waits until queued events are sent, at most `timeoutMs` (default 2000); false on timeout. */
  flush(timeoutMs?: number): Promise<boolean>;
  /** Flushes, then removes everything the integrations installed; later captures are ignored. */
  close(timeoutMs?: number): Promise<boolean>;
}

/**
 * Options of `init` in the browser: every shared option (docs/options.md) plus the browser's
 * own. Integrations are the browser's, the scrubber's PII switch is `sendDefaultPii`.
 */
export interface BrowserOptions
  extends Omit<ClientOptions, 'integrations' | 'scrub' | 'transportOptions' | 'captureStatus'> {
  /** Integrations to add to the defaults, or a function that edits the defaults. */
  integrations?: (Integration[] | ((defaults: Integration[]) => Integration[])) | undefined;
  /** Extra keys and value patterns to scrub, keys never to scrub (see docs/scrubbing.md). */
  scrub?: Omit<ScrubOptions, 'sendDefaultPii'> | undefined;
  /**
   * HTTP statuses of `fetch`/XHR responses to report, by code or inclusive range; 404 only when
   * listed as 404.
   * @default [[500, 599]]
   * @example captureStatus: [[500, 599], 401, 403]
   */
  captureStatus?: StatusMatcher[] | undefined;
  /** Queue, retry and concurrency settings of the default delivery. */
  transportOptions?: BrowserTransportOptions | undefined;
  /**
   * Report only errors thrown from scripts whose URL matches one of these (the frame where the
   * error was thrown). Messages and errors without a known script URL are always reported.
   * @example allowUrls: [/https:\/\/(www\.)?example\.com/]
   */
  allowUrls?: UrlPattern[] | undefined;
  /**
   * Never report errors thrown from scripts whose URL matches one of these.
   * @example denyUrls: [/\/vendor\//, 'googletagmanager.com']
   */
  denyUrls?: UrlPattern[] | undefined;
  /** Report uncaught errors and unhandled promise rejections of the page. @default true */
  captureUnhandled?: boolean | undefined;
  /** Report `fetch` and `XMLHttpRequest` responses whose status `captureStatus` selects. @default true */
  captureFailedRequests?: boolean | undefined;
  /** Drop noise: `ResizeObserver loop` messages and errors thrown by browser extensions. @default true */
  filterNoise?: boolean | undefined;
  /** Breadcrumb sources. Each is on unless set to `false`. */
  breadcrumbs?: { clicks?: boolean; console?: boolean; http?: boolean; navigation?: boolean } | undefined;
  /**
   * Where to keep envelopes that could not be sent while the browser was offline (or that could
   * not leave before the page was closed), to send them when it is back online or on the next
   * page load. Off unless given, so pages without it do not ship it.
   * @example offlineQueue: localStorageQueue({ maxEntries: 30, maxBytes: 1048576 })
   */
  offlineQueue?: OfflineQueueFactory | undefined;
}

/**
 * The browser's own options and the kind of value each takes, checked by core after the options
 * every runtime shares (core's `OPTION_RULES`; kinds in core's options.ts).
 */
export const BROWSER_OPTION_RULES =
  'allowUrls:p denyUrls:p captureUnhandled:b captureFailedRequests:b filterNoise:b breadcrumbs:B offlineQueue:f';
