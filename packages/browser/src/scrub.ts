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
  /pass(?:w(?:or)?d|phrase|code|wort)|secret|token|(?:api|private|access)key|authori[sz]ation|cookie|credential|[cx]srf|sess(?:id|ion(?:id|key|token))|card(?:num(?:ber)?|no)|creditcard|ccnum|cv[vc]|jwt|signature|bearer|mysqlpwd|^session$/;
/** Matched against each word of the key (split at separators and camelCase humps). */
const SENSITIVE_WORD = /^(?:auth|pwd|pass|pin|ssn|cc|sid|dsn|otp|cvn|sig)$/;
/** In URL query strings and fragments, also these: OAuth codes, signed URLs, API keys. */
const QUERY_WORD = /^(?:code|key|hmac|ticket|state)$/;
/** Key words so common in prose ("Unexpected token: }") that `key: value` needs a secret-looking value. */
const PROSE_KEY = /^(?:token|session|auth|signature|cookie)$/;

const flat = (key: string) => key.toLowerCase().replace(/[^a-z\d]/g, '');

/** A copy of `pattern` with only the `g` flag's effect, so `lastIndex` left by the app cannot skip a match. */
const globalRegExp = (pattern: RegExp) => RegExp(pattern, `${pattern.flags.replace(/[gy]/g, '')}g`);

/** Whether values under `key` are filtered; `query` adds URL-parameter names such as `code` and `key`. */
export function isSensitiveKey(key: string, options: ScrubOptions = {}, query?: boolean): boolean {
  const name = flat(key);
  return (
    !options.allowKeys?.some((allowed) => flat(allowed) === name) &&
    !!(
      SENSITIVE_KEY.test(name) ||
      key
        .replace(/[a-z](?=[A-Z])/g, '$& ')
        .toLowerCase()
        .split(/[^a-z\d]/)
        .some((word) => SENSITIVE_WORD.test(word) || (query && QUERY_WORD.test(word))) ||
      options.denyKeys?.some((deny) =>
        typeof deny === 'string' ? !!flat(deny) && name.includes(flat(deny)) : globalRegExp(deny).test(key),
      )
    )
  );
}

/**
 * Reads like a credential rather than prose: long, or with a digit, an inner capital, a token
 * symbol or a quote (a quoted `key: "value"` is never prose).
 */
export const looksLikeSecret = (value: string): boolean =>
  value.length > 15 || /\d|.[A-Z]|[-_+/=.~"'\\]/.test(value);

/** Luhn checksum of a card number (separators ignored; the card pattern bounds it to 13–19 digits). */
export const luhnValid = (value: string): boolean =>
  !(
    [...value.replace(/\D/g, '')]
      .reverse()
      .reduce((sum, digit, i) => sum + +(i % 2 ? '0246813579'[+digit] : digit)!, 0) % 10
  );

type Replacer = (all: string, pre: string, value: string) => string;

/** Replaces the value (the second group; the first, kept, stands in for a look-behind) when it passes `accept`. */
const when =
  (accept: (value: string) => boolean, mask = FILTERED): Replacer =>
  (all, pre, value) =>
    accept(value) ? pre + mask : all;

/**
 * IP addresses other than loopback: IPv4, and IPv6 in full or `::` form with at least four hex
 * digits (which also leaves out `::1`).
 */
const ip = when(
  (ip) => (ip.includes('.') ? !/^(?:127\.|0\.0\.0\.0$)/.test(ip) : /^(?=.*::|(.*:){7})(.*\w){4}/.test(ip)),
  '[ip]',
);

/**
 * Value rules, applied in order: a pattern and its replacement. The last three mask personal
 * data, unless `sendDefaultPii`.
 */
const RULES: [RegExp, string | Replacer][] = [
  [
    // The password in scheme://user:password@host; webhook URLs whose path is the credential.
    /(\b[A-Za-z][\w+.-]{0,30}:\/\/[^\s:@/?#]{0,256}:)[^\s/?#]{1,256}(?=@)|(hooks\.slack\.com\/(?:services|workflows|triggers)\/|discord(?:app)?\.com\/api\/webhooks\/)[\w/-]{1,512}/g,
    `$1$2${FILTERED}`,
  ],
  [
    // PEM private keys, to their END line (or the end of the text, when it was cut); JWTs, AWS
    // access key ids, vendor tokens (Stripe, GitHub, Slack, GitLab, npm, OpenAI, Google, SendGrid).
    /-----BEGIN([A-Z ]{0,40}PRIVATE KEY)[\s\S]*?(?:-----END\1-----|$)|\b(?:eyJ[\w-]{4,}\.[\w-]{4,}(?:\.[\w-]+)?|A(?:[BKS]IA|[GIN]PA|IDA|ROA|NVA|CCA)[A-Z\d]{16}\b|(?:(?:[sr]k_(?:live|test)|whsec|gh[pousr]|github_pat|npm)_|(?:xox[abposr]|xapp|glpat)-)[\w-]{10,}|sk-[\w-]{32,}|AIza[\w-]{35}|SG\.[\w-]{16,}\.[\w-]{16,})/g,
    FILTERED,
  ],
  // `Bearer` / `Basic` credentials (not "Basic authentication required").
  [/((?:^|[^\w-])[Bb](?:earer|EARER|asic|ASIC)[ \t]+)([\w.~+/-]{6,4096}=*)/g, when(looksLikeSecret)],
  // Payment card numbers: 13–19 digits, maybe grouped, that pass the Luhn check.
  [/(^|[^\w.])([2-6](?:[ -]?\d){12,18})(?!\w|[ .-]\d)/g, when(luhnValid)],
  // E-mail addresses.
  [/(^|[^\w.%+-])[\w.%+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){0,8}\.[A-Za-z]{2,24}(?![\w-])/g, '$1[email]'],
  [/(^|[^\w.])((?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3})(?!\d|\.\d)/g, ip],
  [/(^|[^\w:.])([\da-f]{0,4}(?::[\da-f]{0,4}){2,7})(?![\w:])/gi, ip],
];

/**
 * `key=value`, `key: value`, `"key":"value"` inside text (messages, bodies, URLs). A `?`, `&`,
 * `#` or `;` before the key marks a URL parameter. The value: quoted up to its closing quote, an
 * auth scheme and its credential, or one word.
 */
const PAIR =
  /(^|[^\w.-])([A-Za-z_][\w.-]{0,63})(\\?["']?[ \t]*[:=][ \t]*)("(?:[^"\\\r\n]|\\.){0,1024}|\\"(?:[^"\\\r\n]|\\(?!")){0,1024}|\\?'[^'\r\n]{0,1024}|(?:[Bb](?:earer|asic)|[Tt]oken)[ \t]+[^\s"'&,;\\]{1,1024}|(?!\[)[^\s"'&,;\\<>)\]}]{1,1024})/g;

/** Replaces the values of sensitive pairs; in the others, looks for pairs inside the value (`next=/a?token=x`). */
const scrubPairs = (text: string, options: ScrubOptions): string =>
  text.replace(
    PAIR,
    (_all, pre: string, key: string, sep: string, value: string) =>
      pre +
      key +
      sep +
      // "Unexpected token: }" is prose, "token: 9f8e7d" is a credential (a quoted value always counts as one).
      ((!/^[ \t]*:[ \t]/.test(sep) || !PROSE_KEY.test(flat(key)) || looksLikeSecret(value)) &&
      isSensitiveKey(key, options, /[?&#;]/.test(pre))
        ? /^\\?["']?/.exec(value)![0] + FILTERED
        : scrubPairs(value, options)),
  );

/**
 * Removes secrets from free text: credentials of known shapes, card numbers, passwords in URLs,
 * values of `key=value` pairs with sensitive keys, matches of `valuePatterns`; masks e-mail and
 * IP addresses unless `sendDefaultPii`. Everything else is left as it was.
 */
export function scrubText(text: string, options: ScrubOptions = {}): string {
  for (const [pattern, by] of RULES.slice(0, options.sendDefaultPii ? 4 : 7))
    text = text.replace(pattern, by as string);
  for (const { pattern } of options.valuePatterns ?? []) text = text.replace(globalRegExp(pattern), FILTERED);
  return scrubPairs(text, options);
}
