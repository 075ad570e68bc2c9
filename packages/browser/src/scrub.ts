/**
 * What counts as a secret in the browser, and how it is removed from text: sensitive key names,
 * and known credential shapes anywhere in a string. The same rules as core's scrubber
 * (docs/scrubbing.md), written as a table of small patterns so the page ships a few KB, not 10.
 *
 * Every pattern runs in linear time on hostile input: an unbounded repetition only follows a
 * fixed prefix, everything else is bounded. No look-behind: older Safari cannot parse it, and
 * one unparseable literal would break the whole bundle; a consumed `pre` group stands in for it.
 */
import type { ScrubOptions } from '@faultline/core';

export type { ScrubOptions };

/** Replacement for every filtered value. */
export const FILTERED = '[Filtered]';

/** Matched against the key lower-cased with separators removed: `X-Api_Key` → `xapikey`. */
const SENSITIVE_KEY =
  /pass(?:wd|word|phrase|code|wort)|secret|token|apikey|privatekey|authori[sz]ation|cookie|credential|csrf|xsrf|sessid|session(?:id|key|token)|card(?:number|num|no)|creditcard|ccnum|cvv|cvc|jwt|signature|accesskey|bearer|mysqlpwd|^session$/;
/** Matched against the words of the key (split at separators and camelCase humps). */
const SENSITIVE_WORD = /(?:^|[^a-z\d])(?:auth|pwd|pass|pin|ssn|cc|sid|dsn|otp|cvn|sig)(?![a-z\d])/;
/** In URL query strings and fragments, also these: OAuth codes, signed URLs, API keys. */
const QUERY_WORD = /(?:^|[^a-z\d])(?:code|key|hmac|ticket|state)(?![a-z\d])/;
/** Key words so common in prose ("Unexpected token: }") that `key: value` needs a secret-looking value. */
const PROSE_KEY = /^(?:token|session|auth|signature|cookie)$/;

const flat = (key: string) => key.toLowerCase().replace(/[^a-z\d]/g, '');

/** Whether values under `key` are filtered; `query` adds URL-parameter names such as `code` and `key`. */
export function isSensitiveKey(key: string, query = false, options: ScrubOptions = {}): boolean {
  const name = flat(key);
  if (options.allowKeys?.some((allowed) => flat(allowed) === name)) return false;
  const words = key.replace(/([a-z])(?=[A-Z])/g, '$1 ').toLowerCase();
  return (
    SENSITIVE_KEY.test(name) ||
    SENSITIVE_WORD.test(words) ||
    (query && QUERY_WORD.test(words)) ||
    options.denyKeys?.some((deny) =>
      typeof deny === 'string' ? !!flat(deny) && name.includes(flat(deny)) : globalRegExp(deny).test(key),
    ) === true
  );
}

/** A copy of `pattern` with only the `g` flag's effect, so `lastIndex` left by the app cannot skip a match. */
function globalRegExp(pattern: RegExp): RegExp {
  return new RegExp(pattern.source, `${pattern.flags.replace(/[gy]/g, '')}g`);
}

/** Reads like a credential rather than prose: long, or with a digit, an inner capital or a token symbol. */
export function looksLikeSecret(value: string): boolean {
  return value.length > 15 || /\d|.[A-Z]|[-_+/=.~]/.test(value);
}

/** Luhn checksum of a 13–19 digit card number (separators ignored). */
export function luhnValid(value: string): boolean {
  const digits = value.replace(/\D/g, '');
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = +digits[digits.length - 1 - i]! * (i % 2 ? 2 : 1);
    sum += d > 9 ? d - 9 : d;
  }
  return digits.length > 12 && digits.length < 20 && sum % 10 === 0;
}

const isLoopback = (ip: string) => /^(?:127\.|0\.0\.0\.0$|::1?$)/.test(ip);

const OCTET = '(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)';
const EMAIL_MASK = '[email]';
const IP_MASK = '[ip]';

/**
 * Value rules, applied in order: a pattern with three groups (a boundary before the match, a
 * head, both kept, and the value that is replaced), the replacement, and a test the value must
 * pass. Rules whose replacement is not `[Filtered]` mask personal data, unless `sendDefaultPii`.
 */
type Rule = [pattern: RegExp, mask: string, accept?: (value: string) => boolean];

const RULES: Rule[] = [
  // PEM private keys, to their END line (or the end of the text, when it was cut).
  [/()()(-----BEGIN[A-Z ]{0,40}PRIVATE KEY[\s\S]*?(?:-----END[A-Z ]{0,40}PRIVATE KEY-----|$))/g, FILTERED],
  // The password in scheme://user:password@host.
  [/()(\b[A-Za-z][\w+.-]{0,30}:\/\/[^\s:@/?#]{0,256}:)([^\s/?#]{1,256})(?=@)/g, FILTERED],
  // Webhook URLs whose path is the credential.
  [
    /()(hooks\.slack\.com\/(?:services|workflows|triggers)\/|discord(?:app)?\.com\/api\/webhooks\/)([\w/-]{1,512})/g,
    FILTERED,
  ],
  // `Bearer` / `Basic` credentials (not "Basic authentication required").
  [/(^|[^\w-])([Bb](?:earer|EARER|asic|ASIC)[ \t]+)([\w.~+/-]{6,4096}=*)/g, FILTERED, looksLikeSecret],
  // JWTs, AWS access key ids, vendor tokens (Stripe, GitHub, Slack, GitLab, npm, OpenAI, Google, SendGrid).
  [
    /()()(\beyJ[\w-]{4,}\.[\w-]{4,}(?:\.[\w-]+)?|\bA(?:KIA|SIA|GPA|IDA|ROA|IPA|NPA|NVA|BIA|CCA)[A-Z\d]{16}\b|\b(?:(?:[sr]k_(?:live|test)|whsec|gh[pousr]|github_pat|npm)_|(?:xox[abposr]|xapp|glpat)-)[\w-]{10,}|\bsk-[\w-]{32,}|\bAIza[\w-]{35}|\bSG\.[\w-]{16,}\.[\w-]{16,})/g,
    FILTERED,
  ],
  // Payment card numbers: 13–19 digits, maybe grouped, that pass the Luhn check.
  [/(^|[^\w.])()([2-6](?:[ -]?\d){12,18})(?![\w]|[ -]\d|\.\d)/g, FILTERED, luhnValid],
  // E-mail addresses.
  [/(^|[^\w.%+-])()([\w.%+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){0,8}\.[A-Za-z]{2,24})(?![\w-])/g, EMAIL_MASK],
  // IP addresses other than loopback: IPv4, and IPv6 in full or `::` form.
  [
    new RegExp(`(^|[^\\w.])()(${OCTET}(?:\\.${OCTET}){3})(?![\\d]|\\.\\d)`, 'g'),
    IP_MASK,
    (ip) => !isLoopback(ip),
  ],
  [
    /(^|[^\w:.])()([\dA-Fa-f]{0,4}(?::[\dA-Fa-f]{0,4}){2,7})(?![\w:])/g,
    IP_MASK,
    (ip) =>
      (ip.includes('::') || ip.split(':').length === 8) && !isLoopback(ip) && ip.replace(/:/g, '').length > 3,
  ],
];

/**
 * `key=value`, `key: value`, `"key":"value"` inside text (messages, bodies, URLs). A `?`, `&`,
 * `#` or `;` before the key marks a URL parameter. The value: quoted up to its closing quote, an
 * auth scheme and its credential, or one word.
 */
const PAIR =
  /(^|[^\w.-])([A-Za-z_][\w.-]{0,63})(\\?["']?[ \t]*[:=][ \t]*)("(?:[^"\\\r\n]|\\.){0,1024}|\\"(?:[^"\\\r\n]|\\(?!")){0,1024}|\\?'[^'\r\n]{0,1024}|(?:[Bb]earer|[Bb]asic|[Tt]oken)[ \t]+[^\s"'&,;\\]{1,1024}|[^\s"'&,;\\<>)\]}[][^\s"'&,;\\<>)\]}]{0,1023})/g;

function scrubPairs(text: string, options: ScrubOptions): string {
  let out = '';
  let last = 0;
  PAIR.lastIndex = 0;
  for (let m = PAIR.exec(text); m; m = PAIR.exec(text)) {
    const [all, pre = '', key = '', sep = '', value = ''] = m;
    const quote = /^\\?["']?/.exec(value)![0];
    // "Unexpected token: }" is prose, "token: 9f8e7d" is a credential.
    const prose = !quote && /^[ \t]*:[ \t]/.test(sep) && PROSE_KEY.test(flat(key)) && !looksLikeSecret(value);
    if (prose || !isSensitiveKey(key, /^[?&#;]$/.test(pre), options)) {
      // Not a secret: look for pairs inside its value too (`next=/a?token=x`).
      PAIR.lastIndex = m.index + all.length - value.length;
      continue;
    }
    out += text.slice(last, m.index) + pre + key + sep + quote + FILTERED;
    last = m.index + all.length;
  }
  return out + text.slice(last);
}

/**
 * Removes secrets from free text: credentials of known shapes, card numbers, passwords in URLs,
 * values of `key=value` pairs with sensitive keys, matches of `valuePatterns`; masks e-mail and
 * IP addresses unless `sendDefaultPii`. Everything else is left as it was.
 */
export function scrubText(text: string, options: ScrubOptions = {}): string {
  if (text.length < 3) return text;
  for (const [pattern, mask, accept] of RULES) {
    if (mask !== FILTERED && options.sendDefaultPii) continue;
    text = text.replace(pattern, (match, pre: string, head: string, value: string) =>
      !accept || accept(value) ? pre + head + mask : match,
    );
  }
  for (const { pattern } of options.valuePatterns ?? []) text = text.replace(globalRegExp(pattern), FILTERED);
  return scrubPairs(text, options);
}
