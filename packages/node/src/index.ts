// @faultline/node: Faultline for Node.js services, scripts and jobs.

// Starting and stopping
export { close, getClient, init } from './init.js';
export type { NodeOptions } from './options.js';
export { SDK_VERSION } from './sdk-info.js';
export { detectRelease } from './detect-release.js';

// Capturing and enriching
export {
  addBreadcrumb,
  captureCheckIn,
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
  withIsolatedScope,
  withScope,
} from './node-api.js';

// Integrations installed by init (to keep, drop or configure through `integrations`)
export { consoleBreadcrumbsIntegration } from './console-breadcrumbs.js';
export { contextsIntegration } from './deferred.js';
export { type ExitFlushOptions, exitFlushIntegration } from './exit-flush.js';
export { globalHandlersIntegration } from './global-handlers.js';
export { httpBreadcrumbsIntegration } from './http-breadcrumbs.js';

// Runtime parts
export { createAsyncScopeStore } from './scope-store.js';
export { type CorePipeline, corePipeline, createHttpExecutor, createUndiciExecutor } from './deferred.js';
export type { UndiciExecutorOptions } from './undici-executor.js';
export type { HttpExecutorOptions } from './http-executor.js';

// Types used in the API above
export type {
  Breadcrumb,
  CheckInInput,
  Client,
  EventHint,
  EventInput,
  MonitorConfig,
  Scope,
  SeverityLevel,
  User,
} from '@faultline/core';

// HTTP frameworks, request context, source maps
export {
  type ExpressErrorHandlerOptions,
  type ExpressNext,
  type ExpressRequest,
  type ExpressRequestHandlerOptions,
  expressErrorHandler,
  expressRequestHandler,
} from './express.js';
export {
  type FastifyInstanceLike,
  type FastifyPluginOptions,
  type FastifyReplyLike,
  type FastifyRequestLike,
  fastifyPlugin,
} from './fastify.js';
export { requestContext, sourceMapsIntegration } from './deferred.js';
export type { RequestParts } from './request-context.js';
export type { SourceMapsOptions } from './source-maps.js';
