/**
 * The three shapes an event takes in Faultline:
 * - {@link EventInput}: what a user hands to `captureEvent` (everything optional);
 * - {@link FaultlineEvent}: the normalized event the pipeline works on (integrations,
 *   `beforeSend`), always complete and typed;
 * - {@link WireEvent}: the JSON payload of an `event` envelope item, after sanitization,
 *   following the Sentry event schema (https://develop.sentry.dev/sdk/foundations/transport/event-payloads/).
 */

export type SeverityLevel = 'fatal' | 'error' | 'warning' | 'info' | 'debug';

export type Primitive = string | number | boolean | null;

export interface User {
  id?: string | number | undefined;
  username?: string | undefined;
  email?: string | undefined;
  ip_address?: string | undefined;
  [key: string]: unknown;
}

export interface Breadcrumb {
  /** Seconds since the epoch. */
  timestamp?: number | undefined;
  type?: string | undefined;
  category?: string | undefined;
  message?: string | undefined;
  level?: SeverityLevel | undefined;
  data?: Record<string, unknown> | undefined;
}

export interface RequestData {
  method?: string | undefined;
  url?: string | undefined;
  query_string?: string | Record<string, string> | undefined;
  data?: unknown | undefined;
  headers?: Record<string, string> | undefined;
  cookies?: Record<string, string> | undefined;
  env?: Record<string, string> | undefined;
}

export interface StackFrame {
  filename?: string;
  abs_path?: string;
  function?: string;
  module?: string;
  lineno?: number;
  colno?: number;
  in_app?: boolean;
  pre_context?: string[];
  context_line?: string;
  post_context?: string[];
}

export interface Mechanism {
  /** Required by the protocol: `generic` for manual captures, a source name otherwise. */
  type: string;
  handled?: boolean;
  synthetic?: boolean;
  source?: string;
  exception_id?: number;
  parent_id?: number;
  is_exception_group?: boolean;
  data?: Record<string, unknown>;
}

export interface ExceptionValue {
  type?: string;
  value?: string;
  module?: string;
  mechanism?: Mechanism;
  stacktrace?: { frames: StackFrame[] };
}

export interface SdkInfo {
  name: string;
  version: string;
  integrations?: string[];
  packages?: Array<{ name: string; version: string }>;
  /**
   * `infer_ip`: whether the ingest may take the sender's address as the user's IP. Set on every
   * event by the sanitizer (`auto` for pages with `sendDefaultPii`, else `never`).
   */
  settings?: { infer_ip: 'auto' | 'never' };
}

export type Contexts = Record<string, Record<string, unknown>>;

/** What a user may pass to `captureEvent`. */
export interface EventInput {
  event_id?: string | undefined;
  timestamp?: number | undefined;
  level?: SeverityLevel | undefined;
  message?: string | undefined;
  exception?: { values: ExceptionValue[] } | undefined;
  request?: RequestData | undefined;
  user?: User | undefined;
  contexts?: Contexts | undefined;
  tags?: Record<string, Primitive> | undefined;
  extra?: Record<string, unknown> | undefined;
  fingerprint?: string[] | undefined;
  transaction?: string | undefined;
  breadcrumbs?: Breadcrumb[] | undefined;
  release?: string | undefined;
  environment?: string | undefined;
  dist?: string | undefined;
  server_name?: string | undefined;
  logger?: string | undefined;
}

/** The normalized event every integration, processor and `beforeSend` sees. */
export interface FaultlineEvent {
  event_id: string;
  /** Seconds since the epoch. */
  timestamp: number;
  platform: string;
  level: SeverityLevel;
  message?: string;
  exception?: { values: ExceptionValue[] };
  request?: RequestData;
  user?: User;
  contexts: Contexts;
  tags: Record<string, string>;
  extra: Record<string, unknown>;
  fingerprint?: string[];
  transaction?: string;
  breadcrumbs: Breadcrumb[];
  release?: string;
  environment?: string;
  dist?: string;
  server_name?: string;
  logger?: string;
  /** Debug files of the code in the frames (bundles with debug IDs), so a backend can find their source maps. */
  debug_meta?: DebugMeta;
  sdk: SdkInfo;
}

/** JSON payload of an `event` envelope item. Every value is JSON-safe and scrubbed. */
export interface WireEvent {
  event_id: string;
  timestamp: number;
  platform: string;
  level: SeverityLevel;
  message?: string;
  exception?: { values: ExceptionValue[] };
  request?: RequestData;
  user?: User;
  contexts?: Contexts;
  tags?: Record<string, string>;
  extra?: Record<string, unknown>;
  fingerprint?: string[];
  transaction?: string;
  breadcrumbs?: { values: Breadcrumb[] };
  release?: string;
  environment?: string;
  dist?: string;
  server_name?: string;
  logger?: string;
  debug_meta?: DebugMeta;
  sdk: SdkInfo;
}

/** `debug_meta` of the Sentry event schema (https://develop.sentry.dev/sdk/data-model/event-payloads/debugmeta/). */
export interface DebugMeta {
  images: Array<{ type: string; code_file?: string; debug_id?: string }>;
}

/** Extra facts about a capture that are not part of the event. */
export interface EventHint {
  /** The value that was thrown or passed to `captureException`. */
  originalException?: unknown | undefined;
  /** Overrides for the top exception's mechanism (e.g. `{ type: 'express', handled: false }`). */
  mechanism?: Partial<Mechanism> | undefined;
  /** An error created at capture time, used for a stack when the thrown value has none. */
  syntheticException?: Error | undefined;
  /**
   * Where the runtime says the value was thrown (a browser's error event), the frame of an
   * exception whose value gives none (a script that failed to parse, `throw { code: 7 }`).
   */
  thrownAt?: { filename: string; lineno?: number; colno?: number } | undefined;
  /** Level of the event (default `error` for exceptions, `info` for messages). */
  level?: SeverityLevel | undefined;
  /** Free-form data for integrations (e.g. the request object). */
  data?: Record<string, unknown> | undefined;
  /** The id the event gets (as in Sentry's hint); a new one unless it is 32 hex digits. */
  event_id?: string | undefined;
}

export type CheckInStatus = 'in_progress' | 'ok' | 'error';

export type MonitorSchedule =
  | { type: 'crontab'; value: string }
  | { type: 'interval'; value: number; unit: 'year' | 'month' | 'week' | 'day' | 'hour' | 'minute' };

/** Wire form of `monitor_config` (https://develop.sentry.dev/sdk/telemetry/check-ins/). */
export interface MonitorConfig {
  schedule: MonitorSchedule;
  /** Minutes. */
  checkin_margin?: number | undefined;
  /** Minutes. */
  max_runtime?: number | undefined;
  timezone?: string | undefined;
  failure_issue_threshold?: number | undefined;
  recovery_threshold?: number | undefined;
}

export interface CheckInInput {
  monitorSlug: string;
  status: CheckInStatus;
  /** Reuse the id of the `in_progress` check-in when closing it. */
  checkInId?: string | undefined;
  /** Seconds. */
  duration?: number | undefined;
}

/** JSON payload of a `check_in` envelope item. */
export interface WireCheckIn {
  check_in_id: string;
  monitor_slug: string;
  status: CheckInStatus;
  duration?: number;
  release?: string;
  environment?: string;
  monitor_config?: MonitorConfig;
}

export type DataCategory = 'error' | 'monitor' | 'session' | 'internal' | 'default';

export type DiscardReason =
  | 'queue_overflow'
  | 'ratelimit_backoff'
  | 'network_error'
  | 'send_error'
  | 'sample_rate'
  | 'before_send'
  | 'event_processor'
  | 'insufficient_data'
  | 'internal_sdk_error'
  | 'backpressure';

export interface ClientReport {
  timestamp: number;
  discarded_events: Array<{ reason: DiscardReason; category: DataCategory; quantity: number }>;
}

export interface SessionUpdate {
  sid: string;
  did?: string;
  init?: boolean;
  started: string;
  timestamp: string;
  status: 'ok' | 'exited' | 'crashed' | 'abnormal';
  errors?: number;
  duration?: number;
  attrs: { release: string; environment?: string; user_agent?: string };
}
