// @faultline/browser: error tracking for web pages. It speaks the same protocol and follows the
// same rules as @faultline/core, with a compact pipeline of its own so the page ships a few KB.

// Start and stop
export { close, getClient, init } from './init.js';
export type { BrowserClient } from './client.js';
export type { BrowserOptions, Integration, UrlPattern } from './options.js';
export { SDK_NAME, SDK_VERSION } from './sdk-info.js';

// Report and enrich
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
} from './api.js';

// Building blocks, for `integrations: (defaults) => …`
export { breadcrumbsIntegration } from './breadcrumbs.js';
export { debugIdsIntegration } from './debug-ids.js';
export { globalHandlersIntegration } from './global-handlers.js';
export { httpIntegration } from './http.js';
export { noiseFilterIntegration } from './noise-filter.js';

// Opt-in features: imported only by apps that use them, so they cost the others nothing.
export { pseudonymizeUserIdsIntegration } from '@faultline/core/pseudonymize';
export { type TriageOptions, triageIntegration } from '@faultline/core';
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
