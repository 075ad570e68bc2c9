// @faultline/browser: error tracking for web pages, on the runtime-agnostic @faultline/core.

// Start and stop
export { close, getClient, init } from './init.js';
export type { BrowserOptions, UrlPattern } from './options.js';
export { SDK_NAME, SDK_VERSION } from './sdk-info.js';

// Report and enrich
export {
  addBreadcrumb,
  captureEvent,
  captureException,
  captureMessage,
  flush,
  setContext,
  setExtra,
  setTag,
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
export { pseudonymizeUserIdsIntegration } from '@faultline/core';
export { localStorageQueue, type OfflineQueue, type OfflineQueueFactory } from './offline-queue.js';

// Types from core that appear in this API
export type {
  Breadcrumb,
  Client,
  DebugMeta,
  EventHint,
  EventInput,
  FaultlineEvent,
  Integration,
  Scope,
  SeverityLevel,
  User,
} from '@faultline/core';
