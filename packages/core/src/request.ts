import { normalize, setKey, truncate } from './normalize.js';
import { isRecord, readField as read, truncateUtf8, utf8Length } from './sanitize-fit.js';
import {
  type CompiledScrub,
  compileScrub,
  isSensitiveKeyWith,
  type ScrubOptions,
  scrubHeadersWith,
  scrubQueryStringWith,
  scrubStringWith,
  scrubUrlWith,
  scrubValueWith,
} from './scrub.js';
import { FILTERED, isTokenParam, OAUTH_CALLBACK, tokenLike } from './scrub-patterns.js';
import type { RequestData } from './types.js';

/** The raw pieces of an incoming HTTP request, as a framework adapter sees them. */
export interface RequestDataParts {
  method?: string;
  /** Full URL, or a path with its query string. */
  url?: string;
  headers?: Record<string, string | string[] | undefined>;
  /** Parsed query object, or the raw query string; taken from `url` when absent. */
  query?: unknown;
  /** Parsed body (object, string, …). */
  body?: unknown;
  /** Client address. */
  ip?: string;
}

export interface RequestDataOptions {
  /**
   * Include the request body, the parsed cookies (sensitive ones still filtered) and the
   * client IP (`env.REMOTE_ADDR`). Bodies and cookies are personal data.
   * @default false
   */
  sendDefaultPii?: boolean;
  /**
   * Largest body kept, in bytes of JSON; a larger one becomes a truncated preview string.
   * @default 8192
   */
  maxBodyBytes?: number;
  scrub?: ScrubOptions;
}

const URL_LIMIT = 8192;
const SCAN_MARGIN = 4096;

function scrubbedUrl(url: string, compiled: CompiledScrub): string {
  return truncate(scrubUrlWith(truncate(url, URL_LIMIT + SCAN_MARGIN), compiled), URL_LIMIT);
}

/**
 * Query from a raw string or a parsed object, scrubbed by parameter name and by content; a token
 * under a short name (`?t=`, `?k=`, `?s=`, `?tk=`) is filtered as in text.
 */
function scrubQuery(query: unknown, compiled: CompiledScrub): string | Record<string, string> | undefined {
  if (typeof query === 'string') {
    const raw = query.startsWith('?') ? query.slice(1) : query;
    return raw === ''
      ? undefined
      : truncate(scrubQueryStringWith(truncate(raw, URL_LIMIT + SCAN_MARGIN), compiled), URL_LIMIT);
  }
  const parsed = normalize(query, { maxDepth: 3, maxBreadth: 100, maxStringLength: 2048 });
  if (!isRecord(parsed)) return undefined;
  const out: Record<string, string> = {};
  const keys = Object.keys(parsed);
  // An OAuth callback's `state`, whatever it reads as.
  const callback = keys.some((key) => OAUTH_CALLBACK.test(`?${key}=`));
  for (const key of keys) {
    const value = parsed[key];
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    setKey(
      out,
      scrubStringWith(key, compiled),
      isSensitiveKeyWith(key, compiled, true) || isTokenParam(key, text) || (callback && key === 'state')
        ? FILTERED
        : truncate(scrubStringWith(text, compiled), 2048),
    );
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Body: normalized, scrubbed, and replaced by a preview string when over `maxBytes` of JSON. */
export function scrubBody(body: unknown, compiled: CompiledScrub, maxBytes: number): unknown {
  if (body === undefined || body === null || body === '') return undefined;
  const limit = Math.max(64, maxBytes);
  const data = scrubValueWith(
    normalize(body, {
      maxDepth: 10,
      maxBreadth: 200,
      maxStringLength: Math.min(limit + SCAN_MARGIN, 1 << 20),
      filterKey: (key) => isSensitiveKeyWith(key, compiled),
    }),
    compiled,
  );
  const json = typeof data === 'string' ? data : JSON.stringify(data);
  const bytes = utf8Length(json);
  if (bytes <= limit) return data;
  return `${truncateUtf8(json, limit - 48)}… [truncated, ${bytes} bytes]`;
}

/**
 * A cookie that holds a session or a token whatever its name: under a name the app chose
 * (express-session's `name` option, `remember_web_…`), or a shorter token under a short name that
 * says one (`rt=`, `at=`, `tok=`).
 */
const tokenCookie = (name: string, value: string): boolean => tokenLike(value) || isTokenParam(name, value);

/** Cookie header → name/value map; values of sensitive names filtered, the rest scrubbed. */
function parseCookies(header: string, compiled: CompiledScrub): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  let count = 0;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    const name = (eq >= 0 ? part.slice(0, eq) : part).trim();
    if (name === '' || count >= 100) continue;
    count += 1;
    const value = eq >= 0 ? part.slice(eq + 1).trim() : '';
    setKey(
      out,
      truncate(scrubStringWith(name, compiled), 256),
      isSensitiveKeyWith(name, compiled) || tokenCookie(name, value)
        ? FILTERED
        : truncate(scrubStringWith(value, compiled), 1024),
    );
  }
  return count > 0 ? out : undefined;
}

function headerValue(headers: Record<string, unknown>, name: string): string | undefined {
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() !== name) continue;
    const value = read(headers, key);
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return value.map(String).join('; ');
  }
  return undefined;
}

/**
 * A map of strings scrubbed by key and content; for `cookies`, a value that is a token is filtered
 * whatever its name, as in {@link parseCookies}.
 */
function stringMap(value: unknown, compiled: CompiledScrub, cookies?: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  const normalized = normalize(value, { maxDepth: 2, maxBreadth: 100, maxStringLength: 4096 });
  if (!isRecord(normalized)) return out;
  for (const key of Object.keys(normalized)) {
    const item = normalized[key];
    const text = typeof item === 'string' ? item : JSON.stringify(item);
    setKey(
      out,
      key,
      isSensitiveKeyWith(key, compiled) || (cookies && tokenCookie(key, text))
        ? FILTERED
        : truncate(scrubStringWith(text, compiled), 1024),
    );
  }
  return out;
}

function method(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? truncate(value, 32).toUpperCase() : undefined;
}

function put<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value === undefined) return;
  if (isRecord(value) && Object.keys(value).length === 0) return;
  target[key] = value;
}

/**
 * Builds the event's `request` from the raw parts of an HTTP request: headers scrubbed
 * (credentials and cookies filtered), URL and query scrubbed; the body, parsed cookies and the
 * client IP only with `sendDefaultPii`. Never throws.
 */
export function requestDataFrom(parts: RequestDataParts, options: RequestDataOptions = {}): RequestData {
  try {
    const pii = options.sendDefaultPii === true || options.scrub?.sendDefaultPii === true;
    const compiled = compileScrub({ ...options.scrub, sendDefaultPii: pii });
    const out: RequestData = {};
    put(out, 'method', method(read(parts, 'method')));
    const url = read(parts, 'url');
    if (typeof url === 'string' && url !== '') put(out, 'url', scrubbedUrl(url, compiled));
    let query = read(parts, 'query');
    if (query === undefined && typeof url === 'string' && url.includes('?')) {
      query = url.slice(url.indexOf('?') + 1).split('#')[0];
    }
    put(out, 'query_string', scrubQuery(query, compiled));
    const headers = read(parts, 'headers');
    if (isRecord(headers)) {
      put(
        out,
        'headers',
        scrubHeadersWith(headers as Record<string, string | string[] | undefined>, compiled),
      );
      const cookie = headerValue(headers, 'cookie');
      if (pii && cookie !== undefined) put(out, 'cookies', parseCookies(cookie, compiled));
    }
    if (pii) put(out, 'data', scrubBody(read(parts, 'body'), compiled, options.maxBodyBytes ?? 8192));
    const ip = read(parts, 'ip');
    if (pii && typeof ip === 'string' && ip !== '') out.env = { REMOTE_ADDR: truncate(ip, 64) };
    return out;
  } catch {
    return {};
  }
}

/**
 * Re-sanitizes a `request` that may have been edited after collection (`beforeSend`,
 * integrations): cookies and `REMOTE_ADDR` are dropped without PII consent, everything is
 * scrubbed again. The body is kept (scrubbed, capped at `maxBodyBytes`) because only code that
 * chose to attach it can have put it there.
 */
export function sanitizeRequestWith(
  request: unknown,
  compiled: CompiledScrub,
  maxBodyBytes: number,
): RequestData | undefined {
  if (!isRecord(request)) return undefined;
  const out: RequestData = {};
  put(out, 'method', method(read(request, 'method')));
  const url = read(request, 'url');
  if (typeof url === 'string' && url !== '') put(out, 'url', scrubbedUrl(url, compiled));
  put(out, 'query_string', scrubQuery(read(request, 'query_string'), compiled));
  const headers = read(request, 'headers');
  if (isRecord(headers)) {
    put(out, 'headers', scrubHeadersWith(headers as Record<string, string | string[] | undefined>, compiled));
  }
  const cookies = read(request, 'cookies');
  if (compiled.pii && cookies !== undefined) put(out, 'cookies', stringMap(cookies, compiled, true));
  put(out, 'data', scrubBody(read(request, 'data'), compiled, maxBodyBytes));
  const env = read(request, 'env');
  if (env !== undefined) {
    const map = stringMap(env, compiled);
    if (!compiled.pii) delete map.REMOTE_ADDR;
    put(out, 'env', map);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
