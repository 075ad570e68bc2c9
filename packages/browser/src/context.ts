import type { Integration } from './options.js';

/**
 * Adds the page URL and the user agent as the event's `request`, as Sentry's browser SDKs do;
 * the URL is scrubbed with everything else before sending (`sanitize.ts`).
 */
export const browserContextIntegration = (): Integration => ({
  name: 'BrowserContext',
  processEvent(event) {
    if (!event.request && typeof location < 'u')
      event.request = {
        url: location.href,
        // An undefined user agent is left out when the event is serialized.
        headers: { 'User-Agent': typeof navigator < 'u' ? navigator.userAgent : (undefined as never) },
      };
    return event;
  },
});
