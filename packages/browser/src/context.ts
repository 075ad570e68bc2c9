import type { Integration } from './options.js';

/**
 * Adds the page URL and the user agent as the event's `request`, as Sentry's browser SDKs do;
 * the URL is scrubbed with everything else before sending (`sanitize.ts`).
 */
export function browserContextIntegration(): Integration {
  return {
    name: 'BrowserContext',
    processEvent(event) {
      if (event.request || typeof location === 'undefined') return event;
      const headers: Record<string, string> = {};
      if (typeof navigator !== 'undefined' && navigator.userAgent)
        headers['User-Agent'] = navigator.userAgent;
      event.request = { url: location.href, headers };
      return event;
    },
  };
}
