/**
 * What a Sentry ingest (Relay) keeps, as checks a test can run on envelopes it received: the
 * published event schema (`ingest-schema/event.schema.json`, sentry-data-schemas) validated with
 * ajv, plus the rules the schema does not state (tag keys, lone surrogates, release and
 * environment names, millisecond timestamps), the check-in rules
 * (https://develop.sentry.dev/sdk/telemetry/check-ins/, relay-monitors `CheckIn`) and the
 * client-report rules (https://develop.sentry.dev/sdk/telemetry/client-reports/). Independent of
 * Faultline's own code on purpose: it must catch what the SDK gets wrong.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';

const schema = JSON.parse(
  readFileSync(new URL('./ingest-schema/event.schema.json', import.meta.url), 'utf8'),
);
// Formats (uuid, date-time) are checked below where it matters; the schema uses none that Relay
// enforces in a way ajv's formats would match.
const validateEvent = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(schema);

const HEX32 = /^[0-9a-f]{32}$/;
const UUID = /^([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
/** relay-event-schema `TagEntry`: key allow_chars, max_chars 200. */
const TAG_KEY = /^[a-zA-Z0-9_.:-]{1,200}$/;
/** sentry-release-parser `VALID_API_ATTRIBUTE_REGEX`. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what the rule refuses.
const API_NAME = /^[^\\/\r\n\t\x7f\x00-\x1f]*$/;
/** relay-monitors `IntervalName`. */
const UNITS = new Set(['year', 'month', 'week', 'day', 'hour', 'minute']);
const MONITOR_CONFIG_KEYS = new Set([
  'schedule',
  'checkin_margin',
  'max_runtime',
  'timezone',
  'failure_issue_threshold',
  'recovery_threshold',
  'owner',
]);
const CHECK_IN_KEYS = new Set([
  'check_in_id',
  'monitor_slug',
  'status',
  'duration',
  'release',
  'environment',
  'monitor_config',
  'contexts',
]);
/** Client-report reasons and categories (client-reports spec; relay-base-schema `DataCategory`). */
const REASONS = new Set([
  'queue_overflow',
  'cache_overflow',
  'buffer_overflow',
  'ratelimit_backoff',
  'network_error',
  'sample_rate',
  'before_send',
  'event_processor',
  'send_error',
  'internal_sdk_error',
  'insufficient_data',
  'backpressure',
  'ignored',
  'invalid',
]);
const CATEGORIES = new Set([
  'default',
  'error',
  'transaction',
  'span',
  'security',
  'attachment',
  'session',
  'monitor',
  'profile',
  'profile_chunk',
  'replay',
  'feedback',
  'log_item',
  'log_byte',
  'internal',
]);
/** Item size limits (https://develop.sentry.dev/sdk/data-model/envelopes/#size-limits). */
const MAX_BYTES: Record<string, number> = { event: 2 ** 20, check_in: 100 * 1024, client_report: 4 * 1024 };

const isInteger = (value: unknown): boolean => Number.isInteger(value) && (value as number) >= 0;
const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Every string in a JSON value, keys included, with its path. */
function* strings(value: unknown, path = ''): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value))
    for (const [i, item] of value.entries()) yield* strings(item, `${path}/${i}`);
  else if (value && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) {
      yield [`${path}/<key>`, key];
      yield* strings(item, `${path}/${key}`);
    }
}

function surrogates(value: unknown): string[] {
  const out: string[] = [];
  for (const [path, text] of strings(value))
    if (/\p{Cs}/u.test(text))
      out.push(`${path || '/'}: lone UTF-16 surrogate (Relay's JSON parser refuses it)`);
  return out;
}

function apiName(field: string, value: unknown, maxBytes: number, reserved: RegExp): string[] {
  if (value === undefined) return [];
  if (typeof value !== 'string') return [`${field}: not a string`];
  const out: string[] = [];
  if (value.trim() !== value || value === '') out.push(`${field}: empty or not trimmed`);
  if (utf8(value) > maxBytes) out.push(`${field}: over ${maxBytes} bytes`);
  if (!API_NAME.test(value)) out.push(`${field}: has /, \\ or a control character`);
  if (reserved.test(value)) out.push(`${field}: reserved name ${JSON.stringify(value)}`);
  return out;
}

/** Why the ingest would drop (part of) this event payload; empty when it keeps all of it. */
export function eventProblems(event: unknown): string[] {
  const out: string[] = [];
  // Relay reads a top-level `message` as `logentry` (relay-event-schema `Event.logentry`,
  // `legacy_alias = "message"`; a string becomes its `formatted` text); the generated schema
  // names only `logentry`.
  const { message, ...rest } = (event ?? {}) as Record<string, unknown>;
  // `sdk.settings` (relay-event-schema `ClientSdkSettings`: `infer_ip`, one of auto, never,
  // legacy) is newer than the published schema: checked here, then left out of the schema check.
  const sdk = rest.sdk as Record<string, unknown> | undefined;
  if (sdk && typeof sdk === 'object' && 'settings' in sdk) {
    const { settings, ...sdkRest } = sdk;
    const infer = (settings as { infer_ip?: unknown } | null)?.infer_ip;
    if (
      typeof settings !== 'object' ||
      settings === null ||
      Object.keys(settings).some((k) => k !== 'infer_ip')
    )
      out.push(`sdk.settings: ${JSON.stringify(settings)} is not { infer_ip }`);
    else if (infer !== undefined && !['auto', 'never', 'legacy'].includes(infer as string))
      out.push(`sdk.settings.infer_ip: ${JSON.stringify(infer)}`);
    rest.sdk = sdkRest;
  }
  const aliased =
    message === undefined
      ? rest
      : rest.logentry !== undefined
        ? { ...rest, message }
        : { ...rest, logentry: typeof message === 'string' ? { formatted: message } : message };
  if (!validateEvent(aliased))
    for (const error of validateEvent.errors ?? [])
      out.push(`schema ${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`);
  const e = (event ?? {}) as Record<string, any>;
  if (!HEX32.test(e.event_id)) out.push('event_id: not 32 lowercase hex');
  if (typeof e.timestamp !== 'number' || e.timestamp > 1e11)
    out.push('timestamp: not seconds since the epoch');
  if (!/^(fatal|error|warning|info|debug)$/.test(e.level)) out.push(`level: ${String(e.level)}`);
  for (const [key, value] of Object.entries(e.tags ?? {})) {
    if (!TAG_KEY.test(key)) out.push(`tags: key ${JSON.stringify(key)} is refused (a-zA-Z0-9_.:-, 1-200)`);
    if (typeof value !== 'string' || value.trim() === '' || value.length > 200 || value.includes('\n'))
      out.push(
        `tags: value of ${JSON.stringify(key)} is dropped (empty, too long, not a string or a newline)`,
      );
  }
  for (const [i, crumb] of (e.breadcrumbs?.values ?? []).entries())
    if (crumb?.timestamp !== undefined && !(typeof crumb.timestamp === 'number' && crumb.timestamp < 1e11))
      out.push(`breadcrumbs/${i}: timestamp not seconds`);
  out.push(...apiName('release', e.release, 200, /^(\.\.?|latest)$/i));
  out.push(...apiName('environment', e.environment, 64, /^(\.\.?|none)$/i));
  const trace = e.contexts?.trace;
  if (trace && !(HEX32.test(trace.trace_id) && /^[0-9a-f]{16}$/.test(trace.span_id)))
    out.push('contexts/trace: needs trace_id (32 hex) and span_id (16 hex)');
  out.push(...surrogates(event));
  return out;
}

/** Why the ingest would refuse this check-in payload (or part of it); empty when it keeps it. */
export function checkInProblems(checkIn: unknown): string[] {
  const out: string[] = [];
  const c = (checkIn ?? {}) as Record<string, any>;
  for (const key of Object.keys(c)) if (!CHECK_IN_KEYS.has(key)) out.push(`unknown field ${key}`);
  if (!UUID.test(c.check_in_id)) out.push('check_in_id: not a UUID');
  if (typeof c.monitor_slug !== 'string' || c.monitor_slug === '' || c.monitor_slug.length > 50)
    out.push('monitor_slug: empty, not a string or over 50 characters');
  if (!['in_progress', 'ok', 'error'].includes(c.status)) out.push(`status: ${String(c.status)}`);
  if (c.duration !== undefined && !(typeof c.duration === 'number' && c.duration >= 0))
    out.push('duration: not a number of seconds');
  out.push(...apiName('release', c.release, 200, /^(\.\.?|latest)$/i));
  out.push(...apiName('environment', c.environment, 64, /^(\.\.?|none)$/i));
  const config = c.monitor_config;
  if (config !== undefined) {
    for (const key of Object.keys(config))
      if (!MONITOR_CONFIG_KEYS.has(key)) out.push(`monitor_config: unknown field ${key}`);
    const schedule = config.schedule ?? {};
    if (schedule.type === 'crontab') {
      if (typeof schedule.value !== 'string') out.push('monitor_config/schedule: crontab value not a string');
    } else if (schedule.type === 'interval') {
      if (!(isInteger(schedule.value) && schedule.value >= 1))
        out.push('monitor_config/schedule: value not a whole number ≥ 1');
      if (!UNITS.has(schedule.unit))
        out.push(`monitor_config/schedule: unit ${String(schedule.unit)} unknown`);
    } else out.push('monitor_config/schedule: neither crontab nor interval');
    for (const key of ['checkin_margin', 'max_runtime', 'failure_issue_threshold', 'recovery_threshold'])
      if (config[key] !== undefined && !isInteger(config[key]))
        out.push(`monitor_config/${key}: not a whole number`);
    if (config.timezone !== undefined && typeof config.timezone !== 'string')
      out.push('monitor_config/timezone: not a string');
  }
  out.push(...surrogates(checkIn));
  return out;
}

/** Why the ingest would refuse this client report; empty when it keeps it. */
export function clientReportProblems(report: unknown): string[] {
  const out: string[] = [];
  const r = (report ?? {}) as Record<string, any>;
  if (r.timestamp !== undefined && typeof r.timestamp !== 'number' && typeof r.timestamp !== 'string')
    out.push('timestamp: neither a number nor a string');
  if (!Array.isArray(r.discarded_events)) return [...out, 'discarded_events: missing'];
  for (const [i, entry] of r.discarded_events.entries()) {
    if (!REASONS.has(entry?.reason))
      out.push(`discarded_events/${i}: reason ${String(entry?.reason)} unknown`);
    if (!CATEGORIES.has(entry?.category))
      out.push(`discarded_events/${i}: category ${String(entry?.category)} unknown`);
    if (!(isInteger(entry?.quantity) && entry.quantity > 0))
      out.push(`discarded_events/${i}: quantity not a whole number > 0`);
  }
  return out;
}

export interface ItemLike {
  type: string;
  /** The payload as received: its JSON text, or the parsed value. */
  payload: unknown;
}

/**
 * Problems of the items of one envelope, each prefixed with its item type and index: size
 * limits, at most one event and one check-in, and the rules of each payload type.
 */
export function envelopeProblems(items: ItemLike[], headers: Record<string, unknown> = {}): string[] {
  const out: string[] = [];
  const count = (type: string) => items.filter((item) => item.type === type).length;
  if (count('event') > 1) out.push('more than one event item');
  if (count('check_in') > 1) out.push('more than one check_in item');
  for (const [i, { type, payload }] of items.entries()) {
    const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const value = typeof payload === 'string' ? JSON.parse(payload) : payload;
    const max = MAX_BYTES[type];
    const problems =
      type === 'event'
        ? eventProblems(value)
        : type === 'check_in'
          ? checkInProblems(value)
          : type === 'client_report'
            ? clientReportProblems(value)
            : [];
    if (max !== undefined && utf8(text) > max) problems.push(`over ${max} bytes`);
    if (type === 'event' && headers.event_id !== undefined && headers.event_id !== value?.event_id)
      problems.push('envelope event_id differs from the event');
    out.push(...problems.map((problem) => `${type}[${i}] ${problem}`));
  }
  return out;
}
