import type { FaultlineEvent } from '@faultline/core';
import { matches, messagesOf } from './client.js';
import type { Integration, UrlPattern } from './options.js';

/**
 * Chromium and Firefox report a benign layout-loop warning as an error on `window`
 * (https://github.com/WICG/resize-observer/issues/38); it says nothing about the app.
 */
const RESIZE_OBSERVER = /ResizeObserver loop (?:limit exceeded|completed with undelivered notifications)/;

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
 * and, when `allowUrls`/`denyUrls` are given, errors from scripts they exclude.
 */
export function noiseFilterIntegration({
  filterNoise,
  allowUrls,
  denyUrls,
}: NoiseFilterOptions): Integration {
  return {
    name: 'NoiseFilter',
    processEvent(event) {
      const url = culpritUrl(event);
      const noise =
        filterNoise && (messagesOf(event).some((m) => RESIZE_OBSERVER.test(m)) || EXTENSION_URL.test(url));
      return noise || (url && (matches(denyUrls, url) || (allowUrls?.length && !matches(allowUrls, url))))
        ? null
        : event;
    },
  };
}

/** The script the error was thrown from: the newest frame with a URL of the thrown exception. */
function culpritUrl(event: FaultlineEvent): string {
  const values = event.exception?.values ?? [];
  const frames = values[values.length - 1]?.stacktrace?.frames ?? [];
  for (const frame of frames.slice().reverse()) {
    const url = frame.abs_path ?? frame.filename;
    if (url && url !== '<anonymous>' && url !== '[native code]') return url;
  }
  return '';
}
