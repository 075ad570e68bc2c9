// @faultline/core: the runtime-agnostic heart of Faultline. Runtime packages (node, browser,
// cron, openwhisk) plug their parts into these factories.

// Event model
export type {
  Breadcrumb,
  CheckInInput,
  CheckInStatus,
  ClientReport,
  Contexts,
  DataCategory,
  DebugMeta,
  DiscardReason,
  EventHint,
  EventInput,
  ExceptionValue,
  FaultlineEvent,
  Mechanism,
  MonitorConfig,
  MonitorSchedule,
  Primitive,
  RequestData,
  SdkInfo,
  SessionUpdate,
  SeverityLevel,
  StackFrame,
  User,
  WireCheckIn,
  WireEvent,
} from './types.js';

// Client pipeline
export { type Client, type ClientRuntime, createClient } from './client.js';
export {
  type ClientSettings,
  chooseIntegrations,
  clientSettings,
  setupIntegrations,
} from './client-settings.js';
export type { ClientOptions, TransportContext } from './options.js';
export {
  checkOptions,
  isIntegration,
  OPTION_RULES,
  type OptionRules,
} from './options.js';
export type { Integration } from './integration.js';
export { eventMessages } from './event-builder.js';
export { type HmacSha256Hex, pseudonymizeUserIdsWith } from './pseudonymize.js';
export { type TriageOptions, triageIntegration } from './triage.js';
export { RELEASE_ENV_VARS, releaseFromEnv } from './release.js';
export {
  createScope,
  createStackScopeStore,
  recordBreadcrumb,
  type Scope,
  type ScopeData,
  type ScopeStore,
} from './scope.js';
export { createLogger, type Logger } from './logger.js';
export { isId, nowSeconds, useUUIDSource, uuid4 } from './ids.js';
export { type Current, carrier } from './carrier.js';
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
export { cancelTimer, type Timer, unrefTimer } from './globals.js';

// Errors and stacks
export { exceptionFromValue } from './exception.js';
export { applyFrameResolver, type FrameResolver } from './stack.js';
export { DEPENDENCY_PATH, parseStack, type StackParser } from './stack-parse.js';

// HTTP status policy and request context
export { createStatusPolicy, type StatusMatcher, type StatusPolicy, statusMessage } from './status-policy.js';
export { createStormGuard, type Repeats, type StormGuard, type StormGuardOptions } from './storm-guard.js';
export { createSanitizeMemory } from './sanitize-memory.js';
export { cachedStackParser } from './stack-cache.js';
export { type CapturedSet, createCapturedSet } from './captured-set.js';
export { type CheckInSink, sendCheckIn } from './send-check-in.js';
export { type RequestDataOptions, type RequestDataParts, requestDataFrom } from './request.js';

// Sanitization
export { normalize } from './normalize.js';
export {
  FILTERED,
  isSensitiveKey,
  type ScrubOptions,
  scrubHeaders,
  scrubString,
  scrubUrl,
  scrubValue,
} from './scrub.js';
export { type SanitizeOptions, sanitizeCheckIn, sanitizeEvent } from './sanitize.js';
export { normalizeEvent } from './protocol.js';
export { type MonitorConfigInput, normalizeCheckIn, toMonitorConfig } from './check-in.js';
export {
  type CompiledScrub,
  compileScrub,
  isSensitiveKeyWith,
  scrubOptionsProblem,
  scrubText,
} from './scrub-patterns.js';
export { scrubStringWith } from './scrub.js';

// Protocol
export { authHeader, type Dsn, dsnToString, envelopeEndpoint, envelopeUrlWithAuth, parseDsn } from './dsn.js';
export {
  addItemToEnvelope,
  createCheckInEnvelope,
  createClientReportEnvelope,
  createEventEnvelope,
  createSessionEnvelope,
  type Envelope,
  type EnvelopeHeaders,
  type EnvelopeItem,
  type EnvelopeMeta,
  type ItemHeaders,
  itemCategory,
  parseEnvelope,
  serializeEnvelope,
} from './envelope.js';

// Delivery
export {
  createTransport,
  type Transport,
  type TransportExecutor,
  type TransportOptions,
  type TransportResponse,
} from './transport.js';
export { createFetchExecutor } from './fetch-executor.js';
export { outcomeOf } from './transport-policy.js';
export { createWebhookTransport } from './webhook.js';
export { multiplexTransport } from './multiplex.js';
