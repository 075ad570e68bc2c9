import type { FaultlineEvent, StackFrame } from '@faultline/core';
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
export function noiseFilterIntegration(options: NoiseFilterOptions): Integration {
  const { allowUrls, denyUrls } = options;
  return {
    name: 'NoiseFilter',
    processEvent(event) {
      const url = culpritUrl(event);
      if (options.filterNoise) {
        if (messagesOf(event).some((m) => RESIZE_OBSERVER.test(m))) return null;
        if (url && EXTENSION_URL.test(url)) return null;
      }
      if (url && denyUrls?.length && matches(url, denyUrls)) return null;
      if (url && allowUrls?.length && !matches(url, allowUrls)) return null;
      return event;
    },
  };
}

function matches(url: string, patterns: UrlPattern[]): boolean {
  return patterns.some((p) => {
    if (typeof p === 'string') return url.includes(p);
    p.lastIndex = 0;
    return p.test(url);
  });
}

function messagesOf(event: FaultlineEvent): string[] {
  const out = event.message ? [event.message] : [];
  for (const value of event.exception?.values ?? []) if (value.value) out.push(value.value);
  return out;
}

/** The script the error was thrown from: the newest frame with a URL of the thrown exception. */
function culpritUrl(event: FaultlineEvent): string | undefined {
  const values = event.exception?.values ?? [];
  const frames: StackFrame[] = values[values.length - 1]?.stacktrace?.frames ?? [];
  for (let i = frames.length - 1; i >= 0; i--) {
    const url = frames[i]?.abs_path ?? frames[i]?.filename;
    if (url && url !== '<anonymous>' && url !== '[native code]') return url;
  }
  return undefined;
}
