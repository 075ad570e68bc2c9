/**
 * The protocol step: the last change to an event or a check-in before its envelope, after
 * `beforeSend` and sanitizing. It makes what the app (or an integration) set valid for a
 * Sentry ingest, which otherwise drops the tag, the field, or the whole item without a word.
 * Each rule names the page or the Relay source it follows. Written for minified size: the
 * browser bundles `normalizeEventEssentials` and `wellFormedText` (through the
 * `@faultline/core/protocol` entry, which holds nothing else).
 */
import type { Logger } from './logger.js';
import { setKey } from './strings.js';
import type { SeverityLevel, WireEvent } from './types.js';

/**
 * Level names as Relay reads them (relay-event-schema `Level::from_str`: `log` is `info`,
 * `critical` is `fatal`); `warn` as Sentry's JS SDKs read it. Anything else is `error`, the
 * protocol's default (https://develop.sentry.dev/sdk/data-model/event-payloads/#optional-attributes).
 */
export const toLevel = (value: unknown): SeverityLevel =>
  /^(fatal|error|warning|info|debug)$/.test(value as string)
    ? (value as SeverityLevel)
    : value === 'log'
      ? 'info'
      : value === 'warn'
        ? 'warning'
        : value === 'critical'
          ? 'fatal'
          : 'error';

/**
 * `text` with lone UTF-16 surrogates replaced by U+FFFD: JSON.stringify writes them as `\ud800`
 * escapes, which Relay's JSON parser (serde_json) rejects, and with them the whole item.
 */
export const wellFormedText = (text: string): string => text.replace(/\p{Cs}/gu, '\uFFFD');

/** Whether `text` holds no lone surrogate; `isWellFormed` (ES2024) where there is one. */
const isWellFormed = (text: string): boolean => (text as any).isWellFormed?.() ?? !/\p{Cs}/u.test(text);

/**
 * Whether a JSON value holds no lone surrogate in any string or key: read without copying, so
 * the common event, already well-formed, costs one native check per string. Objects in `known`
 * (frozen, found well-formed before) are not read again.
 */
export const allWellFormed = (value: any, known?: WeakSet<object>): boolean => {
  if (typeof value === 'string') return isWellFormed(value);
  if (!value || typeof value !== 'object' || known?.has(value)) return true;
  // A list by its indexes: `for...in` would make a string of each index.
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!allWellFormed(value[i], known)) return false;
    return true;
  }
  for (const key in value) if (!isWellFormed(key) || !allWellFormed(value[key], known)) return false;
  return true;
};

/** A copy of a JSON value with {@link wellFormedText} applied to every string, keys included. */
export const wellFormed = (value: any): any =>
  typeof value === 'string'
    ? wellFormedText(value)
    : Array.isArray(value)
      ? value.map(wellFormed)
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [wellFormed(k), wellFormed(v)]))
        : value;

/**
 * Seconds since the epoch, as the protocol wants them (event-payloads `timestamp`, breadcrumbs
 * `timestamp`). A number past 1e11 (the year 5138 in seconds) is taken for milliseconds, the
 * usual mistake with `Date.now()`.
 */
const seconds = (value: any): any => (value > 1e11 ? value / 1000 : value);

/** Cuts `value` to at most `max` bytes of UTF-8, never inside a character. */
const cutBytes = (value: string, max: number): string => {
  // A UTF-16 unit takes at most 3 bytes (two of them, 4): most names need no walk.
  if (value.length * 3 <= max) return value;
  let end = 0;
  for (const char of value) {
    max -= char.length > 1 ? 4 : char > '\u07ff' ? 3 : char > '\x7f' ? 2 : 1;
    if (max < 0) break;
    end += char.length;
  }
  return value.slice(0, end);
};

/**
 * A release or environment name as Sentry accepts it (getsentry/sentry-release-parser
 * `validate_release` / `validate_environment`, applied by Relay; Relay also trims them): at most
 * `max` bytes (200 release, 64 environment), no `/`, `\` or control characters (newline, tab…),
 * never a reserved name (`.`, `..`, `latest` for releases, `none` for environments). Forbidden
 * characters become `-`; a reserved or empty name is left out.
 */
const apiName = (value: unknown, max: number, reserved: RegExp): string | undefined => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what the rule refuses.
  const name = typeof value === 'string' && cutBytes(value.trim().replace(/[\\/\0-\x1f\x7f]/g, '-'), max);
  return name && !reserved.test(name) ? name : undefined;
};
const RELEASE = /^(\.\.?|latest)$/i;
const ENVIRONMENT = /^(\.\.?|none)$/i;

/** Cleans `release` and `environment` of an event or a check-in in place; an invalid one is left out. */
export const names = (item: { release?: string | undefined; environment?: string | undefined }): void => {
  const release = apiName(item.release, 200, RELEASE);
  const environment = apiName(item.environment, 64, ENVIRONMENT);
  // Deleted only when left out: deleting a property makes V8 keep the object as a dictionary,
  // slower for every step that reads it after (serializing the event among them).
  if (release) item.release = release;
  else if ('release' in item) delete item.release;
  if (environment) item.environment = environment;
  else if ('environment' in item) delete item.environment;
};

/**
 * Field types of well-known contexts (relay-event-schema `protocol/contexts/{device,os,runtime,
 * app,browser,gpu,response}.rs`; sentry-data-schemas `relay/event.schema.json`): integers, other
 * numbers, booleans and strings. Relay removes a field of another type; here a number becomes an
 * integer by rounding, a number or boolean a string, a numeric string a number, and what cannot
 * be converted is left out. Other fields (custom data) are kept as they are.
 */
const INTEGER =
  /^((usable_|free_|app_)?memory(_size)?|(external_)?(free_)?storage(_size)?|processor_(count|frequency)|screen_(dpi|(height|width)_pixels)|max_texture_size|status_code|body_size)$/;
const NUMBER = /^(battery_level|screen_density)$/;
const BOOLEAN =
  /^(charging|online|simulator|low_memory|in_foreground|rooted|multi_threaded_rendering|supports_\w+)$/;
const STRING =
  /^(name|version|build|kernel_version|raw_description|arch|model(_id)?|family|manufacturer|brand|boot_time|timezone|locale|cpu_description|app_(start_time|name|version|build|identifier))$/;
const TYPED_CONTEXTS = /^(device|os|runtime|app|browser|gpu|response)$/;

/** `value` as the type of context field `field` wants it, or undefined. */
const typed = (field: string, value: any): any => {
  const number = typeof value === 'string' && value.trim() ? +value : value;
  return STRING.test(field)
    ? /^(string|number|boolean)$/.test(typeof value)
      ? `${value}`
      : undefined
    : BOOLEAN.test(field)
      ? typeof value === 'boolean'
        ? value
        : undefined
      : !NUMBER.test(field) && !INTEGER.test(field)
        ? value
        : typeof number !== 'number' || !Number.isFinite(number)
          ? undefined
          : INTEGER.test(field)
            ? Math.round(number)
            : number;
};

/**
 * The rules without which the ingest would lose a whole event, a tag or a breadcrumb, but lone
 * surrogates: level names, millisecond timestamps, tag keys and values, release and environment
 * names. Changes `event` in place (a wire
 * event is the pipeline's own copy). The browser, whose bundle is counted in bytes, applies
 * these and replaces lone surrogates while sanitizing; {@link normalizeEvent} applies them all.
 */
export function normalizeEventEssentials(event: WireEvent, logger?: Logger): WireEvent {
  const out: any = event;
  out.level = toLevel(out.level);
  // Not a number (a hook's string, NaN): the time of sending.
  out.timestamp = seconds(+out.timestamp || Date.now() / 1000);
  // Tags: relay-event-schema `protocol/tags.rs` (`TagEntry`): keys at most 200 characters of
  // `a-zA-Z0-9_.:-`, each other character becoming `_`; values without a newline, at most 200
  // characters (cut while sanitizing; Relay trims them); a tag with an empty value is dropped
  // (https://develop.sentry.dev/sdk/data-model/event-payloads/#optional-attributes).
  // A tag named `__proto__` stays a tag (setKey); a plain object, as Object.create(null) makes
  // a slower dictionary one, and JSON.stringify reads it slower too.
  const tags: Record<string, string> = {};
  for (const key in out.tags) {
    // A value that is not a string (a misused setTag, or beforeSend) becomes its JSON.
    const tag = out.tags[key];
    const value = (typeof tag === 'string' ? tag : JSON.stringify(tag)).replace(/\n/g, ' ');
    if (value.trim()) setKey(tags, key.replace(/[^\w.:-]/g, '_').slice(0, 200), value);
    else logger?.debug(`tag ${key} dropped: empty`);
  }
  out.tags = tags;
  // Breadcrumbs: seconds and Sentry's level names, as on the event. In a new list, where only a
  // breadcrumb that changes is copied: the others may be frozen, shared by events.
  const crumbs = out.breadcrumbs;
  if (crumbs?.values)
    out.breadcrumbs = {
      ...crumbs,
      values: crumbs.values.map((crumb: any) => {
        const timestamp = crumb.timestamp && seconds(crumb.timestamp);
        const level = crumb.level && toLevel(crumb.level);
        return timestamp === crumb.timestamp && level === crumb.level
          ? crumb
          : { ...crumb, timestamp, level };
      }),
    };
  names(out);
  return out;
}

/**
 * Contexts (https://develop.sentry.dev/sdk/data-model/event-payloads/contexts/) in a copy, the
 * fields of well-known ones typed, a trace context without valid ids left out.
 */
const typedContexts = (given: any): any => {
  const contexts = { ...given };
  for (const alias in contexts) {
    let context = contexts[alias];
    if (context && typeof context === 'object') contexts[alias] = context = { ...context };
    else context = Object(context);
    const type = context.type ?? alias;
    // A trace context needs a 32-hex `trace_id` and a 16-hex `span_id`.
    if (
      type === 'trace' &&
      !(/^[\da-f]{32}$/.test(context.trace_id) && /^[\da-f]{16}$/.test(context.span_id))
    )
      delete contexts[alias];
    else if (TYPED_CONTEXTS.test(type))
      for (const field in context) {
        const value = typed(field, context[field]);
        if (value === undefined) delete context[field];
        else context[field] = value;
      }
  }
  return contexts;
};

/** What the sanitizer remembered (see sanitize-memory.ts), as the protocol step uses it. */
export interface KnownParts {
  /** Parts known to be well-formed and frozen: not read again. */
  wellFormed: WeakSet<object>;
  /** `make(part)`, for a remembered part made once and shared by the events that hold it. */
  once<T>(part: unknown, make: (part: any) => T): T;
}

/**
 * Makes a sanitized event valid for the ingest (https://develop.sentry.dev/sdk/data-model/event-payloads/):
 * lone surrogates, {@link normalizeEventEssentials}, then release and environment names and
 * well-known contexts. Returns a new event, a deep copy only when a lone surrogate needs
 * replacing (otherwise the parts it changes are copied, the rest is shared: it may be frozen);
 * never throws (the event comes back unchanged if anything goes wrong). `known` holds what the
 * sanitizer remembered: parts not read again, contexts typed once.
 */
export function normalizeEvent(event: WireEvent, logger?: Logger, known?: KnownParts): WireEvent {
  try {
    // What the steps below change in place: the top level (the parts they change are copied).
    const out: any = allWellFormed(event, known?.wellFormed) ? { ...event } : wellFormed(event);
    normalizeEventEssentials(out, logger);
    if (out.contexts)
      out.contexts = known ? known.once(out.contexts, typedContexts) : typedContexts(out.contexts);
    return out;
  } catch (error) {
    logger?.debug('protocol step failed; the event is sent as it is', error);
    return event;
  }
}
