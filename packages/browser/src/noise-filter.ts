import { eventMessages } from '@faultline/core/front';
import type { Integration, UrlPattern } from './options.js';

/** Whether `text` matches a pattern: a string as a substring, a RegExp tested. */
export const matches = (patterns: Array<string | RegExp> | undefined, text: string) =>
  // `search` starts at 0 whatever the RegExp's `lastIndex`, and leaves it as it was.
  patterns?.some((p) => (typeof p === 'string' ? text.includes(p) : text.search(p) >= 0));

/**
 * Chromium and Firefox report a benign layout-loop warning as an error on `window`
 * (https://github.com/WICG/resize-observer/issues/38): "ResizeObserver loop limit exceeded" or
 * "ResizeObserver loop completed with undelivered notifications". It says nothing about the app.
 */
const RESIZE_OBSERVER = /ResizeObserver loop (?:limit exceeded|completed)/;

/** Scripts injected by browser extensions, not by the page. */
const EXTENSION_URL = /^(?:chrome|moz|safari|safari-web|ms-browser)-extension:\/\/|^webkit-masked-url:/;

export interface NoiseFilterOptions {
  filterNoise: boolean;
  allowUrls?: UrlPattern[] | undefined;
  denyUrls?: UrlPattern[] | undefined;
}

/**
 * Drops events that are noise rather than bugs of the app (returning null is counted as an
 * `event_processor` drop): ResizeObserver loop messages, errors thrown from extension scripts,
 * and, when `allowUrls`/`denyUrls` are given, errors from scripts they exclude. The script an
 * error was thrown from is the newest frame with a URL of the thrown exception.
 */
export function noiseFilterIntegration({
  filterNoise,
  allowUrls,
  denyUrls,
}: NoiseFilterOptions): Integration {
  return {
    name: 'NoiseFilter',
    processEvent(event) {
      let url = '';
      for (const { abs_path, filename } of event.exception?.values?.slice(-1)[0]?.stacktrace?.frames ?? []) {
        const file = abs_path ?? filename;
        if (file && file !== '<anonymous>' && file !== '[native code]') url = file;
      }
      return (filterNoise && (RESIZE_OBSERVER.test(`${eventMessages(event)}`) || EXTENSION_URL.test(url))) ||
        (url && (matches(denyUrls, url) || (allowUrls?.length && !matches(allowUrls, url))))
        ? null
        : event;
    },
  };
}
