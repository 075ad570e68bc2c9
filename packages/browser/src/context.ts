import type { Integration } from './options.js';

/**
 * Adds the page URL and the user agent as the event's `request`, as Sentry's browser SDKs do;
 * the URL is scrubbed with everything else before sending (`sanitize.ts`).
 */
export const browserContextIntegration = (): Integration => ({
  name: 'BrowserContext',
  processEvent(event) {
    if (!event.request && typeof location < 'u')
      // Wherever there is a `location` (pages, workers) there is a `navigator`.
      event.request = { url: location.href, headers: { 'User-Agent': navigator.userAgent } };
    return event;
  },
});
