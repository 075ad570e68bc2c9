import { createMemo } from './memo.js';
import { setKey, truncate } from './normalize.js';
import {
  type CompiledScrub,
  compileScrub,
  FILTERED,
  isCardNumber,
  isSecretArg,
  isSecretCommand,
  isSensitiveKeyWith as keyRules,
  redisPasswordAt,
  type ScrubMode,
  type ScrubOptions,
  scrubText,
  siblingSecrets,
  tokenLike,
} from './scrub-patterns.js';

export type { CompiledScrub, ScrubMode, ScrubOptions } from './scrub-patterns.js';
export { compileScrub, FILTERED };

/**
 * Verdicts of the built-in key rules, per key, `query` flag and `sendDefaultPii` (personal keys
 * such as `phone` are sensitive without it): the same few keys (`authorization`, `user-agent`,
 * `message`) come back in every event. At most 1,024 keys each, then it starts over.
 */
const verdicts = /* @__PURE__ */ [0, 1, 2, 3].map(() => new Map<string, boolean>());

/** Longest key the rules are run on (a tag key's limit); longer ones are sensitive. */
const MAX_JUDGED_KEY = 1024;

/**
 * Whether values under `key` are filtered; `query` adds URL-parameter names such as `code` and
 * `key`. The rules of `scrub-patterns.ts`, remembered per key when no deny or allow list applies.
 */
export function isSensitiveKeyWith(key: string, compiled: CompiledScrub, query?: boolean): boolean {
  // A key too long to judge cheaply is sensitive: its value is filtered rather than every event
  // running the rules over it, and no sensitive word can hide past the part that was judged.
  if (key.length > MAX_JUDGED_KEY) return true;
  const memo = compiled.builtin && key.length < 65 && verdicts[+!!query + 2 * +compiled.pii]!;
  let verdict = memo ? memo.get(key) : undefined;
  if (verdict === undefined) {
    verdict = keyRules(key, compiled, query);
    if (memo) {
      if (memo.size > 1023) memo.clear();
      memo.set(key, verdict);
    }
  }
  return verdict;
}

/**
 * Whether values under `key` are filtered (case- and separator-insensitive; any key longer than
 * 1,024 characters is). Never throws.
 */
export function isSensitiveKey(key: string, options?: ScrubOptions): boolean {
  try {
    return isSensitiveKeyWith(String(key), compileScrub(options));
  } catch {
    return true;
  }
}

/**
 * Results of scrubbing short strings with the built-in rules alone (no user deny/allow lists or
 * patterns), one slot per PII setting and mode. Frame names, file paths, source lines and
 * header values repeat from one event to the next; scrubbing each once is what keeps an error
 * storm cheap. Keyed by the string itself, whose hash the engine keeps, so a hit costs a lookup.
 */
const CACHE_MAX_LENGTH = 256;
const builtinCache = /* @__PURE__ */ createMemo<Array<string | undefined>>(512);

/** String scrubbing with prepared options. */
export function scrubStringWith(value: string, compiled: CompiledScrub, mode: ScrubMode = 'text'): string {
  if (value.length < 3) return value;
  if (value.length > CACHE_MAX_LENGTH || !compiled.builtin) return scrubUncached(value, compiled, mode);
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

/** An identifier chain without digits, maybe called: `getToken(`, `req.body.password`. */
const CODE_LIKE = /^[A-Za-z_$]+(?:\.[A-Za-z_$]+)*(?:\(.*)?$/;

/** Source lines: `token = getToken()` is code; `token: 9f8e7d`, `"hunter2"` and `?token=abc` are data. */
const keepCode = (value: string, sep: string, quoted: boolean, query: boolean): boolean =>
  !quoted && !query && /\s/.test(sep) && CODE_LIKE.test(value);

function scrubUncached(value: string, compiled: CompiledScrub, mode: ScrubMode): string {
  return scrubText(value, compiled, mode === 'code' ? keepCode : undefined);
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

/** Scrubs an `a=1&b=2` string: sensitive parameter names by key (URL names such as `code` included), every value by content. */
export function scrubQueryStringWith(query: string, compiled: CompiledScrub): string {
  return scrubStringWith(`?${query}`, compiled).slice(1);
}

/** URL scrubbing with prepared options: the same rules as any text, its query and fragment read as URL parameters. */
export function scrubUrlWith(url: string, compiled: CompiledScrub): string {
  return scrubStringWith(url, compiled);
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
    if (Array.isArray(value)) {
      // An argument list (`process.argv`, a spawned command), a raw header list, a `[name, value]`
      // pair: an item is also read after the items before it (`'--db-password', 'S3cret'`,
      // `'X-Api-Key', 'k3y'`, `'sshpass', '-p', 'S3cret'`).
      const before: string[] = [];
      const sensitive = (key: string) => isSensitiveKeyWith(key, compiled);
      const scrubLine = (line: string) => scrubStringWith(line, compiled);
      const command = isSecretCommand(value, scrubLine);
      const password = redisPasswordAt(value);
      return value.map((item, index) => {
        const out =
          index === password ||
          (typeof item === 'string' &&
            before.length > 0 &&
            isSecretArg(before, item, sensitive, scrubLine, value.length === 2, command))
            ? FILTERED
            : scrubValueWith(item, compiled, ancestors);
        before.push(typeof item === 'string' ? item : '');
        if (before.length > 8) before.shift();
        return out;
      });
    }
    const out: Record<string, unknown> = {};
    const keys = Object.keys(value);
    const named = siblingSecrets(value, keys, (key) => isSensitiveKeyWith(key, compiled), keys.length < 13);
    for (const key of keys) {
      const item = (value as Record<string, unknown>)[key];
      const safeKey = scrubStringWith(key, compiled);
      if (isSensitiveKeyWith(key, compiled) || named?.(key))
        setKey(out, safeKey, keep(item) ? item : FILTERED);
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

/** Headers that name the host a request was sent to. */
const HOST_HEADER = /^(?::authority|host|x-forwarded-host|x-original-host)$/i;
/** What comes before the last `@` of a host (`jane:S3cret@api.example.com`): a URL's user and password. */
const USERINFO = /^[^,]*@(?=[^@]*$)/;

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
      let value = Array.isArray(raw) ? raw.map(String).join(', ') : String(raw);
      // A host as a client sent it may carry the user and password of the URL it came from.
      if (HOST_HEADER.test(key)) value = value.replace(USERINFO, `${FILTERED}@`);
      const safe = isSensitiveKeyWith(key, compiled)
        ? FILTERED
        : // A WebSocket's subprotocols carry its token where browsers cannot set a header
          // (`access_token, <token>`, Kubernetes' `base64url.bearer.authorization.k8s.io.<token>`).
          scrubStringWith(
            /^sec-websocket-protocol$/i.test(key)
              ? truncate(value, 16_384)
                  .split(',')
                  .map((item) => (tokenLike(item.trim()) ? item.replace(/\S+/, FILTERED) : item))
                  .join(',')
              : truncate(value, 16_384),
            compiled,
          );
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
