/**
 * The activation monitor: reads a namespace's activation records through the OpenWhisk REST API
 * and reports the failures that code inside an action cannot see (the invoker killing it at its
 * time limit or for memory, a failed init, an internal error), for actions of any kind.
 *
 * Records are read newest first (`GET /namespaces/{ns}/activations?docs=true&since=…`, pages of
 * `limit` walked with `skip`), as the API description defines them: `response.status` is one of
 * `success`, `application_error`, `action_developer_error`, `whisk_internal_error`; annotations
 * carry `path`, `kind`, `limits`, `timeout`, `initTime` and `waitTime`.
 */
import type { EventInput, ScrubOptions } from '@faultline/core';
import { scrubString } from '@faultline/core';
import { REPORTED_MARKER } from './wrap-action.js';

/** What the monitor reads from the `openwhisk` client (`ow.activations`). */
export interface ActivationsApi {
  list(options: {
    namespace?: string;
    limit?: number;
    skip?: number;
    since?: number;
    docs?: boolean;
  }): Promise<unknown>;
}

export interface ActivationRecord {
  activationId: string;
  namespace: string;
  name: string;
  version?: string;
  start: number;
  end?: number;
  duration?: number;
  response?: { status?: string; statusCode?: number; success?: boolean; result?: unknown };
  statusCode?: number;
  logs?: string[];
  annotations?: Array<{ key: string; value: unknown }>;
  cause?: string;
}

export type FailureKind =
  | 'timeout'
  | 'memory'
  | 'init_failure'
  | 'developer_error'
  | 'whisk_error'
  | 'application_error';

/** Where the monitor stopped: the newest start seen and the ids that share it. */
export interface MonitorState {
  since: number;
  seen: string[];
}

export interface MonitorOptions {
  namespace?: string;
  /** Records per page, 1–200. @default 100 */
  pageSize?: number;
  /**
   * Pages read per run at most. The API lists newest first, so beyond it the oldest records of
   * the interval are skipped (`truncated` says so): run more often or raise it. @default 10
   */
  maxPages?: number;
  /** Lines of the activation's log attached to the event. @default 30 */
  logLines?: number;
  /** Also report returned `{ error }` results (application errors). @default false */
  applicationErrors?: boolean;
  /** How the log lines are scrubbed (core's scrubber). */
  scrub?: ScrubOptions;
}

export interface MonitorRun {
  state: MonitorState;
  events: EventInput[];
  /** Records read in this run. */
  read: number;
  /** Failed activations not reported because wrapAction had reported them already. */
  alreadyReported: number;
  /** True when more records than `pageSize × maxPages` had started since the last run. */
  truncated: boolean;
}

const STATUS: Record<number, string> = {
  0: 'success',
  1: 'application_error',
  2: 'action_developer_error',
  3: 'whisk_internal_error',
};

/**
 * Reads the records started at or after `state.since` and returns an event per failure not seen
 * before, with the new state. Never reports an activation twice across runs given the state.
 */
export async function checkActivations(
  api: ActivationsApi,
  state: MonitorState,
  options: MonitorOptions = {},
): Promise<MonitorRun> {
  const pageSize = Math.min(200, Math.max(1, options.pageSize ?? 100));
  const maxPages = Math.max(1, options.maxPages ?? 10);
  const seen = new Set(state.seen);
  const records: ActivationRecord[] = [];
  let truncated = false;
  const list = async (skip: number, limit: number, docs: boolean) => {
    const listed = await api.list({
      ...(options.namespace ? { namespace: options.namespace } : {}),
      docs,
      limit,
      skip,
      since: state.since,
    });
    return Array.isArray(listed) ? (listed as ActivationRecord[]) : [];
  };
  for (let page = 0; page < maxPages; page++) {
    const batch = await list(page * pageSize, pageSize, true);
    records.push(...batch.filter(isRecord));
    if (batch.length < pageSize) break;
    // The last page allowed was full: one brief record past it tells whether any were left.
    if (page === maxPages - 1) truncated = (await list(maxPages * pageSize, 1, false)).length > 0;
  }
  // Oldest first: events go out in the order the activations ran.
  records.sort((a, b) => a.start - b.start);
  const fresh = records.filter((r) => !(r.start === state.since && seen.has(r.activationId)));
  const events: EventInput[] = [];
  let alreadyReported = 0;
  for (const record of fresh) {
    const kind = classify(record, options.applicationErrors === true);
    if (!kind) continue;
    if (reportedByWrapper(record, kind)) {
      alreadyReported += 1;
      continue;
    }
    events.push(toEvent(record, kind, options));
  }
  const next: MonitorState = { since: state.since, seen: state.seen };
  const newest = fresh.at(-1);
  if (newest) {
    next.since = newest.start;
    const atNewest = fresh.filter((r) => r.start === newest.start).map((r) => r.activationId);
    next.seen = newest.start === state.since ? [...new Set([...state.seen, ...atNewest])] : atNewest;
  }
  return { state: next, events, read: records.length, alreadyReported, truncated };
}

function isRecord(value: unknown): value is ActivationRecord {
  const r = value as ActivationRecord;
  return (
    typeof r === 'object' && r !== null && typeof r.activationId === 'string' && typeof r.start === 'number'
  );
}

export function annotation(record: ActivationRecord, key: string): unknown {
  return record.annotations?.find((a) => a?.key === key)?.value;
}

function statusOf(record: ActivationRecord): string | undefined {
  const status = record.response?.status;
  if (typeof status === 'string') return status;
  const code = record.response?.statusCode ?? record.statusCode;
  return typeof code === 'number' ? STATUS[code] : undefined;
}

/** The error text the platform put in the result, if any. */
function errorText(record: ActivationRecord): string | undefined {
  const result = record.response?.result as { error?: unknown } | undefined;
  const error = result?.error;
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object') {
    const message = (error as { message?: unknown }).message;
    return typeof message === 'string' ? message : JSON.stringify(error);
  }
  return undefined;
}

/** The failure an activation record shows, or undefined for a success. */
export function classify(record: ActivationRecord, applicationErrors = false): FailureKind | undefined {
  const status = statusOf(record);
  if (status === 'success' || status === undefined) return undefined;
  if (status === 'whisk_internal_error') return 'whisk_error';
  if (status === 'application_error') return applicationErrors ? 'application_error' : undefined;
  const text = errorText(record) ?? '';
  if (annotation(record, 'timeout') === true || /exceeded its time limits/.test(text)) {
    return /during initialization/.test(text) ? 'init_failure' : 'timeout';
  }
  if (/exhausted its memory/.test(text)) return 'memory';
  if (/did not initialize|Initialization has failed/i.test(text)) return 'init_failure';
  return 'developer_error';
}

/** Event ids wrapAction printed into the activation's log (its events were delivered). */
export function wrapperEventIds(record: ActivationRecord): string[] {
  const ids: string[] = [];
  for (const line of record.logs ?? []) {
    const at = typeof line === 'string' ? line.indexOf(REPORTED_MARKER) : -1;
    if (at >= 0)
      ids.push(
        ...line
          .slice(at + REPORTED_MARKER.length)
          .trim()
          .split(/\s+/)
          .filter(Boolean),
      );
  }
  return ids;
}

/**
 * wrapAction reports errors the action threw or returned; it cannot see kills, memory, init or
 * platform failures. Those are reported even when the activation's log carries its marker.
 */
function reportedByWrapper(record: ActivationRecord, kind: FailureKind): boolean {
  if (kind !== 'developer_error' && kind !== 'application_error') return false;
  return wrapperEventIds(record).length > 0;
}

/**
 * Stored log lines are `<ISO time> <stdout|stderr>: <text>`, one line of output each. Their texts
 * are scrubbed together, as the output they were, so that a secret printed over several lines (a
 * PEM key, a YAML value on the line after its key) is recognised; each line keeps its time. A
 * secret removed whole leaves one `[Filtered]` line for the lines it covered.
 */
function scrubLogLines(lines: string[], scrub: ScrubOptions | undefined): string[] {
  if (lines.length === 0) return [];
  const parts = lines.map((line) => /^(\S+ (?:stdout|stderr): )(.*)$/s.exec(line));
  const heads = parts.map((m) => m?.[1] ?? '');
  const texts = parts.map((m, i) => m?.[2] ?? lines[i]!);
  const out = scrubString(texts.join('\n'), scrub).split('\n');
  const alone = texts.map((text) => scrubString(text, scrub));
  // Each line keeps the time of the stored line it comes from: the next one that comes out alone
  // as it does here, past at most as many lines as secrets over several lines have covered.
  let i = 0;
  return out.map((text, j) => {
    let k = i;
    while (k < alone.length && alone[k] !== text && k - j < alone.length - out.length) k++;
    const from = alone[k] === text ? k : i;
    i = from + 1;
    return (heads[from] ?? '') + text;
  });
}

const TITLES: Record<FailureKind, string> = {
  timeout: 'timed out',
  memory: 'ran out of memory',
  init_failure: 'failed to initialize',
  developer_error: 'failed (developer error)',
  whisk_error: 'failed (internal platform error)',
  application_error: 'returned an error',
};

function actionPath(record: ActivationRecord): string {
  const path = annotation(record, 'path');
  const full = typeof path === 'string' && path ? path : `${record.namespace}/${record.name}`;
  return full.startsWith('/') ? full : `/${full}`;
}

/** Runtime family of a kind: `nodejs:20` → `nodejs`, `python:3.11` → `python`. */
function family(kind: string | undefined): string | undefined {
  return kind?.split(':')[0];
}

function toEvent(record: ActivationRecord, failure: FailureKind, options: MonitorOptions): EventInput {
  const action = actionPath(record);
  const kind = annotation(record, 'kind');
  const runtime = typeof kind === 'string' ? kind : undefined;
  const limits = annotation(record, 'limits') as Record<string, unknown> | undefined;
  const duration = record.duration ?? (record.end !== undefined ? record.end - record.start : undefined);
  const status = statusOf(record) ?? 'unknown';
  const detail = errorText(record);
  const logLines = Math.max(0, options.logLines ?? 30);
  const lines = (record.logs ?? []).filter(
    (l): l is string => typeof l === 'string' && !l.includes(REPORTED_MARKER),
  );
  const logs = scrubLogLines(logLines === 0 ? [] : lines.slice(-logLines), options.scrub);
  const tags: Record<string, string> = {
    'openwhisk.activation_id': record.activationId,
    'openwhisk.action': action,
    'openwhisk.namespace': record.namespace,
    'openwhisk.failure': failure,
    'openwhisk.status': status,
    'openwhisk.source': 'monitor',
  };
  if (runtime) tags['openwhisk.kind'] = runtime;
  const runtimeFamily = family(runtime);
  if (runtimeFamily) tags['openwhisk.runtime'] = runtimeFamily;
  const context: Record<string, unknown> = {
    activation_id: record.activationId,
    action,
    action_version: record.version,
    kind: runtime,
    status,
    start: record.start,
    end: record.end,
    duration_ms: duration,
    limits,
    init_time_ms: annotation(record, 'initTime'),
    wait_time_ms: annotation(record, 'waitTime'),
    timeout: annotation(record, 'timeout'),
    cause: record.cause,
    error: detail === undefined ? undefined : scrubString(detail, options.scrub),
  };
  for (const key of Object.keys(context)) if (context[key] === undefined) delete context[key];
  const event: EventInput = {
    message: `${action} ${TITLES[failure]}${detail ? `: ${scrubString(detail, options.scrub)}` : ''}`,
    level: 'error',
    tags,
    contexts: { openwhisk: context },
    fingerprint: ['openwhisk-monitor', action, failure],
    transaction: action,
    timestamp: (record.end ?? record.start) / 1000,
  };
  const extra: Record<string, unknown> = {};
  if (logs.length > 0) extra.logs = logs;
  const wrapped = wrapperEventIds(record);
  if (wrapped.length > 0) extra.wrapaction_event_ids = wrapped;
  if (Object.keys(extra).length > 0) event.extra = extra;
  return event;
}
