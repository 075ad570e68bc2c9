/**
 * What counts as a secret: sensitive key names and the value patterns of known credential
 * formats. Every pattern is written to run in linear time on adversarial input: unbounded
 * repetitions only start right after a boundary character (a consumed `...Pre` group, since
 * look-behind is missing in older Safari), everything else is bounded.
 */

/** Replacement for every filtered value. */
export const FILTERED = '[Filtered]';
export const EMAIL_MASK = '[email]';
export const IP_MASK = '[ip]';

/** Matched against the key lower-cased with every non-alphanumeric character removed. */
const SENSITIVE_SUBSTRING =
  /pass(?:wd|word|phrase|code|wort)|secret|token|apikey|privatekey|authori[sz]ation|cookie|credential|csrf|xsrf|sessid|session(?:id|key|token)|card(?:number|num|no)|creditcard|ccnum|cvv|cvc|jwt|signature|accesskey|bearer|mysqlpwd/;

/** Matched against each word of the key (split at separators and camelCase humps). */
const SENSITIVE_WORDS: ReadonlySet<string> = new Set([
  'auth',
  'pwd',
  'pass',
  'pin',
  'ssn',
  'cc',
  'sid',
  'dsn',
  'otp',
  'cvn',
  'sig',
]);

/** Matched against the whole normalized key. */
const SENSITIVE_WHOLE: ReadonlySet<string> = new Set(['session']);

/** Query and fragment parameters that carry credentials in URLs (OAuth codes, signed URLs, API keys). */
const QUERY_WORDS: ReadonlySet<string> = new Set(['code', 'key', 'hmac', 'ticket', 'state']);

/** Key words so common in prose ("Unexpected token: }") that `key: value` needs a secret-looking value. */
export const PROSE_KEYS: ReadonlySet<string> = new Set(['token', 'session', 'auth', 'signature', 'cookie']);

/** Lower-cases a key and removes separators: `X-Api_Key` → `xapikey`. */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

function isUpper(code: number): boolean {
  return code >= 65 && code <= 90;
}

function isLower(code: number): boolean {
  return code >= 97 && code <= 122;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function hasWord(key: string, words: ReadonlySet<string>): boolean {
  let start = 0;
  for (let i = 0; i <= key.length; i++) {
    const code = i < key.length ? key.charCodeAt(i) : 0;
    const alnum = isUpper(code) || isLower(code) || isDigit(code);
    const hump = alnum && i > start && isUpper(code) && isLower(key.charCodeAt(i - 1));
    if (!alnum || hump) {
      if (i > start && words.has(key.slice(start, i).toLowerCase())) return true;
      start = alnum ? i : i + 1;
    }
  }
  return false;
}

/** The built-in key rules (without user deny/allow lists). */
export function isBuiltinSensitiveKey(key: string, normalized: string, query: boolean): boolean {
  if (SENSITIVE_SUBSTRING.test(normalized) || SENSITIVE_WHOLE.has(normalized)) return true;
  if (hasWord(key, SENSITIVE_WORDS)) return true;
  return query && hasWord(key, QUERY_WORDS);
}

/** Luhn checksum over the digits of `value` (separators ignored). */
export function luhnValid(value: string): boolean {
  let sum = 0;
  let double = false;
  let digits = 0;
  for (let i = value.length - 1; i >= 0; i--) {
    const code = value.charCodeAt(i);
    if (!isDigit(code)) continue;
    let d = code - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
    digits += 1;
  }
  return digits >= 13 && digits <= 19 && sum % 10 === 0;
}

/** Whether an integer looks like a payment card number (13–19 digits, card IIN range, Luhn). */
export function isCardNumber(value: number): boolean {
  if (!Number.isSafeInteger(value) || value < 1e12) return false;
  const text = String(value);
  const first = text.charCodeAt(0);
  return first >= 50 && first <= 54 && luhnValid(text);
}

/**
 * Whether a word reads like a credential rather than prose: it has a digit, an inner capital,
 * a symbol used by token alphabets, or is long.
 */
export function looksLikeSecret(value: string): boolean {
  if (value.length >= 16) return true;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (isDigit(code) || (i > 0 && isUpper(code))) return true;
    if ('_-+/=.~'.includes(value.charAt(i))) return true;
  }
  return false;
}

/** Loopback and unspecified addresses identify no one. */
export function isLoopbackIp(ip: string): boolean {
  return ip.startsWith('127.') || ip === '0.0.0.0' || ip === '::1' || ip === '::';
}

const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const HEX = '[0-9A-Fa-f]{1,4}';

/** Always-on credential patterns. Group names tell the scrubber which rule matched. */
const SECRET_SOURCES = [
  String.raw`(?<pem>-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|$))`,
  String.raw`(?<urlPre>^|[^A-Za-z0-9+.-])(?<urlHead>[A-Za-z][A-Za-z0-9+.-]{0,30}://[^\s:@/?#]{0,256}:)(?<urlPass>[^\s/?#]{1,256})@`,
  String.raw`(?<hookPre>^|[^A-Za-z0-9])(?<hookHead>https?://(?:hooks\.slack\.com/(?:services|workflows|triggers)|(?:discord|discordapp)\.com/api/webhooks)/)(?<hookPath>[A-Za-z0-9/_-]{1,512})`,
  String.raw`(?<authPre>^|[^A-Za-z0-9_-])(?<authHead>[Bb][Ee][Aa][Rr][Ee][Rr]|[Bb][Aa][Ss][Ii][Cc])[ \t]+(?<authCred>[A-Za-z0-9._~+/-]{6,4096}=*)`,
  String.raw`(?<jwtPre>^|[^A-Za-z0-9_-])(?<jwt>eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]+)?)`,
  '(?<aws>(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16})(?![A-Za-z0-9])',
  String.raw`(?<vendor>(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,247}|whsec_[A-Za-z0-9+/=]{20,247}|gh[pousr]_[A-Za-z0-9]{30,251}|github_pat_[A-Za-z0-9_]{30,247}|xox[abposr]-[A-Za-z0-9-]{10,250}|xapp-[A-Za-z0-9-]{10,250}|AIza[0-9A-Za-z_-]{35}|glpat-[A-Za-z0-9_-]{20,64}|npm_[A-Za-z0-9]{36}|sk-(?:ant-|proj-)?[A-Za-z0-9_-]{32,250}|SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64})`,
  String.raw`(?<cardPre>^|[^A-Za-z0-9.])(?<card>[2-6](?:[ -]?[0-9]){12,18})(?![A-Za-z0-9]|[ -][0-9]|\.[0-9])`,
];

/** PII patterns, masked unless `sendDefaultPii`. */
const PII_SOURCES = [
  String.raw`(?<emailPre>^|[^A-Za-z0-9._%+-])(?<email>[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24})(?![A-Za-z0-9-])`,
  String.raw`(?<ipv4Pre>^|[^A-Za-z0-9.])(?<ipv4>${OCTET}(?:\.${OCTET}){3})(?![0-9]|\.[0-9])`,
  String.raw`(?<ipv6Pre>^|[^A-Za-z0-9:.])(?<ipv6>(?:${HEX}:){7}${HEX}|(?:${HEX}(?::${HEX}){0,6})?::(?:${HEX}(?::${HEX}){0,6})?(?:\.[0-9]{1,3}){0,3})(?![0-9A-Za-z:])`,
];

/** Value patterns with PII masking (the default). */
export const VALUE_PATTERN = new RegExp([...SECRET_SOURCES, ...PII_SOURCES].join('|'), 'g');
/** Value patterns when `sendDefaultPii` is on. */
export const SECRET_PATTERN = new RegExp(SECRET_SOURCES.join('|'), 'g');

/**
 * The `key=` / `key:` / `"key":` head of a pair inside free text (messages, bodies, query
 * strings). Keys are judged by the same rules as object keys; a preceding `?`, `&` or `#`
 * marks a URL parameter. The value is read with {@link PAIR_VALUE} only for sensitive keys.
 */
export const PAIR_HEAD =
  /(?<pre>^|[^A-Za-z0-9_.-])(?<key>[A-Za-z_][A-Za-z0-9_.-]{0,63})(?<sep>\\?["']?[ \t]*[:=][ \t]*)/g;

/** The value of a pair, read at a fixed position (sticky): quoted up to its closing quote, or one word. */
export const PAIR_VALUE =
  /(?:(?<dq>")(?<dv>(?:[^"\\\r\n]|\\.){0,1024})|(?<eq>\\")(?<ev>(?:[^"\\\r\n]|\\(?!")){0,1024})|(?<sq>\\?')(?<sv>[^'\r\n]{0,1024})|(?<uv>\[(?:Filtered|email|ip)\]|(?:[Bb]earer|[Bb]asic|[Tt]oken)[ \t]+[^\s"'&,;\\]{1,1024}|[^\s"'&,;\\<>)\]}]{1,1024}))/y;

export interface ScrubOptions {
  /**
   * Keep e-mail addresses and IP addresses found in strings (they are masked as `[email]` and
   * `[ip]` otherwise). Secrets are removed either way.
   * @default false
   */
  sendDefaultPii?: boolean;
  /**
   * Extra sensitive keys. A string matches any key that contains it, ignoring case and
   * separators (`'internal'` matches `X-Internal-Id`); a RegExp is tested on the raw key.
   * @example ['licence', /^x-tenant-/i]
   */
  denyKeys?: Array<string | RegExp>;
  /**
   * Keys never treated as sensitive, compared ignoring case and separators. Wins over every rule.
   * @example ['token_count']
   */
  allowKeys?: string[];
  /** Extra value patterns; every match inside any string becomes `[Filtered]`. */
  valuePatterns?: Array<{ name: string; pattern: RegExp }>;
}

/** Scrub options prepared once per call tree, so no RegExp is built per key or per string. */
export interface CompiledScrub {
  pii: boolean;
  deny: string[];
  denyRe: RegExp[];
  allow: ReadonlySet<string>;
  patterns: RegExp[];
}

export function compileScrub(options: ScrubOptions = {}): CompiledScrub {
  const deny: string[] = [];
  const denyRe: RegExp[] = [];
  for (const entry of Array.isArray(options.denyKeys) ? options.denyKeys : []) {
    if (typeof entry === 'string' && normalizeKey(entry) !== '') deny.push(normalizeKey(entry));
    else if (entry instanceof RegExp) denyRe.push(new RegExp(entry.source, entry.flags.replace(/[gy]/g, '')));
  }
  const allow = new Set<string>();
  for (const entry of Array.isArray(options.allowKeys) ? options.allowKeys : []) {
    if (typeof entry === 'string') allow.add(normalizeKey(entry));
  }
  const patterns: RegExp[] = [];
  for (const entry of Array.isArray(options.valuePatterns) ? options.valuePatterns : []) {
    const pattern = entry?.pattern;
    if (pattern instanceof RegExp) {
      patterns.push(
        new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`),
      );
    }
  }
  return { pii: options.sendDefaultPii === true, deny, denyRe, allow, patterns };
}

/** Key check with prepared options; `query` adds URL-parameter names such as `code` and `key`. */
export function isSensitiveKeyWith(key: string, compiled: CompiledScrub, query = false): boolean {
  const normalized = normalizeKey(key);
  if (compiled.allow.has(normalized)) return false;
  if (isBuiltinSensitiveKey(key, normalized, query)) return true;
  for (const word of compiled.deny) if (normalized.includes(word)) return true;
  for (const re of compiled.denyRe) if (re.test(key)) return true;
  return false;
}
