import type { ClientOptions } from '@faultline/core';
import type { OfflineQueueFactory } from './offline-queue.js';

/** A URL pattern: a string matches as a substring, a RegExp is tested. */
export type UrlPattern = string | RegExp;

/** Options of `init` in the browser: the core options plus browser features. */
export interface BrowserOptions extends ClientOptions {
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
