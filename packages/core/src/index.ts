// @faultline/core: the runtime-agnostic heart of Faultline. Runtime packages (node, browser,
// cron, openwhisk) plug their parts into these factories.

// Client pipeline
export { type Client, type ClientRuntime, createClient } from './client.js';
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
// Errors and stacks
export { exceptionFromValue } from './exception.js';
export { createFetchExecutor } from './fetch-executor.js';
export { unrefTimer } from './globals.js';
export { nowSeconds, uuid4 } from './ids.js';
export type { Integration } from './integration.js';
export { createLogger, type Logger } from './logger.js';
export { multiplexTransport } from './multiplex.js';
// Sanitization
export { normalize } from './normalize.js';
export type { ClientOptions, TransportContext } from './options.js';
export { requestDataFrom } from './request.js';
export { type SanitizeOptions, sanitizeCheckIn, sanitizeEvent } from './sanitize.js';
export { createScope, createStackScopeStore, type Scope, type ScopeData, type ScopeStore } from './scope.js';
export {
  FILTERED,
  isSensitiveKey,
  type ScrubOptions,
  scrubHeaders,
  scrubString,
  scrubUrl,
  scrubValue,
} from './scrub.js';
export { applyFrameResolver, type FrameResolver, parseStackFrames } from './stack.js';
// HTTP status policy and request context
export { createStatusPolicy, type StatusMatcher, type StatusPolicy, statusMessage } from './status-policy.js';
// Delivery
export {
  createTransport,
  type Transport,
  type TransportExecutor,
  type TransportOptions,
  type TransportResponse,
} from './transport.js';
// Event model
export type {
  Breadcrumb,
  CheckInInput,
  CheckInStatus,
  ClientReport,
  Contexts,
  DataCategory,
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
export { createWebhookTransport } from './webhook.js';
