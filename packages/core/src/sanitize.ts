import { nowSeconds, uuid4 } from './ids.js';
import { firstKeys, normalize, type Scrubber, setKey, truncate } from './normalize.js';
import { sanitizeRequestWith } from './request.js';
import {
  fitEvent,
  isRecord,
  jsonBytesBound,
  minimalEvent,
  readArray,
  readField,
  validId,
  validLevel,
} from './sanitize-fit.js';
import type { SanitizeMemory, Sized } from './sanitize-memory.js';
import {
  type CompiledScrub,
  compileScrub,
  isSensitiveKeyWith,
  type ScrubMode,
  type ScrubOptions,
  scrubStringWith,
  scrubValueWith,
} from './scrub.js';
import { FILTERED, isCardNumber, normalizeKey, PERSONAL_KEY, siblingSecrets } from './scrub-patterns.js';
import type {
  Breadcrumb,
  DebugMeta,
  ExceptionValue,
  FaultlineEvent,
  Mechanism,
  MonitorConfig,
  SdkInfo,
  StackFrame,
  User,
  WireCheckIn,
  WireEvent,
} from './types.js';

export interface SanitizeOptions extends ScrubOptions {
  /**
   * Largest event, in bytes of UTF-8 JSON; bigger events are trimmed (oldest breadcrumbs,
   * then `extra`, then long strings, then source context) until they fit.
   * @default 1048576
   */
  maxEventBytes?: number;
  /** @default 10 */
  maxDepth?: number;
  /** @default 100 */
  maxBreadth?: number;
  /** @default 16384 */
  maxStringLength?: number;
}

/** Strings are scanned this far past their limit, so a secret cut by truncation is still recognised. */
const SCAN_MARGIN = 4096;
// Tag keys are read this far; the protocol step keeps 200 characters of them (`protocol.ts`).
const LIMITS = { tagKey: 1024, tagValue: 200, release: 200 };

interface Context {
  compiled: CompiledScrub;
  /** Where sanitized frames and parts are remembered; only under the built-in scrub rules alone. */
  memory?: SanitizeMemory | undefined;
  /** What a sanitized part depends on besides its data: PII setting and limits. */
  limits: unknown[];
  /** Bounds of the JSON size of the event's fields known while building (see `fitEvent`). */
  known: Map<string, number>;
  /** Sum of the bounds of the frames sanitized since it was last set to 0. */
  framesBound: number;
  scrubber: Scrubber;
  maxDepth: number;
  maxBreadth: number;
  maxString: number;
  maxBytes: number;
}

function text(value: unknown, max: number, ctx: Context, mode: ScrubMode = 'text'): string | undefined {
  if (typeof value === 'number' || typeof value === 'boolean') value = String(value);
  if (typeof value !== 'string') return undefined;
  return truncate(scrubStringWith(truncate(value, max + SCAN_MARGIN), ctx.compiled, mode), max);
}

/**
 * Arbitrary user data, in one walk: normalized, scrubbed by key and content (every string and
 * key, card numbers among numbers), strings bounded.
 */
function data(value: unknown, ctx: Context, extraDepth = 0): unknown {
  return normalize(
    value,
    {
      maxDepth: ctx.maxDepth + extraDepth,
      maxBreadth: ctx.maxBreadth,
      maxStringLength: ctx.maxString + SCAN_MARGIN,
      filterKey: (key) => isSensitiveKeyWith(key, ctx.compiled),
    },
    ctx.scrubber,
  );
}

function record(value: unknown, ctx: Context): Record<string, unknown> | undefined {
  if (!isRecord(value)) return undefined;
  const out = data(value, ctx, 1);
  return isRecord(out) && Object.keys(out).length > 0 ? out : undefined;
}

function put<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

function integer(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
}

function bool(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

function lines(value: unknown, ctx: Context): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return readArray(value, 25, 'tail').map((line) => text(line, 1024, ctx, 'code') ?? '');
}

/**
 * Copies the fields named in `spec` from `raw` to `out`, each sanitized by its kind: a number is
 * a text limit, `i` a non-negative integer, `b` a boolean, `r` arbitrary data, `l` source lines,
 * `c` a source line (scrubbed as code). Fields that are missing or invalid are left out.
 */
const specs = new Map<string, Array<[string, string]>>();

function parseSpec(spec: string): Array<[string, string]> {
  let fields = specs.get(spec);
  if (!fields) {
    fields = spec.split(' ').map((field) => {
      const [key = '', kind = ''] = field.split(':');
      return [key, kind];
    });
    specs.set(spec, fields);
  }
  return fields;
}

function copy<T extends object>(out: T, raw: unknown, spec: string, ctx: Context): T {
  for (const [key, kind] of parseSpec(spec)) {
    const value = readField(raw, key);
    put(
      out as Record<string, unknown>,
      key,
      kind === 'i'
        ? integer(value)
        : kind === 'b'
          ? bool(value)
          : kind === 'r'
            ? record(value, ctx)
            : kind === 'l'
              ? lines(value, ctx)
              : kind === 'c'
                ? text(value, 1024, ctx, 'code')
                : text(value, +kind, ctx),
    );
  }
  return out;
}

const FRAME =
  'filename:1024 abs_path:1024 function:512 module:512 lineno:i colno:i in_app:b pre_context:l context_line:c post_context:l vars:r';

/** A sanitized frame (through {@link part}, which remembers frames too). */
const frame = (raw: unknown, ctx: Context) => copy<StackFrame>({}, raw, FRAME, ctx);

function mechanism(raw: unknown, ctx: Context): Mechanism | undefined {
  if (!isRecord(raw)) return undefined;
  const type = text(readField(raw, 'type'), 128, ctx) || 'generic';
  return copy<Mechanism>(
    { type },
    raw,
    'handled:b synthetic:b source:256 exception_id:i parent_id:i is_exception_group:b data:r',
    ctx,
  );
}

function exception(raw: unknown, ctx: Context): { values: ExceptionValue[] } | undefined {
  const values = readArray(readField(raw, 'values'), 100, 'tail').filter(isRecord);
  // A bound of the JSON size, summed from the parts (the frames' bounds are known already):
  // `{"values":[…]}`, and for each value `,"stacktrace":{"frames":[…]}` and the separators.
  let bound = 16;
  const out = values.map((value): ExceptionValue => {
    const item = copy<ExceptionValue>({}, value, 'type:256 value:8192 module:256', ctx);
    put(item, 'mechanism', mechanism(readField(value, 'mechanism'), ctx));
    bound += jsonBytesBound(item, ctx.maxBytes) + 1;
    const frames = readArray(readField(readField(value, 'stacktrace'), 'frames'), 250, 'ends');
    if (frames.length > 0) {
      ctx.framesBound = 0;
      item.stacktrace = { frames: frames.map((f) => part('', f, ctx, frame) as StackFrame) };
      bound += ctx.framesBound + frames.length + 32;
    }
    return item;
  });
  ctx.known.set('exception', bound);
  return out.length > 0 ? { values: out } : undefined;
}

function breadcrumbs(raw: unknown, ctx: Context): { values: Breadcrumb[] } | undefined {
  // Newest first, and only as many as could ever fit: the rest would be dropped anyway.
  const values: Breadcrumb[] = [];
  // JSON length of the breadcrumbs taken, exact once their cheap upper bound passes the limit
  // (before that, the exact length is known to be below it).
  let bytes = 0;
  let bound = 0;
  const all = readArray(raw, 10_000, 'tail');
  for (let i = all.length - 1; i >= 0 && bytes <= ctx.maxBytes; i--) {
    const crumb = all[i];
    if (!isRecord(crumb)) continue;
    const out: Breadcrumb = {};
    const timestamp = readField(crumb, 'timestamp');
    if (typeof timestamp === 'number' && Number.isFinite(timestamp)) out.timestamp = timestamp;
    copy(out, crumb, 'type:64 category:128 message:8192', ctx);
    const level = readField(crumb, 'level');
    if (level !== undefined) out.level = validLevel(level);
    copy(out, crumb, 'data:r', ctx);
    values.push(out);
    if (bound > ctx.maxBytes) bytes += JSON.stringify(out).length;
    else {
      bound += jsonBytesBound(out, ctx.maxBytes);
      if (bound > ctx.maxBytes) bytes = values.reduce((sum, crumb) => sum + JSON.stringify(crumb).length, 0);
    }
  }
  return values.length > 0 ? { values: values.reverse() } : undefined;
}

/** User fields that identify a person: sent only with `sendDefaultPii` (the id always is). */
const PERSONAL = ['username', 'email', 'ip_address', 'name', 'geo'];
/** Other members of a user that reach a person: those of any data ({@link PERSONAL_KEY}), any address or mobile number, a handle or login. */
const personalMember = (key: string) =>
  PERSONAL_KEY.test(key) || /address|street|mobile|^(?:handle|login)$/.test(key);

function user(raw: unknown, ctx: Context): User | undefined {
  if (!isRecord(raw)) return undefined;
  const rest = record(raw, ctx) ?? {};
  delete rest.id;
  // The ingest reads these as text (`geo` as an object): another type would be dropped there.
  for (const key of PERSONAL)
    if (!ctx.compiled.pii || (key !== 'geo' && typeof rest[key] !== 'string')) delete rest[key];
  if (!ctx.compiled.pii)
    for (const key of Object.keys(rest)) if (personalMember(normalizeKey(key))) delete rest[key];
  const out: User = {};
  const rawId = readField(raw, 'id');
  if (typeof rawId === 'number' && Number.isFinite(rawId)) out.id = rawId;
  else if (typeof rawId === 'string' && rawId !== '') put(out, 'id', text(rawId, 256, ctx));
  Object.assign(out, rest);
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Tags that name the user as its personal fields do (`username`, `user.email`, `user.ip`): sent
 * only with `sendDefaultPii`.
 */
const PERSONAL_TAG = /^(?:username|(?:user)?e?mail(?:address)?|user(?:ip|ipaddress)|ipaddress)$/;
const personalTag = (key: string) => /mail|user|ip/i.test(key) && PERSONAL_TAG.test(normalizeKey(key));

function tags(raw: unknown, ctx: Context): Record<string, string> | undefined {
  if (!isRecord(raw)) return undefined;
  const out: Record<string, string> = {};
  const keys = firstKeys(raw, 200)[0];
  const sensitive = (key: string) => isSensitiveKeyWith(key, ctx.compiled);
  // A person's name beside their e-mail, as in any object (a `name` tag beside an `email` tag).
  let named: ((key: string) => boolean) | undefined;
  try {
    named = siblingSecrets(raw, keys, sensitive, false);
  } catch {
    // A tag that cannot be read names nothing.
  }
  for (const key of keys) {
    const value = readField(raw, key);
    const name = text(key, LIMITS.tagKey, ctx);
    if (!name || value === undefined || value === null || typeof value === 'object') continue;
    const safe =
      sensitive(key) || named?.(key) || (!ctx.compiled.pii && personalTag(key))
        ? FILTERED
        : text(typeof value === 'string' ? value : String(value), LIMITS.tagValue, ctx);
    // Tag values may not contain newlines (https://develop.sentry.dev/sdk/data-model/event-payloads/#optional-attributes).
    if (safe !== undefined) setKey(out, name, safe.replace(/[\r\n]+/g, ' '));
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function contexts(raw: unknown, ctx: Context): WireEvent['contexts'] {
  const scrubbed = record(raw, ctx);
  if (scrubbed === undefined) return undefined;
  const out: NonNullable<WireEvent['contexts']> = {};
  for (const [name, value] of Object.entries(scrubbed)) {
    setKey(out, name, isRecord(value) ? value : { value });
  }
  return out;
}

/**
 * The SDK that sent the event. `settings.infer_ip` tells the ingest whether to take the sender's
 * address as the user's IP: missing, Relay does so for every `javascript` event (its legacy
 * rule), which would store a visitor's IP without `sendDefaultPii`. A page's address is its
 * visitor's, so pages with `sendDefaultPii` allow it; a server's is its own, never the user's.
 */
function sdk(raw: unknown, ctx: Context, platform: string): SdkInfo {
  const out: SdkInfo = {
    name: text(readField(raw, 'name'), 128, ctx) || 'faultline.javascript',
    version: text(readField(raw, 'version'), 64, ctx) || '0.0.0',
    settings: { infer_ip: ctx.compiled.pii && platform === 'javascript' ? 'auto' : 'never' },
  };
  const integrations = readArray(readField(raw, 'integrations'), 100, 'head').filter(
    (i) => typeof i === 'string',
  );
  if (integrations.length > 0) out.integrations = integrations.map((i) => truncate(i, 128));
  const packages = readArray(readField(raw, 'packages'), 50, 'head').filter(isRecord);
  if (packages.length > 0) {
    out.packages = packages.map((p) => ({
      name: text(readField(p, 'name'), 128, ctx) ?? '',
      version: text(readField(p, 'version'), 64, ctx) ?? '',
    }));
  }
  return out;
}

const requestPart = (raw: unknown, ctx: Context) => sanitizeRequestWith(raw, ctx.compiled, 65_536);

/**
 * A part of the event that the scope gives every event alike (request, user, contexts, tags,
 * extra, breadcrumbs), or a stack frame (`name` empty), sanitized by `make`, or remembered (see
 * sanitize-memory.ts); the bound of the size of its JSON is kept in `ctx.known`, or for a frame
 * added to `ctx.framesBound`.
 */
function part<T>(
  name: string,
  raw: unknown,
  ctx: Context,
  make: (raw: unknown, ctx: Context) => T | undefined,
): T | undefined {
  const build = (): Sized<T | undefined> => {
    const out = make(raw, ctx);
    return { out, bound: jsonBytesBound(out, ctx.maxBytes) };
  };
  const sized = ctx.memory ? ctx.memory.recall(name ? 1 : 0, name, raw, ctx.limits, build) : build();
  if (name) ctx.known.set(name, sized.bound);
  else ctx.framesBound += sized.bound;
  return sized.out;
}

function build(event: FaultlineEvent, ctx: Context): WireEvent {
  const get = (key: string) => readField(event, key);
  const timestamp = get('timestamp');
  const platform = text(get('platform'), 64, ctx) || 'javascript';
  const wire: WireEvent = {
    event_id: validId(get('event_id')) ?? uuid4(),
    timestamp: typeof timestamp === 'number' && Number.isFinite(timestamp) ? timestamp : nowSeconds(),
    platform,
    level: validLevel(get('level')),
    sdk: sdk(get('sdk'), ctx, platform),
  };
  copy(wire, event, 'message:8192', ctx);
  put(wire, 'exception', exception(get('exception'), ctx));
  put(wire, 'request', part('request', get('request'), ctx, requestPart));
  put(wire, 'user', part('user', get('user'), ctx, user));
  put(wire, 'contexts', part('contexts', get('contexts'), ctx, contexts));
  put(wire, 'tags', part('tags', get('tags'), ctx, tags));
  put(wire, 'extra', part('extra', get('extra'), ctx, record));
  const fingerprint = readArray(get('fingerprint'), 64, 'head')
    .map((part) => text(part, 512, ctx))
    .filter((part): part is string => part !== undefined);
  if (fingerprint.length > 0) wire.fingerprint = fingerprint;
  copy(wire, event, 'transaction:200', ctx);
  put(wire, 'breadcrumbs', part('breadcrumbs', get('breadcrumbs'), ctx, breadcrumbs));
  // Ingest limits (https://develop.sentry.dev/sdk/data-model/event-payloads/).
  copy(wire, event, 'release:200 environment:64 dist:64 server_name:256 logger:64', ctx);
  const images = readArray(readField(get('debug_meta'), 'images'), 100, 'head')
    .filter(isRecord)
    .map((image) => {
      const out: DebugMeta['images'][number] = {
        type: text(readField(image, 'type'), 64, ctx) || 'sourcemap',
      };
      put(out, 'code_file', text(readField(image, 'code_file'), 1024, ctx));
      put(out, 'debug_id', text(readField(image, 'debug_id'), 64, ctx));
      return out;
    });
  if (images.length > 0) wire.debug_meta = { images };
  return wire;
}

/**
 * Turns the pipeline's event into its wire form, last thing before the envelope: every field
 * normalized and scrubbed, limits of the ingest applied, and the whole event fitted under
 * `maxEventBytes`. Never throws: if anything goes wrong, a minimal event with a note is returned.
 * With a `memory`, frames and scope parts sanitized for earlier events are reused while they
 * hold the same data (under the built-in scrub rules only).
 */
export function sanitizeEvent(
  event: FaultlineEvent,
  options: SanitizeOptions = {},
  memory?: SanitizeMemory,
): WireEvent {
  const maxBytes = Math.max(512, integer(options.maxEventBytes) ?? 1024 * 1024);
  try {
    const compiled = compileScrub(options);
    const maxString = Math.max(16, integer(options.maxStringLength) ?? 16_384);
    const ctx: Context = {
      compiled,
      scrubber: {
        text: (value) => truncate(scrubStringWith(value, compiled), maxString),
        key: (key) => scrubStringWith(key, compiled),
        number: (value) => (isCardNumber(value) ? FILTERED : value),
      },
      maxDepth: integer(options.maxDepth) ?? 10,
      maxBreadth: integer(options.maxBreadth) ?? 100,
      maxString,
      maxBytes,
      limits: [],
      known: new Map(),
      framesBound: 0,
    };
    ctx.limits = [compiled.pii, ctx.maxDepth, ctx.maxBreadth, maxString, maxBytes];
    if (compiled.builtin) ctx.memory = memory;
    return fitEvent(build(event, ctx), maxBytes, ctx.known);
  } catch (error) {
    return minimalEvent(event, error);
  }
}

/**
 * Applies the check-in limits (slug 50, environment 64, release 200, check-in 100 KiB) and
 * scrubs every string it carries, the monitor config included, like an event's. Never throws.
 */
export function sanitizeCheckIn(checkIn: WireCheckIn, options: ScrubOptions = {}): WireCheckIn {
  try {
    return checkInFrom(checkIn, compileScrub(options));
  } catch {
    return { check_in_id: uuid4(), monitor_slug: 'unknown', status: 'error' };
  }
}

function checkInFrom(checkIn: WireCheckIn, compiled: CompiledScrub): WireCheckIn {
  const get = (key: string) => readField(checkIn, key);
  const field = (value: unknown, max: number) =>
    typeof value === 'string' && value !== '' ? truncate(scrubStringWith(value, compiled), max) : undefined;
  const status = get('status');
  const slug = get('monitor_slug');
  const out: WireCheckIn = {
    check_in_id: validId(get('check_in_id')) ?? uuid4(),
    monitor_slug: field(typeof slug === 'string' ? slug : String(slug ?? ''), 50) ?? '',
    status: status === 'in_progress' || status === 'ok' || status === 'error' ? status : 'error',
  };
  const duration = get('duration');
  if (typeof duration === 'number' && Number.isFinite(duration) && duration >= 0) out.duration = duration;
  put(out, 'release', field(get('release'), LIMITS.release));
  put(out, 'environment', field(get('environment'), 64));
  const config = scrubValueWith(
    normalize(get('monitor_config'), {
      maxDepth: 3,
      maxBreadth: 20,
      maxStringLength: 256,
      filterKey: (key) => isSensitiveKeyWith(key, compiled),
    }),
    compiled,
  );
  if (isRecord(config) && isRecord(config.schedule)) out.monitor_config = config as unknown as MonitorConfig;
  return out;
}
