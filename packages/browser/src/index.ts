// @faultline/browser: error tracking for web pages. It runs @faultline/core's pipeline; the page
// loads it as a chunk of its own right after `init` (init.ts), so the first bundle holds only
// the page's hooks.

// Start and stop
export { close, getClient, init } from './init.js';
export type { BrowserClient, BrowserOptions, Integration, UrlPattern } from './options.js';
export { SDK_NAME, SDK_VERSION } from './sdk-info.js';

// Report and enrich: core's top-level API. It works on the client `init` started and is a cheap
// no-op before `init`, after `close` and when the SDK is off. `withScope` keeps its copy current
// while its callback runs (synchronously): a page has no async context to follow.
export {
  addBreadcrumb,
  captureEvent,
  captureException,
  captureMessage,
  flush,
  lastEventId,
  setContext,
  setExtra,
  setTag,
  setTags,
  setUser,
  withScope,
} from '@faultline/core/front';

// Building blocks, for `integrations: (defaults) => …`
export { breadcrumbsIntegration } from './breadcrumbs.js';
export { debugIdsIntegration } from './debug-ids.js';
export { globalHandlersIntegration } from './global-handlers.js';
export { httpIntegration } from './http.js';
export { noiseFilterIntegration } from './noise-filter.js';

// Opt-in features: imported only by apps that use them, so they cost the others nothing.
export { pseudonymizeUserIdsIntegration } from '@faultline/core/pseudonymize';
export type { TriageOptions } from '@faultline/core';
export { triageIntegration } from '@faultline/core/front';
export { localStorageQueue, type OfflineQueue, type OfflineQueueFactory } from './offline-queue.js';

// Types from core that appear in this API
export type {
  Breadcrumb,
  DebugMeta,
  EventHint,
  EventInput,
  FaultlineEvent,
  Scope,
  SeverityLevel,
  User,
} from '@faultline/core';
