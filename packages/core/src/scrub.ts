import { createMemo } from './memo.js';
import { setKey, truncate } from './normalize.js';
import {
  type CompiledScrub,
  compileScrub,
  EMAIL_MASK,
  FILTERED,
  IP_MASK,
  isCardNumber,
  isLoopbackIp,
  isSensitiveKeyWith,
  looksLikeSecret,
  luhnValid,
  normalizeKey,
  PAIR_HEAD,
  PAIR_VALUE,
  PROSE_KEYS,
  type ScrubOptions,
  SECRET_PATTERN,
  VALUE_PATTERN,
} from './scrub-patterns.js';

export type { CompiledScrub, ScrubOptions } from './scrub-patterns.js';
export { compileScrub, FILTERED, isSensitiveKeyWith };

/** `text` filters every `key=value`; `code` (source lines) only quoted literals, so code stays readable. */
export type ScrubMode = 'text' | 'code';

/** Whether values under `key` are filtered (case- and separator-insensitive). Never throws. */
export function isSensitiveKey(key: string, options?: ScrubOptions): boolean {
  try {
    return isSensitiveKeyWith(String(key), compileScrub(options));
  } catch {
    return true;
  }
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function tokenEdit(m: RegExpExecArray, g: Record<string, string | undefined>): Edit | undefined {
  const end = m.index + m[0].length;
  const after = (pre: string | undefined, text: string): Edit => ({
    start: m.index + (pre ?? '').length,
    end,
    text,
  });
  if (g.pem !== undefined || g.aws !== undefined || g.vendor !== undefined) return after('', FILTERED);
  if (g.urlPass !== undefined) return { start: end - g.urlPass.length - 1, end: end - 1, text: FILTERED };
  if (g.hookPath !== undefined) return { start: end - g.hookPath.length, end, text: FILTERED };
  if (g.authCred !== undefined) {
    return looksLikeSecret(g.authCred) ? { start: end - g.authCred.length, end, text: FILTERED } : undefined;
  }
  if (g.jwt !== undefined) return after(g.jwtPre, FILTERED);
  if (g.card !== undefined) return luhnValid(g.card) ? after(g.cardPre, FILTERED) : undefined;
  if (g.email !== undefined) return after(g.emailPre, EMAIL_MASK);
  if (g.ipv4 !== undefined) return isLoopbackIp(g.ipv4) ? undefined : after(g.ipv4Pre, IP_MASK);
  if (g.ipv6 !== undefined) {
    const hexDigits = g.ipv6.replace(/[^0-9A-Fa-f]/g, '').length;
    if (isLoopbackIp(g.ipv6) || (hexDigits < 4 && !g.ipv6.includes('.'))) return undefined;
    return after(g.ipv6Pre, IP_MASK);
  }
  return undefined;
}

function replaceTokens(value: string, compiled: CompiledScrub): string {
  const re = compiled.pii ? SECRET_PATTERN : VALUE_PATTERN;
  re.lastIndex = 0;
  let out = '';
  let last = 0;
  for (let m = re.exec(value); m !== null; m = re.exec(value)) {
    const edit = tokenEdit(m, m.groups ?? {});
    if (edit === undefined) {
      re.lastIndex = m.index + 1;
      continue;
    }
    out += value.slice(last, edit.start) + edit.text;
    last = edit.end;
    re.lastIndex = Math.max(edit.end, m.index + 1);
  }
  return last === 0 ? value : out + value.slice(last);
}

/** An identifier chain without digits, maybe called: `getToken(`, `req.body.password`. */
const CODE_LIKE = /^[A-Za-z_$]+(?:\.[A-Za-z_$]+)*(?:\(.*)?$/;

function pairValueHit(
  key: string,
  sep: string,
  query: boolean,
  v: Record<string, string | undefined>,
  mode: ScrubMode,
): boolean {
  const quoted = v.dq !== undefined || v.eq !== undefined || v.sq !== undefined;
  const value = v.dv ?? v.ev ?? v.sv ?? v.uv ?? '';
  if (value === FILTERED || value === EMAIL_MASK || value === IP_MASK) return false;
  // Source lines: `token = getToken()` is code; `token: 9f8e7d` and `?token=abc` are data.
  if (mode === 'code' && !quoted && !query && /[ \t]/.test(sep) && CODE_LIKE.test(value)) return false;
  // "Unexpected token: }" is prose, "token: 9f8e7d" is a credential.
  const prose = !quoted && /:[ \t]/.test(sep) && !/["']/.test(sep) && PROSE_KEYS.has(normalizeKey(key));
  return !(prose && !looksLikeSecret(value));
}

function replacePairs(value: string, compiled: CompiledScrub, mode: ScrubMode): string {
  const re = PAIR_HEAD;
  re.lastIndex = 0;
  let out = '';
  let last = 0;
  for (let m = re.exec(value); m !== null; m = re.exec(value)) {
    const { pre = '', key = '', sep = '' } = m.groups ?? {};
    const valueStart = m.index + m[0].length;
    re.lastIndex = valueStart;
    const query = pre === '?' || pre === '&' || pre === '#' || pre === ';';
    if (!isSensitiveKeyWith(key, compiled, query)) continue;
    PAIR_VALUE.lastIndex = valueStart;
    const v = PAIR_VALUE.exec(value);
    if (v === null || !pairValueHit(key, sep, query, v.groups ?? {}, mode)) continue;
    const start = valueStart + (v.groups?.dq ?? v.groups?.eq ?? v.groups?.sq ?? '').length;
    const end = valueStart + v[0].length;
    out += value.slice(last, start) + FILTERED;
    last = end;
    re.lastIndex = end;
  }
  return last === 0 ? value : out + value.slice(last);
}

/**
 * Results of scrubbing short strings with the built-in rules alone (no user deny/allow lists or
 * patterns), one slot per PII setting and mode. Frame names, file paths, source lines and
 * header values repeat from one event to the next; scrubbing each once is what keeps an error
 * storm cheap. Keyed by the string itself, whose hash the engine keeps, so a hit costs a lookup.
 */
const CACHE_MAX_LENGTH = 256;
const builtinCache = createMemo<Array<string | undefined>>(512);

/** String scrubbing with prepared options. */
export function scrubStringWith(value: string, compiled: CompiledScrub, mode: ScrubMode = 'text'): string {
  if (value.length < 3) return value;
  const cacheable =
    value.length <= CACHE_MAX_LENGTH &&
    compiled.deny.length === 0 &&
    compiled.denyRe.length === 0 &&
    compiled.allow.size === 0 &&
    compiled.patterns.length === 0;
  if (!cacheable) return scrubUncached(value, compiled, mode);
  const slot = (compiled.pii ? 2 : 0) + (mode === 'code' ? 1 : 0);
  let slots = builtinCache.get(value);
  if (slots === undefined) {
    slots = [];
    builtinCache.set(value, slots);
  }
  let out = slots[slot];
  if (out === undefined) {
    out = scrubUncached(value, compiled, mode);
    slots[slot] = out;
  }
  return out;
}

function scrubUncached(value: string, compiled: CompiledScrub, mode: ScrubMode): string {
  let out = replacePairs(replaceTokens(value, compiled), compiled, mode);
  for (const pattern of compiled.patterns) {
    pattern.lastIndex = 0;
    out = out.replace(pattern, FILTERED);
  }
  return out;
}

/**
 * Removes secrets from free text: credentials of known formats, card numbers, passwords in
 * URLs, `key=value` pairs with sensitive keys; masks e-mail and IP addresses unless
 * `sendDefaultPii`. Everything else is left as it was. Never throws.
 */
export function scrubString(value: string, options?: ScrubOptions): string {
  try {
    return scrubStringWith(String(value), compileScrub(options));
  } catch {
    return FILTERED;
  }
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function encode(text: string): string {
  return encodeURIComponent(text).replace(/%(5B|5D|40|3A|2F)/gi, (code) => decodeURIComponent(code));
}

/** Scrubs an `a=1&b=2` string: sensitive parameter names by key, every value by content. */
export function scrubQueryStringWith(query: string, compiled: CompiledScrub): string {
  return query
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq < 0) return scrubStringWith(part, compiled);
      const rawKey = part.slice(0, eq);
      const key = scrubStringWith(rawKey, compiled);
      if (isSensitiveKeyWith(decode(rawKey), compiled, true)) return `${key}=${FILTERED}`;
      const raw = part.slice(eq + 1);
      const decoded = decode(raw);
      const scrubbed = scrubStringWith(decoded, compiled);
      return `${key}=${scrubbed === decoded ? raw : encode(scrubbed)}`;
    })
    .join('&');
}

/** URL scrubbing with prepared options. */
export function scrubUrlWith(url: string, compiled: CompiledScrub): string {
  const hashAt = url.indexOf('#');
  let base = hashAt >= 0 ? url.slice(0, hashAt) : url;
  const fragment = hashAt >= 0 ? url.slice(hashAt + 1) : undefined;
  const queryAt = base.indexOf('?');
  const query = queryAt >= 0 ? base.slice(queryAt + 1) : undefined;
  if (queryAt >= 0) base = base.slice(0, queryAt);
  let out = scrubStringWith(base, compiled);
  if (query !== undefined) out += `?${scrubQueryStringWith(query, compiled)}`;
  if (fragment !== undefined) {
    // OAuth implicit flow returns `#access_token=…` in the fragment.
    out += `#${fragment.includes('=') ? scrubQueryStringWith(fragment, compiled) : scrubStringWith(fragment, compiled)}`;
  }
  return out;
}

/**
 * Scrubs a URL: the password in `user:pass@`, sensitive query and fragment parameters
 * (`token`, `password`, `api_key`, `sig`, `code`, …, percent-decoded first) and secrets
 * anywhere else in it. Never throws.
 */
export function scrubUrl(url: string, options?: ScrubOptions): string {
  try {
    return scrubUrlWith(String(url), compileScrub(options));
  } catch {
    return FILTERED;
  }
}

function keep(value: unknown): boolean {
  return value === null || typeof value === 'boolean';
}

/** Deep scrubbing with prepared options. */
export function scrubValueWith(value: unknown, compiled: CompiledScrub, ancestors: object[] = []): unknown {
  if (typeof value === 'string') return scrubStringWith(value, compiled);
  if (typeof value === 'number') return isCardNumber(value) ? FILTERED : value;
  if (value === null || typeof value !== 'object') return value;
  if (ancestors.includes(value) || ancestors.length > 100) return '[Circular]';
  ancestors.push(value);
  try {
    if (Array.isArray(value)) return value.map((item) => scrubValueWith(item, compiled, ancestors));
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      const safeKey = scrubStringWith(key, compiled);
      if (isSensitiveKeyWith(key, compiled)) setKey(out, safeKey, keep(item) ? item : FILTERED);
      else setKey(out, safeKey, scrubValueWith(item, compiled, ancestors));
    }
    return out;
  } finally {
    ancestors.pop();
  }
}

/**
 * Scrubs JSON-safe data (the output of `normalize`): values under sensitive keys become
 * `[Filtered]` (null and booleans are kept), strings and keys are scrubbed by content,
 * integers that are card numbers are filtered. Never throws.
 */
export function scrubValue(value: unknown, options?: ScrubOptions): unknown {
  try {
    return scrubValueWith(value, compileScrub(options));
  } catch {
    return FILTERED;
  }
}

/** Header scrubbing with prepared options. */
export function scrubHeadersWith(
  headers: Record<string, string | string[] | undefined>,
  compiled: CompiledScrub,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(headers)) {
    try {
      const raw: unknown = headers[key];
      if (raw === undefined || raw === null) continue;
      const value = Array.isArray(raw) ? raw.map(String).join(', ') : String(raw);
      const safe = isSensitiveKeyWith(key, compiled)
        ? FILTERED
        : scrubStringWith(truncate(value, 16_384), compiled);
      setKey(out, truncate(key, 256), truncate(safe, 8192));
    } catch {
      setKey(out, truncate(String(key), 256), FILTERED);
    }
  }
  return out;
}

/**
 * Flattens and scrubs HTTP headers: `authorization`, `proxy-authorization`, `cookie`,
 * `set-cookie`, `x-api-key` and any other sensitive name become `[Filtered]`, the rest is
 * scrubbed by content. Never throws.
 */
export function scrubHeaders(
  headers: Record<string, string | string[] | undefined>,
  options?: ScrubOptions,
): Record<string, string> {
  try {
    if (headers === null || typeof headers !== 'object') return {};
    return scrubHeadersWith(headers, compileScrub(options));
  } catch {
    return {};
  }
}
