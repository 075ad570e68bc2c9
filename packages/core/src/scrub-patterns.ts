/**
 * What counts as a secret, in one place for every runtime (the browser bundles this file, so it
 * is written for minified size: a few shared patterns, a prefix list rather than a rule per
 * vendor). Rules and their defaults: docs/scrubbing.md.
 *
 * Every pattern runs in linear time on hostile input: an unbounded repetition only follows a
 * fixed prefix or a boundary, everything else is bounded. No look-behind: older Safari cannot
 * parse it, and one unparseable literal would break a whole bundle; a consumed `pre` group
 * stands in for it.
 */

import { primeRegExp } from './regexp-prime.js';

/** Replacement for every filtered value. */
export const FILTERED = '[Filtered]';
export const EMAIL_MASK = '[email]';
export const IP_MASK = '[ip]';
export const PHONE_MASK = '[phone]';
export const USER_MASK = '[user]';

export interface ScrubOptions {
  /**
   * Keep e-mail addresses and IP addresses found in strings (they are masked as `[email]` and
   * `[ip]` otherwise). Secrets, card numbers, IBANs and US social security numbers are removed
   * either way.
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
   * Keys never treated as sensitive, compared ignoring case and separators. Wins over every key rule.
   * @example ['token_count']
   */
  allowKeys?: string[];
  /** Extra value patterns; every match inside any string becomes `[Filtered]`. */
  valuePatterns?: Array<{ name: string; pattern: RegExp }>;
}

/** Scrub options prepared once per event, so no RegExp is built per key or per string. */
export interface CompiledScrub {
  pii: boolean;
  /** Extra sensitive keys: a normalized substring, or a RegExp tested on the raw key. */
  deny: Array<string | RegExp>;
  /** Normalized keys never filtered. */
  allow: string[];
  /** Extra value patterns, each with its replacement. */
  patterns: Array<[RegExp, string]>;
  /** True when none of the three lists has an entry: the built-in rules alone apply (results may be remembered). */
  builtin: boolean;
}

/** Matched against the key lower-cased with separators removed: `X-Api_Key` → `xapikey`. */
const SENSITIVE_KEY =
  /pass(?:w(?:or)?d|phrase|code|wort)|(?:store|key)pass|secret|token|(?:api|private|access|account|admin|master|signing|encryption|client|app|application|insert|ingest|clickhouse|hmac|service|role|subscription|functions|licen[cs]e|consumer|write|deploy|sdk|auth|secure)key|honeycombteam|authori[sz]ation|cookie|credential|[cx]srf|sess(?:id|key|ion(?:id|key|token))|macaroon|apihash$|^wif$|^[xtyz]prv$|^csc$|card(?:num(?:ber)?|no)|creditcard|ccnum|cv[vc]|jwt|signature|bearer|mysqlpwd|^session$|totp|(?:mfa|2fa|recovery|backup)codes?|mnemonic|seedphrase|(?:recovery|backup|unlock|wallet)phrase|seedwords?|(?:wallet|private|master|root|hd)seed|cardverification(?:value|code|number)?|(?:client|saml|jwt|bearer)assertion|samlresponse|keymaterial|privkey|sharedkey|protectionbypass|pgpass$|sshpass$|verifier$|devicecode$|pepper|(?:aes|cipher|crypto|enc|data|wrapping)key$|securityanswer|social(?:security|insurance)(?:number|num|no)?$|(?:bank)?(?:account|acct)(?:number|num|no)$|bankaccount$|routingnumber$|^acct$|antiforgery|bindpw|^ccv2?$|^[dk]ek$|^id(?:rsa|dsa|ecdsa|ed25519)$|magiclink|resetlink|requirepass|masterauth|rootpw$|authtok$|(?:github|gitlab)oauth$|sonarlogin$|artapi$|unsealkeys?(?:b64|hex)?$|passkey|(?:re|h)?captcharesponse$|turnstileresponse$/;
/**
 * Matched against the words of the key (split at separators and camelCase humps); a last word
 * `session` or `sess` names a session cookie (`laravel_session`, `_gitlab_session`, `koa:sess`).
 * `auth` names a kind of authentication, not a credential, before `type`, `method`, `mode`,
 * `scheme`, `source` or `mechanism` (`npm login --auth-type=legacy`, MongoDB's `authSource`).
 * A password's short forms as words (`psw`, `pswd`, `pword`), not inside others (`tipsWritten`);
 * a pre-shared key, `psk`.
 */
const SENSITIVE_WORD =
  /(?:^|[^a-z\d])(?:auth(?:entication)?(?![^a-z\d](?:type|method|mode|scheme|source|mech|domain|provider|status|strategy|url|uri|endpoint|realm))|pwd|pw|pass|pswd?|pwrd|pword|passwrd|psk|pin|ssn|(?<!(?:message|account|call|conversation|service|workspace|recording)[^a-z\d])sid|dsn|otp|cvn|sig|iban|creds?|hmac|(?<=[^a-z\d])sk|salt|passe|mdp|jeton|clave|sess(?:ion)?$|(?<=(?:access|api|request|hmac)[^a-z\d])sign$)(?![a-z\d])/;
/** Matched against the key as {@link SENSITIVE_KEY} is: a phone, mobile, fax or messaging number. */
const PHONE_KEY = /phone(?!tic)|^tel(?:ephone)?$|^(?:mobile|cell|fax)(?:number|no)?$|msisdn|whatsapp/;
/**
 * Matched against the key as {@link SENSITIVE_KEY} is: what reaches a person (a phone number, a
 * postal address, a first, last, full or display name, a birth date, a position (`lat`, `lng`,
 * `geolocation`, and what a host adds to requests, `x-vercel-ip-latitude`), and the user an auth
 * proxy or platform names: `x-forwarded-user`, `remote-user`, `x-webauth-user`, Kong's
 * `x-consumer-username` and `x-userinfo`, Azure's `x-ms-client-principal`, `x-user-name`, and a
 * client certificate's subject a TLS proxy forwards: `x-ssl-client-s-dn`, Envoy's
 * `x-forwarded-client-cert`), a real name, a national id,
 * insurance, passport, driver's licence or personal tax number, filtered unless `sendDefaultPii`.
 */
export const PERSONAL_KEY = RegExp(
  `${PHONE_KEY.source}|${
    /^street\d?$|^address\d$|^line[12]$|^shipto$|(?:customer|recipient|cardholder|billing|shipping|contact|account)(?:full)?name$|^recipient$|displayname|nickname|latitude|longitude|citylatlong|ipcity|forwarded(?:preferred)?user(?:name)?$|^x?remote(?:user|name)$|webauthuser$|consumerusername$|clientprincipal(?:name)?$|^xuserinfo$|^(?:lat(?:lng|lon|long)?|lng|lon)$|geolocation|(?:street|postal|mailing|billing|shipping|home|delivery|residential)address|^addressline\d?$|(?:first|last|full|given|family|sur|maiden)name$|birth|^dob$|nationalid|nationalinsurance|passport(?:number|num|no|id)$|drivers?licen[cs]e|licen[cs]enumber$|^tax(?:payer)?(?:id|number|no)$|^nino$|^(?:cpf|aadhaar|pesel|curp|dni|bsn|personnummer|codicefiscale|steuerid)$|nhsnumber$|accountholder(?:name)?$|holdername$|postalcode$|^cf(?:iplatitude|iplongitude|region(?:code)?)$|^cloudfrontviewer(?:city|latitude|longitude|metrocode)$|realname$|^xusername$|sslclients?dn$|forwardedclientcert$/
      .source
  }`,
);
/**
 * Words before a last `key` that say the key indexes or names something, or is the public half of
 * a pair, in any style: `cacheKey`, `sort_key`, `CACHE_KEY`, `RECAPTCHA_SITE_KEY`,
 * `X-Idempotency-Key`, DynamoDB's `PartitionKey` and `LastEvaluatedKey`, S3's `MaxKeys`, React's
 * `rowKey` and `selectedKeys`, mongoose's `versionKey`, a Redis or S3 object's key. Not a word that
 * also names a secret of its own: a storage account's key (`AZURE_STORAGE_KEY`), a stream key,
 * an upload (signing) key, a config encryption key (`CONFIG_KEY`).
 */
const INDEX_WORDS = new Set(
  (
    'primary foreign sort partition range hash shard lock cache redis memcache memcached kv s3 ' +
    'lookup search query filter index unique uniq composite natural surrogate alternate group map ' +
    'row column col cell field item entry record node element component list object file path url ' +
    'link bucket blob asset image store state context scope setting settings option pref ' +
    'preference feature flag toggle experiment variant variation metric stat counter event error ' +
    'log message label text title translation i18n locale lang language country region currency ' +
    'route routing page pagination cursor tab menu nav view form input prop property attr ' +
    'attribute param parameter arg header output prefix suffix metadata annotation dimension ' +
    'version discriminator type kind status category tag order date day month year time period ' +
    'widget layout section block slot panel table schema collection doc document model entity ' +
    'resource queue job task topic channel part chunk color theme style icon idempotency idem ' +
    'dedup dedupe request correlation trace span public pub publishable site hot shortcut ' +
    'keyboard modifier active selected expanded checked open target source current focused parent ' +
    'child children next prev previous first last evaluated unprocessed start end max min num ' +
    'count total refresh render remount module modal dialog step slide'
  ).split(' '),
);
/** The word before a last `key` or `keys` of a key's words, lower-cased (`cache` of `x-cache-key`, `cache_key`, `cache key`). */
const KEY_AFTER = /(?:^|[^a-z\d])([a-z\d]+)[^a-z\d]+keys?$/;
/**
 * Whether a key's words, lower-cased, end with a `key` after one of {@link INDEX_WORDS}; undefined
 * when no word comes before `key`. Otherwise a last word `key` names a credential, whatever it is
 * for (`stripeKey`, `mailgun_key`, `STRIPE_KEY`, `X-Shared-Key`): the words are split at
 * separators and at camelCase humps (`S3Key`: `s3 key`, `APIKey`: `api key`). A bare `key` is data
 * (React's, a Map entry's, an S3 object's, an AWS tag's); a bare `KEY` in capitals is not.
 */
function indexKey(words: string): boolean | undefined {
  const word = KEY_AFTER.exec(words)?.[1];
  return word === undefined ? undefined : INDEX_WORDS.has(word);
}
/**
 * What a one-time code is for, in prose (`verification code 846746`, `email code: 123456`) and in
 * a key (`verificationCode`, `sms_code`, `twoFactorPin`): the code is a credential for as long as
 * it lives. Separators as prose writes them; a key is matched with its separators removed.
 */
const CODE_WORDS =
  'verification|verify|login|sign[ -]?in|security|confirmation|one[ -]?time|auth(?:entication)?|access|sms|e-?mail|reset|activation|invite|invitation|pairing|unlock|two[ -]?factor|2fa|mfa|otp';
const CODE_KEY = RegExp(`(?:${CODE_WORDS})(?:code|pin|passcode)s?$`);
/** Where a key's camelCase words meet, for every rule that reads a key's words: after a small letter or digit before a capital, and before the capital that starts a word after capitals. */
const HUMP = /[a-z\d](?=[A-Z])|[A-Z](?=[A-Z][a-z])/g;
/**
 * A key named as environment variables are (Strapi's `APP_KEYS`, `GITHUB_PAT`, `SA_KEY_B64`, a
 * bare `KEY`): in capitals, `_KEY`, `_KEYS` or `_PAT` at the end names a credential, unless the
 * word before it is one of {@link INDEX_WORDS}.
 */
const ENV_KEY = /^(?:[A-Z][A-Z\d]*(?:_[A-Z\d]+)*_)?(?:KEYS?|PAT)(?:_B64|_BASE64)?$/;
/**
 * A header named as custom credentials are (`X-Key`, `X-Shared-Key`, `X-Service-Key`, `X-Access`,
 * `X-Refresh`, `X-Upstream-Pat`, `X-Client-Assertion`, `X-Request-Signing`, a one-time code's
 * `X-OTC`, lower-cased by Node), unless the word before `key` is one of {@link INDEX_WORDS}
 * (`X-Cache-Key`, `X-Idempotency-Key`).
 */
const HEADER_KEY = /^x-(?:(?:[a-z\d]+-)*(?:key|pat|assertion|signing|consumer)|access|refresh|pass|otc)$/i;
/**
 * "Password" in other languages and scripts (Spanish, Russian, Chinese, Japanese, Korean,
 * Portuguese, German, Dutch, Polish, Swedish, Turkish, Czech, Hungarian, Finnish, Danish,
 * Norwegian, Greek), and a token, a secret key and a PIN in Chinese and Japanese (`口令`, `密钥`,
 * `令牌`, `トークン`, `秘密鍵`, `暗証番号`). Written as a string, which bundlers escape to ASCII (a regular expression
 * literal they leave as it is, and an action bundle must stay ASCII).
 */
const PASSWORD_WORDS =
  'contrase[ñn]a|contrasenya|пароль|гасло|密码|密碼|パスワード|비밀번호|senha|kennwort|wachtwoord|has[łl]o|l[öo]senord|[şs]ifre|heslo|jelsz[óo]|salasana|adgangskode|kodeord|passord|κωδικ[οό]ς|parol[aă]|lozinka|лозинка|geslo|m[aậ]t[ _]?kh[aẩ]u|kata[ _]?(?:sandi|laluan)|סיסמ[הא]|كلمة[ _]?(?:ال)?(?:مرور|سر)|पासवर्ड|รหัสผ่าน|口令|密钥|密鑰|令牌|トークン|暗証番号|秘密鍵';
/** Matched on the key lower-cased with separators removed (letters of any script kept). */
const PASSWORD_WORLD = RegExp(`motdepasse|${PASSWORD_WORDS}`);

/**
 * In URL query strings and fragments, also these: OAuth codes and an OAuth, CSRF or login state
 * so named (a bare `state` is one when it reads as random: {@link TOKEN_PARAM_KEY}), PKCE and OAuth 1
 * verifiers, SAML responses, SSO payloads, magic-link and invitation tokens, signed-URL hashes,
 * API keys; not a code or key a word before it says is data (`country_code`, `status_code`,
 * `sort_key`, `content_hash`), nor a state of something (`order_state`).
 */
const QUERY_WORD =
  /(?:^|[^a-z\d])(?<!(?:country|currency|zip|postal|post|status|error|err|exit|return|response|http|lang|language|locale|region|iso|tax|phone|dial|promo|coupon|discount|product|item|color|colour|unit|sort|partition|primary|foreign|cache|lookup|index|route|idempotency|object|public|publishable|site|group|event|reason|result|state|content|file|commit|git|image|asset|build|chunk|source)[^a-z\d])(?:code|key|ticket|hash|verifier|sso|magic|invite|appid|nonce|rlkey|resourcekey|verification|confirmation|activation|saml ?request)(?![a-z\d]|[^a-z\d](?:count|algo|algorithm|type|length|size)(?![a-z\d]))|^(?:o?auth|csrf|login|sso|session)[^a-z\d]state$/;
/**
 * A count of tokens (`token_count`, `max_tokens`, `prompt_tokens`, `cache_read_input_tokens`) or a
 * tokenizer, or a position in a listing (`nextPageToken`, `continuationToken`), not a credential: removed from the normalized key before it is judged, so
 * `secret_max_tokens` still is.
 */
const TOKEN_COUNT =
  /(?:total|prompt|completion|input|output|cached|reasoning)tokens(?:details)?$|(?:max|num)tokens?$|^tokens?(?:count|limit|used)$|tokeni[sz]|(?:page|continuation|sync|cursor)token$/;
/**
 * What a key says about a credential without holding one, also removed before the key is
 * judged: when it expires or was issued, whether it is on or needed (`tokenExpiresAt`,
 * `otpEnabled`, `passwordRequired`), an OAuth `token_type`, .NET's `PublicKeyToken`, a password's rules and dates
 * (`minPasswordLength`, `passwordPolicy`, `passwordLastChanged`), a signature's algorithm.
 */
const ABOUT_CREDENTIAL =
  /^[a-z\d]*(?:expiresat|expiresin|expiry|issuedat|ttl|enabled|required|verified)$|^tokentype$|publickeytoken$|^(?:min|max)?passw(?:or)?d(?:min|max)?(?:length|policy|strength|rules?|lastchanged|changedat|updatedat|expiresat|expiry|age)$|^(?:signature|sig)(?:algorithm|alg|method|type|version)$/;
/** Key words so common in prose ("Unexpected token: }") that `key: value` needs a secret-looking value. */
const PROSE_KEY = /^(?:token|session|auth(?:entication)?|signature|cookie|creds?)$/;

/**
 * A command-line flag with a sensitive name, without its value (`-p`, `--db-password`): in an
 * argument list (`process.argv`, a spawned command) the next item is its value.
 */
export const isSensitiveFlag = (item: unknown, sensitive: (key: string) => boolean): boolean =>
  typeof item === 'string' && /^--?[A-Za-z][\w.-]{0,63}$/.test(item) && sensitive(item);

/**
 * Whether `item`, a string of a list, is the value named by the item before it: after a flag with
 * a sensitive name ({@link isSensitiveFlag}); after a sensitive header name in a raw header list
 * (`'X-Api-Key', 'k3y'`: Node's `rawHeaders`), unless it is a header name itself (a CORS
 * `allowedHeaders` list); second of a `[name, value]` pair (`Object.entries`, `[...headers]`).
 */
/**
 * Reads as a header name: words of letters, each in small letters after at most three capitals
 * (`Content-Type`, `X-CSRF-Token`, `ETag`, `content-type`); not a token of mixed letters
 * (`gBoIsueEppngjVfwbEyb`).
 */
const HEADER_NAME = /^[A-Z]{0,3}[a-z]*(?:-[A-Z]{0,3}[a-z]*)*$/;

export const isNamedValue = (
  prev: unknown,
  item: unknown,
  sensitive: (key: string) => boolean,
  pair?: boolean,
): boolean =>
  typeof item === 'string' &&
  typeof prev === 'string' &&
  (isSensitiveFlag(prev, sensitive) ||
    ((pair
      ? prev.length < 65
      : (/^(?:[A-Za-z][\w.]{0,31}-[\w.-]{1,32}|authori[sz]ation|cookie)$/i.test(prev) &&
          !HEADER_NAME.test(item)) ||
        // A field and its value in a command's words (Redis's `HSET user:42 apiToken …`): a
        // value with a digit or a symbol, not the next field's name.
        (/^[A-Za-z_][\w.]{0,63}$/.test(prev) && /\d|[^\w.-]/.test(item))) &&
      sensitive(prev)));

/**
 * A list read as the command line or header list it is: whether `item` is a secret after the
 * items `before` it (non-strings as `''`): a value named by the item before it ({@link
 * isNamedValue}: `'--db-password', 'S3cret'`, `'X-Api-Key', 'k3y'`), or one the text rules
 * filter on that line, and not in the item alone (`['sshpass', '-p', 'S3cret']`, `['mysql',
 * '-uroot', '-pS3cret']`, `['curl', '--user', 'bob:S3cret']`, `['mysqladmin', 'password',
 * 'S3cret']`). Read with the (at most 8) items before it: the first 8 items after a command
 * (one word), then an item after a flag, or with a short one attached; `scrubLine` scrubs text
 * by content.
 */
export function isSecretArg(
  before: readonly string[],
  item: string,
  sensitive: (key: string) => boolean,
  scrubLine: (line: string) => string,
  pair?: boolean,
  command?: boolean,
): boolean {
  const prev = before[before.length - 1] ?? '';
  if (isNamedValue(prev, item, sensitive, pair)) return true;
  if (!(command && before.length < 8) && !/^--?[A-Za-z]/.test(prev) && !/^-[A-Za-z]./.test(item))
    return false;
  const word = item.slice(0, 256);
  const line = before
    .slice(-8)
    .map((arg) => arg.slice(0, 256))
    .join(' ');
  return !scrubLine(`${line} ${word}`).endsWith(scrubLine(word));
}

/**
 * Whether a list starts as a command line the text rules filter something of (its first word a
 * command, its first 8 items read as one line): only then are its first items read one by one
 * after the command ({@link isSecretArg}'s `command`). One scrub of one line for a list of words
 * that holds no secret, instead of two per item.
 */
export function isSecretCommand(items: readonly unknown[], scrubLine: (line: string) => string): boolean {
  try {
    if (items.length < 2 || typeof items[0] !== 'string' || !/^[\w./\\:-]{1,128}$/.test(items[0]))
      return false;
    const words: string[] = [];
    for (let i = 0; i < 8 && i < items.length; i++) {
      const item = items[i];
      words.push(typeof item === 'string' ? item.slice(0, 256) : '');
    }
    const line = words.join(' ');
    return scrubLine(line) !== line;
  } catch {
    // An item that cannot be read: the list is read item by item.
    return true;
  }
}

/**
 * Where a Redis command's password is in a list of its words, as clients hold one (ioredis's
 * `['auth', 'default', '…']`, node-redis's `['HELLO', '3', 'AUTH', 'default', '…']`, the `args`
 * of a `hello` command: `['3', 'AUTH', 'default', '…']`): the item after `AUTH` and its user, or
 * after `AUTH` alone in a command of two words; -1 in any other list. Redis reads its commands in
 * any case.
 */
export function redisPasswordAt(items: readonly unknown[]): number {
  const length = items.length;
  if (length < 2 || length > 8) return -1;
  const word = (i: number): string => {
    const item = items[i];
    return typeof item === 'string' || typeof item === 'number' ? String(item) : '';
  };
  let at = 0;
  if (/^hello$/i.test(word(at))) at += 1;
  if (/^\d$/.test(word(at))) at += 1;
  if (!/^auth$/i.test(word(at))) return -1;
  // `AUTH` alone takes a password, or a user and a password; `HELLO`'s always both.
  if (at === 0) return length <= 3 ? length - 1 : -1;
  return at + 2 < length ? at + 2 : -1;
}

/** Decodes `%XX` escapes, UTF-8 runs as letters, other bytes one by one; never throws. */
export const percentDecode = (text: string): string =>
  text.replace(/(?:%[\da-f]{2})+/gi, (run) => {
    // UTF-8 as URLs encode letters of any script (`contrase%C3%B1a`); bytes one by one otherwise.
    try {
      return decodeURIComponent(run);
    } catch {
      return run.replace(/%([\da-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    }
  });

/** Lower-cases a key, decodes `%XX` and removes separators: `X-Api_Key`, `api%5Fkey` → `apikey`. */
export const normalizeKey = (key: string): string =>
  percentDecode(key)
    .toLowerCase()
    .replace(/[^a-z\d]/g, '');

const isString = (entry: unknown): entry is string => typeof entry === 'string';

/** Copy of `pattern` with `flag` and without `g`/`y`, so a `lastIndex` left by the app cannot skip a match. */
const copyRegExp = (pattern: RegExp, flag: string) =>
  RegExp(pattern, pattern.flags.replace(/[gy]/g, '') + flag);

/** Whether values under `key` are filtered; `query` adds URL-parameter names such as `code` and `key`. */
let keyRulesPrimed = false;
let queryRulePrimed = false;

export function isSensitiveKeyWith(key: string, compiled: CompiledScrub, query?: boolean): boolean {
  if (!keyRulesPrimed) {
    keyRulesPrimed = true;
    for (const rule of [
      SENSITIVE_KEY,
      PERSONAL_KEY,
      TOKEN_COUNT,
      ABOUT_CREDENTIAL,
      SENSITIVE_WORD,
      PASSWORD_WORLD,
      ENV_KEY,
      HEADER_KEY,
      KEY_AFTER,
      CODE_KEY,
    ])
      primeRegExp(rule);
  }
  if (query && !queryRulePrimed) {
    queryRulePrimed = true;
    primeRegExp(QUERY_WORD);
  }
  const name = normalizeKey(key);
  const raw = percentDecode(key);
  const words = raw.replace(HUMP, '$& ').toLowerCase();
  const index = indexKey(words);
  return (
    !compiled.allow.includes(name) &&
    (SENSITIVE_KEY.test(name.replace(TOKEN_COUNT, '').replace(ABOUT_CREDENTIAL, '')) ||
      (!compiled.pii && PERSONAL_KEY.test(name)) ||
      index === false ||
      (!index && (ENV_KEY.test(raw) || HEADER_KEY.test(raw))) ||
      CODE_KEY.test(name) ||
      PASSWORD_WORLD.test(raw.toLowerCase().replace(/[\s_.:-]/g, '')) ||
      SENSITIVE_WORD.test(words) ||
      (!!query && QUERY_WORD.test(words)) ||
      compiled.deny.some((deny) => (isString(deny) ? name.includes(deny) : deny.test(key))))
  );
}

/**
 * Members that name a sibling's value (Kubernetes and ECS env, HAR and Playwright headers, AWS
 * SSM and CloudFormation, Azure's key lists' `keyName`; the field of a validation error:
 * express-validator's `path`, Zod's `path` (a list), class-validator's `property`, Spring
 * Boot's binding failure's `Property`, ajv's `instancePath`; a Redis command's `name` or
 * `command`; a settings row's `setting`, an attribute's `attribute`; the field of an audit trail
 * or a diff: `field`, `path`), and a JWK's `kty`.
 */
const NAMING = new Set([
  'name',
  'Name',
  'key',
  'Key',
  'keyName',
  'ParameterKey',
  'path',
  'property',
  'Property',
  'instancePath',
  'field',
  'command',
  'setting',
  'attribute',
  'loc',
  'kty',
]);
/**
 * The members holding the value so named (ajv's `data`, a Redis command's `args`, an attribute's
 * `val`, the rejected input of a validation error: Zod's `received` and `input`, Spring's
 * `rejectedValue` beside `field`, yup's `originalValue` beside `path`, FastAPI's `input` beside
 * `loc`), or its values
 * before and after a change (`old` / `new`, `from` / `to`, `before` / `after`, `oldValue` /
 * `newValue`, `previous` / `current`).
 */
const VALUE_FIELD =
  /^(?:value|Value|ParameterValue|data|args|val|received|input|rejectedValue|originalValue|old|new|from|to|before|after|oldValue|newValue|previous|current)$/;
/** The members of a statement and of the values bound to it, in the objects of database clients. */
const STATEMENT_KEYS = new Set(['sql', 'query', 'text']);
const BOUND_KEYS = new Set(['bindings', 'parameters', 'params', 'values']);
/** A JSON Web Key's private members (RFC 7518: RSA `d` `p` `q` `dp` `dq` `qi` `oth`, EC `d`, symmetric `k`). */
const JWK_PRIVATE = /^(?:d|p|q|dp|dq|qi|oth|k)$/;

/**
 * The members of an object that its other members say are secret: the value a sensitive name
 * names (`{ name: 'DB_PASSWORD', value: '…' }`), a JSON Web Key's private members, a person's name
 * beside their contact details, an OAuth authorization code. A predicate on member names, or
 * undefined (almost every object: only a naming member among `keys` is read).
 */
export function siblingSecrets(
  object: object,
  keys: readonly string[],
  sensitive: (key: string) => boolean,
  small = true,
): ((key: string) => boolean) | undefined {
  // Only a small object (12 members at most: an env entry, a header, a validation error) is read
  // for a member that names another; a person's name and an OAuth code are read in any object (a
  // Stripe customer has two dozen members).
  for (const key of small ? keys : []) {
    if (!NAMING.has(key)) continue;
    let name = (object as Record<string, unknown>)[key];
    // A path given as a list (Zod's `path: ['user', 'password']`) names its last member.
    if (Array.isArray(name) && name.length > 0 && name.length <= 32) name = name[name.length - 1];
    if (typeof name !== 'string') continue;
    if (key === 'kty') return (member) => JWK_PRIVATE.test(member);
    // A name as keys are written (`DB_PASSWORD`, `x-api-key`, `/prod/db/password`), not a product's name.
    if (/^[\w./:-]{1,64}$/.test(name) && sensitive(name)) return (member) => VALUE_FIELD.test(member);
  }
  // A statement beside its bound values (knex's `{ sql, bindings }`, TypeORM's `query` and
  // `parameters`, node-postgres's `text` and `values`): the values, when the statement gives one
  // of them to a sensitive column (`SET password = $1`, `INSERT INTO users (email, api_token)`).
  let statement: string | undefined;
  let bound: string | undefined;
  for (const key of keys)
    if (STATEMENT_KEYS.has(key)) statement = key;
    else if (BOUND_KEYS.has(key)) bound = key;
  if (statement && bound) {
    const text = (object as Record<string, unknown>)[statement];
    if (typeof text === 'string' && sensitivePlaces(text.slice(0, 4096)).size > 0)
      return (member) => member === bound;
  }
  // An OAuth authorization code beside what comes with one (a token request's `grant_type`,
  // `redirect_uri` or `code_verifier`; a callback's `state`, when the code reads as a token):
  // it is exchanged for the user's tokens.
  if (keys.includes('code')) {
    const code = (object as Record<string, unknown>).code;
    if (
      typeof code === 'string' &&
      keys.some(
        (key) =>
          /^(?:grant_type|redirect_uri|code_verifier|session_state)$/.test(key) ||
          (key === 'state' && (tokenLike(code) || randomLike(code))),
      )
    )
      return (member) => member === 'code';
  }
  // A password-change form's members (`{ current, new, confirm }`): text under `new` beside
  // `confirm` or `current` is a password, and so is theirs.
  if (keys.includes('new') && (keys.includes('confirm') || keys.includes('current')))
    return (member) =>
      /^(?:current|old|new|confirm)$/.test(member) &&
      typeof (object as Record<string, unknown>)[member] === 'string';
  // A security question's answer (`{ question: "Mother's maiden name?", answer }`), when the
  // question's key or text says so: it recovers the account as a password does. A quiz's or an
  // FAQ's answer stays.
  if (keys.includes('answer')) {
    const record = object as Record<string, unknown>;
    const asked = keys.find((key) => /^(?:(?:security|secret)[_-]?)?question$/i.test(key));
    const question = asked === undefined ? undefined : record[asked];
    if (
      typeof record.answer === 'string' &&
      typeof question === 'string' &&
      (asked !== 'question' || SECURITY_QUESTION.test(question))
    )
      return (member) => member === 'answer';
  }
  // The members the rules below look for, found in one pass (an object's other members cost one
  // lookup each), and read only when present (a getter elsewhere on the object is the app's to call).
  let seen = 0;
  let located: string | undefined;
  for (const key of keys) {
    const bit = MEMBER_BITS.get(key);
    if (bit === undefined) continue;
    seen |= bit;
    if (bit === M_LOCATED) located ??= key;
  }
  const has = (bits: number) => (seen & bits) === bits;
  const record = object as Record<string, unknown>;
  // An opaque token under a short name apps give one (`{ refresh: '…' }`, `{ rt, at }` of a
  // session): a value that reads as random ({@link randomLike}), not a flag, a count or a word.
  const tokens = has(M_TOKEN);
  // A wallet's recovery phrase under a bare `seed` or `phrase` (12 to 24 lower-case words); a
  // cloud key pair's secret half, `sk` beside `ak` (`sk` alone is a sort key); a position's `long`
  // beside its `lat`, a GeoJSON point's `coordinates` (unless `sendDefaultPii`).
  const phrase = has(M_MNEMONIC);
  // A one-time-password secret as speakeasy makes one (`{ ascii, hex, base32, otpauth_url }`);
  // an Ethereum private key under `pk` (64 hex digits; `pk` alone is a primary key).
  const totp = has(M_OTPAUTH) || has(M_BASE32 | M_ASCII);
  // express-basic-auth's options: `users` maps each user to their password.
  const basicAuth = has(M_USERS) && (seen & M_BASIC_AUTH) !== 0;
  const wallet = has(M_PK) && typeof record.pk === 'string' && /^(?:0x)?[\da-fA-F]{64}$/.test(record.pk);
  const pair = has(M_SK | M_AK);
  const place =
    (has(M_LAT | M_LONG) || (has(M_COORDINATES | M_TYPE) && record.type === 'Point')) && sensitive('phone');
  // A person's `name` beside their e-mail, phone or address (Stripe's `billing_details`, a
  // checkout's `customer`) is as personal as they are: filtered where a phone is (unless
  // `sendDefaultPii`).
  const person = has(M_NAME) && (seen & M_CONTACT) !== 0 && sensitive('phone');
  // A bare `address` that holds a street address (a house number, then a word), not a server's;
  // a bare `customer` that holds a person's name (two to four capitalized words), not an id.
  const address = has(M_ADDRESS) ? record.address : undefined;
  // Where a street address also goes: a delivery's `location`, OIDC's `address.formatted`.
  const where =
    located !== undefined &&
    typeof record[located] === 'string' &&
    STREET_ADDRESS.test(record[located] as string) &&
    sensitive('phone');
  const customer = has(M_CUSTOMER) ? record.customer : undefined;
  const street = typeof address === 'string' && STREET_ADDRESS.test(address) && sensitive('phone');
  const client = typeof customer === 'string' && PERSON_NAME.test(customer) && sensitive('phone');
  return person ||
    street ||
    client ||
    tokens ||
    phrase ||
    pair ||
    place ||
    where ||
    totp ||
    wallet ||
    basicAuth
    ? (member) =>
        (basicAuth && member === 'users') ||
        (totp && /^(?:ascii|hex|base32|otpauth_url|google_auth_qr)$/.test(member)) ||
        (wallet && member === 'pk') ||
        (person && member === 'name') ||
        (street && member === 'address') ||
        (client && member === 'customer') ||
        (pair && member === 'sk') ||
        (place && (member === 'long' || member === 'coordinates')) ||
        (where && member === located) ||
        (phrase &&
          MEMBER_BITS.get(member) === M_MNEMONIC &&
          typeof record[member] === 'string' &&
          MNEMONIC.test(record[member] as string)) ||
        (tokens && MEMBER_BITS.get(member) === M_TOKEN && opaqueToken(member, record[member]))
    : undefined;
}

/** Words of a question that recovers an account (`What was the name of your first pet?`). */
const SECURITY_QUESTION =
  /\b(?:maiden|pet|born|birth|childhood|first|favou?rite|school|street|nickname|grew up|met your|memorable|security)\b/i;

/** The members {@link siblingSecrets} looks for, each a bit. */
const [M_TOKEN, M_MNEMONIC, M_OTPAUTH, M_BASE32, M_ASCII, M_USERS, M_BASIC_AUTH, M_PK, M_SK, M_AK] = [
  1, 2, 4, 8, 16, 32, 64, 128, 256, 512,
] as const;
const [M_LAT, M_LONG, M_COORDINATES, M_TYPE, M_NAME, M_CONTACT, M_ADDRESS, M_LOCATED, M_CUSTOMER] = [
  1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144,
] as const;
const MEMBER_BITS = new Map<string, number>([
  // Where a session or a client keeps an opaque token by a short name; where a wallet's recovery
  // phrase goes by a bare name.
  ...['refresh', 'access', 'rt', 'at', 'tok', 'ott'].map((key) => [key, M_TOKEN] as const),
  ...['seed', 'phrase', 'words', 'recovery'].map((key) => [key, M_MNEMONIC] as const),
  ['otpauth_url', M_OTPAUTH],
  ['base32', M_BASE32],
  ['ascii', M_ASCII],
  ['users', M_USERS],
  ...['challenge', 'realm', 'authorizer', 'authorizeAsync'].map((key) => [key, M_BASIC_AUTH] as const),
  ['pk', M_PK],
  ['sk', M_SK],
  ['ak', M_AK],
  ['lat', M_LAT],
  ['long', M_LONG],
  ['coordinates', M_COORDINATES],
  ['type', M_TYPE],
  ['name', M_NAME],
  ...['email', 'Email', 'EMAIL', 'e-mail', 'eMail', 'phone', 'Phone', 'PHONE', 'Address', 'ADDRESS'].map(
    (key) => [key, M_CONTACT] as const,
  ),
  // A bare `address` is a contact too.
  ['address', M_ADDRESS | M_CONTACT],
  ['location', M_LOCATED],
  ['formatted', M_LOCATED],
  ['customer', M_CUSTOMER],
]);

/** A wallet's recovery phrase (12 to 24 lower-case words). */
const MNEMONIC = /^[a-z]{3,8}(?: [a-z]{3,8}){11,23}$/;
const opaqueToken = (member: string, value: unknown): boolean =>
  typeof value === 'string' && isTokenParam(member, value);

/** A person's name as written: two to four capitalized words (`Ada Lovelace`, `José María García`). */
const PERSON_NAME = /^\p{Lu}\p{Ll}+(?:[ '-]\p{Lu}\p{Ll}+){1,3}$/u;

/**
 * A random token rather than a word, a name or a setting: 20+ characters without spaces, with
 * digits and letters (`s%3AqY3...`, a session id under a cookie name the app chose).
 */
export const tokenLike = (value: string): boolean =>
  value.length >= 20 && !/\s/.test(value) && /\d/.test(value) && /[a-z]/i.test(value);

const UUID = /^[\da-f]{8}(?:-[\da-f]{4}){3}-[\da-f]{12}$/i;

/**
 * Reads as random rather than as words, for a place whose name says little (a Redis key's part,
 * `/s/<token>`, `?t=<token>`, a cookie of any name): 16+ characters with a digit and a letter,
 * interleaved (`k3j9`, `8f7a6b5c`) or with small and capital letters that start no word
 * (`MkSl2aFk`); not a slug (`how-to-install-node-20`), a name with a number
 * (`Warhammer40000Painting`) or a UUID.
 */
export const randomLike = (value: string): boolean =>
  value.length > 15 &&
  /\d/.test(value) &&
  /\d[A-Za-z]\d|[A-Za-z]\d[A-Za-z]|[a-z][A-Z](?![a-z]{2})/.test(value) &&
  !UUID.test(value);

/**
 * URL parameters whose name says less than a credential's (`?t=`, `?k=`, `?s=`, `?tk=`, `?tok=`,
 * `?rt=`, `?at=`, `?ott=`, `?pat=`, `?ak=`, `?refresh=`, `?access=`, `?share=`, `?unlock=`,
 * `?dl=`, `?wskey=`; an OAuth callback's `?state=`, where `?state=inactive` and `?state=CA` are
 * data): a token only when the value reads as one ({@link isTokenParam}).
 */
const TOKEN_PARAM_KEY =
  /^(?:tk?|tok|k|s|rt|at|ott|pat|ak|refresh|access|share|unlock|dl|wskey|state|sign|md5)$/i;

/**
 * An OAuth callback's parameters, beside which a bare `state` is the flow's, whatever it reads as
 * (`?code=…&state=af0ifjsldkj`, `#access_token=…&state=…`).
 */
export const OAUTH_CALLBACK = /(?:^|[?&#;])(?:code|access_token|id_token)=/;

/**
 * A short URL parameter that apps put a token in ({@link TOKEN_PARAM_KEY}), holding one: a value
 * of token characters that reads as random ({@link randomLike}); a search (`?s=blue+shoes`), a
 * time (`?t=1700000000`, `?t=2024-01-15T12:30:45Z`), a count (`?k=3`) or a flag
 * (`?refresh=true`) stays.
 */
export const isTokenParam = (key: string, value: string): boolean =>
  TOKEN_PARAM_KEY.test(key) &&
  /^(?:[\w~./=-]|%2[BbFf]|%3[Dd])+$/.test(value) &&
  !/^\d{4}-?\d\d-?\d\dT\d/.test(value) &&
  randomLike(value);

/**
 * Reads like a credential rather than prose: long, or with a digit, an inner capital or a symbol
 * of token alphabets.
 */
export const looksLikeSecret = (value: string): boolean =>
  value.length > 15 || /\d|.[A-Z]|[-_+/=.~]/.test(value);

/** Luhn checksum over the digits of `value` (separators ignored), 13 to 19 digits. */
export const luhnValid = (value: string): boolean => {
  const digits = value.replace(/\D/g, '');
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const digit = +digits[digits.length - 1 - i]!;
    sum += i % 2 ? +'0246813579'[digit]! : digit;
  }
  return digits.length > 12 && digits.length < 20 && sum % 10 === 0;
};

/** IBAN check (ISO 13616): the first four characters moved to the end, read as a number mod 97 is 1. */
export const ibanValid = (value: string): boolean => {
  const text = value.replace(/ /g, '');
  let rest = 0;
  for (const char of text.slice(4) + text.slice(0, 4))
    rest = (rest * (char > '9' ? 100 : 10) + parseInt(char, 36)) % 97;
  return rest === 1;
};

/**
 * Card digits by their length and issuer prefix, and the Luhn check: 13 digits are Visa's (`4`),
 * 14 Diners Club's (`30`-`305`, `36`, `38`), 15 American Express's (`34`, `37`), 16 to 19 any card
 * range (`2`-`6`); a 13-digit order id starting `50` is none.
 */
export const cardValid = (value: string): boolean => {
  const digits = value.replace(/\D/g, '');
  return (
    /^(?:4\d{12}|3(?:0[0-5]|[68]\d)\d{11}|3[47]\d{13}|[2-6]\d{15,18})$/.test(digits) && luhnValid(digits)
  );
};

/** Whether an integer looks like a payment card number ({@link cardValid}). */
export const isCardNumber = (value: number): boolean =>
  Number.isSafeInteger(value) && value > 1e12 && cardValid(`${value}`);

/** A replacement function: the match, its first two groups, where it starts, the whole text. */
type Replacer = (all: string, pre: string, value: string, at: number, text: string) => string;

/** Has a digit and a letter, as issued tokens do and words and numbers do not. */
const wordy = (value: string) => /\d/.test(value) && /[a-z]/i.test(value);

/**
 * Replaces the value (the second group; the first, kept, stands in for a look-behind) when it
 * passes `accept`, which reads the kept part too.
 */
const when =
  (accept: (value: string, pre: string) => boolean, mask = FILTERED): Replacer =>
  (all, pre, value) =>
    accept(value, pre) ? pre + mask : all;

/** IP addresses other than loopback: IPv4, and IPv6 with one `::` or all eight groups, and at least four hex digits. */
const ipMask = when(
  (ip) =>
    ip.includes('.')
      ? ip.split('.').every((octet) => +octet < 256) && !/^(?:127\.|0\.0\.0\.0$)/.test(ip)
      : /^(?=.*::|(?:.*:){7})(?:.*[\da-f]){4}/i.test(ip) && !/::.*::/.test(ip),
  IP_MASK,
);
/** An IP address, not a version number in its shape (.NET's `Version=4.0.0.0`, `version 1.2.3.4`). */
const ip: Replacer = (all, pre, value, at, text) =>
  /(?:version|firmware|build|release|ver|fw)[ =:]*v?$/i.test(
    text.slice(Math.max(0, at - 10), at + pre.length),
  )
    ? all
    : ipMask(all, pre, value, at, text);

/** The value (the second group) filtered, its quotes kept: `echo "[Filtered]" | docker login --password-stdin`. */
const keepQuotes: Replacer = (_, pre, value) => {
  const quote = /^\\*["']/.exec(value)?.[0] ?? '';
  return pre + quote + FILTERED + quote;
};

/**
 * A database's quoted value (the second group) filtered when its key or column, named after it
 * (`for key 'users.api_token'`) or in its head (`Key (api_token)=(`), is sensitive by the
 * built-in key rules.
 */
const keyedValue: Replacer = (all, pre, _value, at, text) => {
  if (pre.startsWith('Key ('))
    return pre
      .slice(5, -3)
      .split(',')
      .some((name) => isSensitiveKeyWith(name.trim().replace(/^"|"$/g, ''), builtinScrub()))
      ? pre + FILTERED
      : all;
  // MySQL's `for key 'sessions.PRIMARY'`: the key's name, or the table's for its primary key.
  const key = /^' for key '(?:([\w$]+)\.)?([\w$]+)'/.exec(text.slice(at + all.length));
  return key && (sensitiveIndex(key[2]!) || (key[2] === 'PRIMARY' && sensitiveTable(key[1] ?? '')))
    ? pre + FILTERED
    : all;
};
/**
 * A table or collection that holds secrets by its name (`sessions`, `api_keys`, `app.tokens`,
 * `dbo.password_resets`), singular or plural, after its schema.
 */
const sensitiveTable = (name: string): boolean => {
  const table = name.replace(/^.*\./, '');
  return table !== '' && isSensitiveKeyWith(table.replace(/s$/i, ''), builtinScrub());
};
/** An index or constraint whose name is one of a sensitive column (`UQ_users_api_key`, `reset_token_1`, `IX_api_keys_value`). */
const sensitiveIndex = (name: string): boolean =>
  isSensitiveKeyWith(name.replace(/_\d+$/, ''), builtinScrub()) ||
  sensitiveTable(/^(?:IX|UQ|PK|AK)_([\w$]+?)_[A-Za-z]+$/.exec(name)?.[1] ?? '');
/** A SQL name as written (`"users"."api_token"`, `` `reset_token` ``, `[otp]`) is sensitive by the built-in key rules. */
const sensitiveColumn = (name: string): boolean =>
  isSensitiveKeyWith(/[\w$]+(?=\W*$)/.exec(name)?.[0] ?? '', builtinScrub());
/**
 * A quoted string of SQL or JSON, also with escaped quotes (`\"otp\"` in a JSON string), or a
 * backslash before anything else, as a pattern's source: each text has one way to be read.
 */
const QUOTED = `'(?:[^'\\\\\\n]|\\\\.)*'|"(?:[^"\\\\\\n]|\\\\.)*"|\\\\'(?:[^'\\\\\\n]|\\\\[^'])*\\\\'|\\\\"(?:[^"\\\\\\n]|\\\\[^"])*\\\\"|\\\\[^'"]`;
/** One value of a row or a list, up to a comma at its own level: strings and one level of brackets may hold one. */
const SQL_ITEM = RegExp(`(?:${QUOTED}|\\([^()\\n]*\\)|\\{[^{}\\n]*\\}|[^,'"(){}\\\\])+`, 'g');
/** One row of `VALUES (...), (...)`. */
const SQL_ROW = RegExp(`\\((?:${QUOTED}|\\([^()\\n]*\\)|[^()'"\\\\])*\\)`, 'g');
/** A statement's placeholder: `$1`, `?`. */
const PLACEHOLDER = /^\s*(?:\$\d+|\?)\s*$/;
/**
 * A value filtered, its quotes and spaces kept; a placeholder, `NULL` or `DEFAULT` stays (it
 * holds nothing), a number or a word goes (a one-time code bound to an `otp` column).
 */
const filteredItem = (item: string): string =>
  PLACEHOLDER.test(item) || /^\s*(?:null|default|true|false)\s*$/i.test(item)
    ? item
    : item.replace(/^(\s*)(\\*['"]|)[\s\S]*?\2(\s*)$/, `$1$2${FILTERED}$2$3`);
/** Each item of a list (without its brackets) filtered where `sensitive(index)` says so. */
function filterItems(list: string, sensitive: (index: number) => boolean): string {
  let index = 0;
  return list.replace(SQL_ITEM, (item) => (sensitive(index++) ? filteredItem(item) : item));
}
/**
 * SQL's `INSERT INTO t (a, b) VALUES (...), (...)`: each row's values matched to the columns by
 * position, and those of sensitive columns filtered (the statement an error or a query log quotes).
 */
const INSERT = RegExp(
  `(\\bINSERT\\s+(?:IGNORE\\s+)?INTO\\s+[^\\s(]{1,128}\\s*\\([^()]{1,2048}\\)\\s*VALUES\\s*)((?:${SQL_ROW.source}\\s*(?:,\\s*)?){1,256})`,
  'gi',
);
/** The sensitive columns of an INSERT's head (`INSERT INTO t (a, otp) VALUES `), by position. */
const insertColumns = (head: string): boolean[] =>
  /\(([^()]*)\)\s*VALUES\s*$/i.exec(head)![1]!.split(',').map(sensitiveColumn);
const insertValues: Replacer = (all, pre, rows) => {
  const sensitive = insertColumns(pre);
  return sensitive.includes(true)
    ? pre + rows.replace(SQL_ROW, (row) => `(${filterItems(row.slice(1, -1), (i) => sensitive[i] === true)})`)
    : all;
};
/**
 * The places of a statement's placeholders that stand for a sensitive column's value, in the
 * order its bound values are listed: `"api_key" = $1` (the first), `reset_token = ?`, or by
 * position in `INSERT ... (a, otp) VALUES (?, ?)` (the second).
 */
function sensitivePlaces(statement: string): Set<number> {
  const places = new Set<number>();
  const marks: Array<[at: number, mark: string, sensitive: boolean]> = [];
  for (const m of statement.matchAll(/\$\d+|\?/g)) marks.push([m.index, m[0], false]);
  const mark = (at: number) => {
    const found = marks.find(([where]) => where === at);
    if (found) found[2] = true;
  };
  for (const m of statement.matchAll(/([\w$."`[\]]{1,128})\s*(?:=|<>|!=|\blike\b)\s*(?=\$\d+|\?)/gi))
    if (sensitiveColumn(m[1]!)) mark(m.index + m[0].length);
  for (const m of statement.matchAll(INSERT)) {
    const sensitive = insertColumns(m[1]!);
    const rows = m.index + m[1]!.length;
    for (const row of m[2]!.matchAll(SQL_ROW)) {
      let i = 0;
      for (const item of row[0].slice(1, -1).matchAll(SQL_ITEM))
        if (sensitive[i++]) mark(rows + row.index + 1 + item.index + item[0].search(/\S|$/));
    }
  }
  let asked = 0;
  for (const [, text, sensitive] of marks) {
    const place = text === '?' ? asked++ : Number(text.slice(1)) - 1;
    if (sensitive) places.add(place);
  }
  return places;
}
/**
 * The values bound to `statement`, as a list's items without its brackets, filtered when the
 * statement gives one to a sensitive column (and, quoted, when it names a sensitive column or
 * table at all); undefined when it names none.
 */
function boundValues(statement: string, items: string): string | undefined {
  const places = sensitivePlaces(statement);
  if (
    places.size === 0 &&
    !(statement.match(/[A-Za-z_]\w{1,63}/g) ?? []).some((word) => isSensitiveKeyWith(word, builtinScrub()))
  )
    return undefined;
  const bound = places.size ? filterItems(items, (i) => places.has(i)) : items;
  return bound.replace(/(\\*["'])(?:(?!\1)[^\n])*\1/g, `$1${FILTERED}$1`);
}
/**
 * A value Mongoose quotes in an error (the second group) filtered when its path, named before it
 * (``Path `password` (`...`)``, ``for path `pin` with value `...` ``) or after it (`Cast to Number
 * failed for value "..." (type string) at path "otp"`), is sensitive by the built-in key rules.
 */
const pathValue: Replacer = (all, pre, _value, at, text) =>
  sensitiveColumn(
    /`([^`]{1,64})`/.exec(pre)?.[1] ??
      /^(?:\\*")? \(type [\w ]{1,40}\) at path \\*"([^"\\]{1,64})/.exec(text.slice(at + all.length))?.[1] ??
      '',
  )
    ? pre + FILTERED
    : all;
let builtin: CompiledScrub | undefined;
/** The built-in rules without options, prepared on first use. */
function builtinScrub(): CompiledScrub {
  if (!builtin) builtin = compileScrub();
  return builtin;
}

/** An AWS access key id, as a pattern's source: the id rule and the secret-key pairing share it. */
const AWS_ID = '\\b(?:A3T[A-Z\\d]|AKIA|ASIA|ABIA|ACCA)[A-Z\\d]{16}\\b';
const AWS_KEY_ID = RegExp(AWS_ID);
/**
 * One argument of a call written out in a source line, as a pattern's source: anything but a
 * comma at its own level (quoted strings, and one level of parentheses or braces, may hold one).
 */
const ARG = `(?:[^()'"\`,{}\n]|'[^'\n]*'|"[^"\n]*"|\`[^\`\n]*\`|\\([^()\n]*\\)|\\{[^{}\n]*\\})+`;
/**
 * A string literal given to a call that takes a secret at that place, as a source line sent as
 * context shows a hard-coded one: the key of `jwt.sign(payload, '...')` / `jwt.verify`, of
 * `createHmac('sha256', '...')` and `createCipheriv(algorithm, '...', iv)`, the password of
 * `new Sequelize('db', 'user', '...')`, and the one argument of `setApiKey('...')` (SendGrid),
 * `setAccessToken`, `setToken`, `setPassword`, `setSecret`, the secret of express's
 * `cookieParser('...')`, the key of Algolia's `algoliasearch(appId, '...')`, and the password of
 * `.auth('...')` /
 * `.auth(user, '...')` (Redis clients, MongoDB's `db.auth`), of neo4j's `auth.basic(user, '...')`,
 * Cassandra's `PlainTextAuthProvider(user, '...')`, an LDAP `bind('cn=…', '...')` and
 * `changePassword('...')` / `changeUserPassword(user, '...')`; the key of CryptoJS's
 * `AES.encrypt(text, '...')` / `AES.decrypt`; the token of `useAccessToken('...')` (and `use…`), of
 * `twilio(sid, '...')`, the key of ethers' `Wallet('...')`, Parse's master key
 * (`Parse.initialize(appId, jsKey, '...')`) and a JWT secret encoded for jose
 * (`new TextEncoder().encode('...')`).
 */
const SECRET_ARGUMENT = RegExp(
  `((?:\\b(?:(?:jwt\\.(?:sign|verify)|create(?:Hmac|Cipheriv|Decipheriv))\\(\\s*${ARG},|new\\s+Sequelize\\(\\s*${ARG},\\s*${ARG},|algoliasearch\\(\\s*${ARG},|(?:set|use)(?:ApiKey|AccessToken|Token|Password|Secret)\\(|(?:change(?:User)?|update|reset)Password\\((?:\\s*${ARG},)?|\\b(?:AES|DES|TripleDES|Rabbit|RC4)\\.(?:en|de)crypt\\(\\s*${ARG},|cookieParser\\(|auth\\.basic\\(\\s*${ARG},|PlainTextAuthProvider\\(\\s*${ARG},|\\.bind\\(\\s*(?:\\\\*['"\`](?:cn|uid|ou|dc|mail|o)=[^'"\`\\n]*\\\\*['"\`]|\\w*[Dd][Nn]\\w*),|twilio\\(\\s*${ARG},|Wallet\\(|Parse\\.initialize\\(\\s*${ARG},\\s*${ARG},|TextEncoder\\(\\)\\.encode\\()|\\.auth\\((?:\\s*${ARG},)?)\\s*)(\\\\*['"\`])((?:(?!\\2)[^\\\\\\n]|\\\\.){4,512})\\2`,
  'g',
);

/**
 * Between the words of a command line, as a pattern's source: spaces, or the quotes and comma
 * between the items of an argument list written out (over lines too).
 */
const ARG_SEP = `(?:[ \\t]+|\\\\*["'],(?:\\s|\\\\+[nrt]){0,64}\\\\*["'])`;

/** 40 characters with small and capital letters and a digit, `/` or `+`: a secret key, not a word or a hex digest. */
const awsSecret = (value: string) => /[a-z]/.test(value) && /[A-Z]/.test(value) && /[\d/+]/.test(value);

/**
 * Vendor credentials with a prefix of their own: facts (prefix, alphabet) from the public rule
 * lists of secret scanners. The value after the prefix must be 16+ token characters with a digit
 * or a capital, so `hf_transformers_cache` or `sk-learn-examples` stay.
 *
 * A prefix that could start a word or an identifier is held to the alphabet after it:
 * SonarQube's `squ_` and Databricks' `dapi` to hex digits; Klaviyo's `pk_`, Neon's `napi_`,
 * Render's `rnd_` and Notion's older `secret_` to letters and digits; `sk-`, Dropbox's `sl.` and
 * Yandex's `y0_` to a long run of token characters; 1Password's `ops_` to the `eyJ` after it. So
 * `napi_create_string_utf16`, `ico-chevron-down-16px` and `sl.Header2024Nav` stay. Where the
 * length allows, from 16 characters on: a key the app cut short (in a tag or a slug) is still
 * removed.
 *
 * Resend's `re_` to eight letters and digits and a `_` after them, LaunchDarkly's server-side
 * `sdk-` to a UUID, so `re_render_component` and `sdk-version-2` stay.
 *
 * Also credentials known by what is written before them (Okta's `SSWS` scheme, Braintree's
 * `access_token$production$<merchant>$`, a Firebase Cloud Messaging server key's
 * `AAAA…:APA91b`), and a JWT encoded in base64 once more (`ZXlK…`, as a
 * Kubernetes Secret's data holds one), known by its header's first field (`alg`, `typ`, `kid`).
 */
const VENDOR =
  /\b(?:[rs]k_(?:live|test|prod|sbox)_|pdl_(?:live|sdbx)_apikey_|md-(?=[\w-]{22}\b)|whsec_|gh[oprsu]_|github_pat_|gl(?:pat|dt|rt|ptt|ft|ffct|imt|oas|soat|cbt|agent)-|GR1348941|gl(?:c|sa)_|xox[abeoprs]-|api_org_|NRII-|xapp-|AIza|GOCSPX-|ya29\.|npm_|sk-(?=[\w-]{32})|SG\.|do[opr]_v1_|HRKU-|hf_|shp[a-z]{2}_|EAA[ACM]|sq0(?:atp|csp)-|AT[AC]TT3|dp\.(?:pt|st|sa|ct|scim|audit)\.(?:[\w-]{1,35}\.)?|hv[bs]\.|pul-|dapi(?=[\da-f]{16})|NRAK-|sntry[su]_|pypi-|rubygems_|dckr_[po]at_|lin_api_|PMAK-|gsk_|pplx-|xai-|r8_|ntn_|fig[dp]_|sbp_|pscale_|AGE-SECRET-KEY-|LTAI|fo1_|xkeysib-|FLWSECK|dt0c01\.|oy2(?=[a-z\d]{30})|AKCp|CFPAT-|pcsk_|lsv2_(?:pt|sk)_|sgp_(?=[\da-fA-F]{16}|local_)|EZ[AT]K|tfp_(?=[\w-]{40})|fio-u-|CLOJARS_|pnu_(?=[A-Za-z\d]{16})|rdme_(?=[a-z\d]{16})|shippo_(?:live|test)_|ops_(?=eyJ)|ABSK|sha256~|tskey-[a-z]{3,7}-|p8e-|cmVmd|v1\.0-[\da-f]{24}-|ATBB|dG9rOj|aio_(?=[A-Za-z\d]{16})|bkua_|CCIPAT_|duffel_(?:test|live)_|sl\.(?=[\w.-]{60})|nfp_|A{22}|napi_(?=[a-z\d]{16})|rnd_(?=[A-Za-z\d]{16})|phx_(?=[A-Za-z\d]{16})|y[0-3]_(?=[\w-]{40})|tk-us-|access-(?:sandbox|development|production)-|[ps]at\.(?=[\w-]{22}\.)|ico-(?=[A-Za-z\d]{16})|fm(?:\d+|1[ar])_|dnkey-|sm_(?:pat|aat|sat)_|secret_(?=[A-Za-z\d]{16,43}\b)|bedrock-api-key-|[su]-s4t2(?:ud|af)-|ZXlK(?:aGJHY2lPaU|MGVYQWlPaU|cmFXUWlP)|sb_secret_|SSWS[ \t]+|apify_api_|BBDC-|bb_(?:pr|ma)_|cfk_|flb_(?:live|test)_|shltm_|na1\.(?=[\w+/]{40})|pat-(?:eu|na)1-|pk_(?:[A-Za-z\d]{6}_)?(?=[\dA-Za-z]{16,34}\b)|NRIQ-|NF-(?=[A-Za-z\d]{16,32}\b)|nvapi-|ak_(?:live|test)_|ramp_sec_|rh-api-|rootly_|salad_cloud_|5AEP861|sq(?:[pau]_(?=[\da-f]{16})|co_)|slk_(?=[\da-f]{16})|thog-(?:key|secret)-|BBFF-|VF\.(?:DM\.|WS\.)?(?=[\da-fA-F]{24}\.)|1000\.(?=[\da-f]{16,32}(?:\.|\b))|access_token\$(?:production|sandbox)\$[\da-z]{16}\$|re_(?=[A-Za-z\d]{8}_[\w]{16})|AAAA[\w-]{7}:APA91b|sdk-(?=[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-))([\w~+/-]{16,}(?:\.[\w~+/-]+)*=*)/g;

/**
 * Value rules, applied in order: a pattern, its replacement, and what the text must hold for the
 * pattern to be tried: `1`, one of the characters of {@link PUNCTUATION}; a string; or a small
 * pattern that finds what every branch of a large one starts with, so that the large one is
 * compiled (milliseconds, on a process's first event) only for text that may hold a match. The
 * last five mask personal data, unless `sendDefaultPii`.
 */
const RULES: Array<[RegExp, string | Replacer, (1 | string | RegExp)?]> = [
  [
    // PEM and PGP private keys, to their END line (or the end of the text, when it was cut).
    /-----BEGIN[A-Z\d _-]{0,40}PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[A-Z\d _-]{0,40}PRIVATE KEY(?: BLOCK)?-----|$)/g,
    FILTERED,
    'PRIVATE KEY',
  ],
  // A GitHub token given as a URL's user, its password the fixed word GitHub documents:
  // `https://<token>:x-oauth-basic@github.com/…`.
  [/(\/\/)[^\s:/?#@]{1,256}(?=:x-oauth-basic@)/g, `$1${FILTERED}`, 'x-oauth-basic@'],
  // Go's MySQL driver's data source name, which has no scheme: `user:password@tcp(db:3306)/app`.
  [/(\b[\w.-]{1,64}:)[^\s:/@]{1,256}(?=@(?:tcp|unix)\()/g, `$1${FILTERED}`, /@(?:tcp|unix)\(/],
  [
    // The password in scheme://user:password@host, any scheme, also with an unencoded `#`, `/` or
    // `?` in it (not a port before a path: `http://host:3000/@scope`) or an e-mail address as the
    // user (`smtps://me@example.com:pass@smtp...`), up to the last `@` of the authority, as URL
    // parsers read it (`p@ss`, and `p%40ss` once decoded); webhook URLs whose path is the credential
    // (Slack, Discord, Microsoft Teams, Zapier, Make; log intakes: Loggly, Sumo Logic, Datadog's
    // `/v1/input/<key>`; heartbeats: Healthchecks, Cronitor,
    // Better Stack's `/api/v1/heartbeat/<token>`), and web3 RPC URLs whose path is the project's key
    // (Alchemy `/v2/<key>`, Infura `/v3/<id>`, QuickNode).
    /(\b[A-Za-z][\w+.-]{0,30}:\/\/[^\s:/?#]{0,256}:)(?!\d{1,5}[/?#])(?:[^\s@]|@(?=[^\s/@]{0,256}@)){1,256}(?=@)|((?:hooks\.slack\.com\/(?:services|workflows|triggers)|discord(?:app)?\.com\/api\/webhooks|webhook\.office\.com\/webhookb2|hooks\.zapier\.com\/hooks\/catch|\.alchemy\.com\/v2|\.infura\.io\/v3|\.quiknode\.pro|hook\.(?:[a-z\d]{1,8}\.)?(?:make|integromat)\.com|loggly\.com\/(?:inputs|bulk)|\/receiver\/v1\/http|datadoghq\.(?:com|eu)\/v1\/input|hc-ping\.com|healthchecks\.io\/ping|cronitor\.link(?:\/p)?|betterstack\.com\/api\/v\d\/heartbeat|api\.vercel\.com\/v1\/integrations\/deploy\/[\w-]{1,64})\/)[\w/@+=-]{1,512}/g,
    `$1$2${FILTERED}`,
    /:\/\/|hooks\.|discord|webhook\.|\.alchemy\.|\.infura\.|\.quiknode\.|hook\.|loggly|\/receiver\/|datadoghq|hc-ping|healthchecks|cronitor|betterstack|api\.vercel/,
  ],
  // Uptime Kuma's push URL, `/api/push/<token>` (letters and digits; `/api/push/subscribe` stays).
  [/(\/api\/push\/)(?=[a-z]*\d)(?=\d*[a-z])[a-z\d]{8,64}(?![\w.-])/gi, `$1${FILTERED}`, '/api/push/'],
  // A Pipedream endpoint, whose host name is the credential.
  [/(\/\/)[a-z\d]{10,40}(?=\.m\.pipedream\.net\b)/g, `$1${FILTERED}`, '.m.pipedream.net'],
  // `Digest` credentials (all their parameters), `Bearer` / `Basic` credentials (not "Basic authentication required").
  [/\b([Dd]igest[ \t]+)\w+=[^\r\n]{1,1024}/g, `$1${FILTERED}`, 'igest'],
  [
    /((?:^|[^\w-])(?:[Bb]earer|BEARER|[Bb]asic|BASIC)[ \t]+)([\w.~+/-]{6,4096}=*)/g,
    when(looksLikeSecret),
    /earer|asic|EARER|ASIC/,
  ],
  // Passwords on command lines (a cron job's command is reported), each tool with its own flag
  // and in the same command (not past `;`, `|` or `&`): `mysqldump -pS3cret`, `mysql -p S3cret`,
  // `mongosh -p`, `sshpass -p`, `docker login -p`, `az login -p`, `redis-cli -a` (not its port
  // `-p 6379`), `ldapsearch -w`, `sqlcmd -P`, `zip -P`, `7z a -pS3cret` (attached only: `7z a -p
  // out.7z` asks), `ssh-keygen -N` (and the old one, `-P`), `openssl enc -k` / `-K`, `mysqladmin
  // -pOLD password NEW` (both), `rabbitmqctl add_user bob S3cret`, `net use \\host\share S3cret`,
  // `net user bob S3cret /add`, `smbclient //host/share S3cret` (not `-N` or an option after the share),
  // Oracle's `sqlplus bob/S3cret@db` (the database stays); digits and plain words too (only mysql's
  // `-p`, after a space, is no password when a plain word follows: `mysql -p shop` names a
  // database). A user and password, the user kept: `-u bob:S3cret`, `--user="bob:two words"`,
  // Samba's `-U bob%S3cret`, httpie's `-a bob:S3cret`; `-u 1000:1000` (uid:gid of `docker run`)
  // stays, but not after curl, wget, http or git. `htpasswd -b file user pass` / `htpasswd -nb user
  // pass` (any word: `-b` takes the password; flags may follow a word, as in `docker run
  // --entrypoint htpasswd httpd:2 -Bbn user pass`), not in prose (`htpasswd -b is insecure, use
  // -i`: a word that ends in `,` or `;`, or a flag after the password, which htpasswd does not take).
  // Also `oc login -p`, `cf login -p`, `rabbitmqadmin -p`, `twine upload -p`, `cqlsh -p`,
  // `cypher-shell -p`, `psexec -p`, `vsce publish -p` (an Azure DevOps token), `tsql -P`, `nuget
  // push -k` (an API key), `mosquitto_pub -P`, `ipmitool -P`, `unrar x -pS3cret`, `snmpwalk -c
  // <community>`, `db2 connect ... using S3cret`, `bw unlock S3cret`, `curl -E cert.pem:S3cret`.
  [
    /(\b(?:mysqladmin(?=[ \t])[^\n;|&]{0,512}?[ \t]password[ \t]+|(?:mysql\w{0,6}|mongo\w{0,8}|sshpass|(?:docker|podman|helm registry|az|oc|cf) login|rabbitmqadmin|twine|cqlsh|cypher-shell|psexec|vsce)\b[^\n;|&]{0,512}?[ \t]-p|(?:7z[ar]?|unrar|rar)\b[^\n;|&]{0,512}?[ \t]-p(?=\S)|snmp\w{0,12}\b[^\n;|&]{0,512}?[ \t]-c|db2\b[^\n;|&]{0,512}?[ \t]using[ \t]+|\bbw[ \t]+unlock[ \t]+|redis-cli\b[^\n;|&]{0,512}?[ \t]-a|ldap\w{0,8}\b[^\n;|&]{0,512}?[ \t]-w|(?:sqlcmd|bcp|tsql|(?:un)?zip|mosquitto_\w{1,8}|ipmitool)\b[^\n;|&]{0,512}?[ \t]-P|nuget\b[^\n;|&]{0,512}?[ \t](?:-k|--api-key|-ApiKey)|ssh-keygen\b[^\n;|&]{0,512}[ \t]-[NP]|openssl\b[^\n;|&]{0,512}?[ \t]-[kK](?=[ \t])|rabbitmqctl\b[^\n;|&]{0,512}?[ \t](?:add_user|change_password)[ \t]+\S{1,256}[ \t]+|net[ \t]+use\b[^\n;|&]{0,512}?[ \t]\\\\\S{1,256}[ \t]+(?:\/\S{1,256}[ \t]+){0,3}(?![/*])|net[ \t]+user[ \t]+[^\s/]\S{0,255}[ \t]+(?![/*])|smbclient(?:[ \t]+-\S{1,64}(?:[ \t]+[^\s/-]\S{0,64})?){0,4}[ \t]+\/\/\S{1,256}[ \t]+(?![/-])|(?:sqlplus|rman|sqlldr|(?:ex|im)pdp)\b[^\n;|&]{0,512}?[ \t][^\s/@-]{1,128}\/(?=[^\s/]))[ \t]?|(?:\b(?:curl|wget|https?|git)(?=[ \t])[^\n;|&]{0,512}?[ \t]-(?:[auEU]|-auth|-user|-proxy-user|-cert)|(?:^|[ \t])-(?:[uU]|-user|-proxy-user))[ \t=]+(?=\\*["']?[^\s:%'"]{0,128}(?::(?!\/\/)|%))|\bhtpasswd[ \t]+(?:[^\s-]\S{0,64}[ \t]+)?(?:(?:-[A-Za-z]{1,6}[ \t]+(?:\d\d?[ \t]+)?){0,3}-[A-Za-z]{0,5}n[A-Za-z]{0,5}[ \t]+(?:-[A-Za-z]{1,6}[ \t]+(?:\d\d?[ \t]+)?){0,3}|(?:-[A-Za-mo-z]{1,6}[ \t]+(?:\d\d?[ \t]+)?){1,4}[^\s-]\S{0,256}[ \t]+)[^\s-]\S{0,256}[ \t]+)(?!\/\/|-|\\+["']\\*["'])(\\*["'][^"'\n\\]{1,256}|[^\s'"]{1,256})/g,
    (all: string, pre: string, value: string, at: number, text: string) => {
      // What stays: the user of `user:password` (Samba: `user%password`), or the opening quote of
      // a quoted value (one value, to its closing quote, which stays): `sshpass -p "two words"`.
      const pair = /^(?:[ \t-]|curl|wget|http|git)/.test(pre);
      const kept = pair ? /^[^:%]*[:%]/.exec(value)![0] : (/^\\*["']/.exec(value)?.[0] ?? '');
      // Prose about a flag, not a command: `zip -P is insecure`, `sshpass -p and a password`.
      if (
        !pair &&
        /^(?:is|are|was|and|or|the|to|option|flag|means|takes|sets|should|must|can|will|not|with|for)$/i.test(
          value,
        ) &&
        /^[ \t]+[a-z]/.test(text.slice(at + all.length, at + all.length + 8))
      )
        return all;
      if (pair && value === kept && /^(?:curl|wget|http)/.test(pre)) {
        // No password: an API key as the user (`curl -u <key>: https://…`, as Stripe and others
        // document it) goes, a plain user name (`-u admin:`) stays.
        const quote = /^\\*["']?/.exec(value)![0];
        return looksLikeSecret(value.slice(quote.length, -1))
          ? pre + quote + FILTERED + value.slice(-1)
          : all;
      }
      return (
        /^htp/.test(pre)
          ? /[ \t]-[A-Za-z]*b/.test(pre) &&
            !/[,;][ \t]/.test(pre) &&
            !/^[ \t]+-/.test(text.slice(at + all.length, at + all.length + 64))
          : pair
            ? value.length > kept.length && !(/^[ \t-]/.test(pre) && /^\\*["']?\d+:\d+$/.test(value))
            : !!kept || !/^mysql.*-p[ \t]$/.test(pre) || looksLikeSecret(value)
      )
        ? // The other password before this one: `mysqladmin -pOLD password NEW`, `ssh-keygen -P OLD -N NEW`.
          pre.replace(
            /^(mysqladmin.*?[ \t]-p|ssh-keygen.*?[ \t]-[NP][ \t]?)(?:(\\*["'])[^"'\n\\]{1,256}|[^\s'"\\-][^\s'"]{0,255})/,
            `$1$2${FILTERED}`,
          ) +
            kept +
            FILTERED +
            // Oracle's `user/password@db`: the database stays.
            (/\/$/.test(pre) && !kept ? value.replace(/^[^@]*/, '') : '')
        : all;
    },
    // A flag (`-p`, `--user`), `password` / `add_user` / `change_password` as a word, a UNC path
    // (`net use`), `net user`, smbclient or an Oracle tool: one of these is in every match.
    /(?:^|[ \t])-[A-Za-z-]|[ \t](?:password|add_user|change_password|using|unlock)[ \t]|\\\\|sqlplus|rman|sqlldr|pdp\b|net[ \t]+user|smbclient/,
  ],
  // `-p` after a user given with `-u`, `-U` or `--user` in the same command is its password,
  // whatever the tool (`backup-tool -u admin -p S3cr3t!`), also as the items of an argument list
  // written out (`[ '-u', 'admin', '-p', 'S3cr3t!' ]`, a failed spawn's `spawnargs` inspected);
  // the item alone is read so in data. Not a port, a pid or a port mapping (`psql -U app -p
  // 5432`, `docker run -u 1000 -p 8080:80`), a path, a URL or a plain word (`mysql -u root -p
  // shop`, `journalctl -u nginx -p err`): a word with a digit and a letter, or a letter and a
  // symbol; a quoted value whatever it holds.
  [
    RegExp(
      `((?:^|[ \\t"'])-(?:[uU]|-user(?:name)?)(?:[ \\t=]+|${ARG_SEP})[^\\s'"\\\\;|&-][^\\s'"\\\\;|&]{0,127}(?:${ARG_SEP}[^\\s'"\\\\;|&]{1,128}){0,6}?${ARG_SEP}-p(?:[ \\t]+|${ARG_SEP}))(\\\\*["'][^"'\\n\\\\]{1,256}|[^\\n'"\\\\]{1,256})`,
      'g',
    ),
    (all: string, pre: string, value: string) => {
      const listed = /["']$/.test(pre);
      const quote = listed ? '' : (/^\\*["']/.exec(value)?.[0] ?? '');
      const word = listed || quote ? value.slice(quote.length) : /^\S*/.exec(value)![0];
      return quote ||
        (!/^[\d.,:]+(?:\/\w+)?$|^[-./~]|:\/\//.test(word) &&
          (wordy(word) || (/[a-z]/i.test(word) && /[!@#$%^&*+=~?]./.test(word))))
        ? pre + quote + FILTERED + value.slice(quote.length + word.length)
        : all;
    },
    /(?:^|[\s"'])-(?:[uU]|-user)/,
  ],
  // A password handed to a command on its standard input (`echo S3cret | docker login
  // --password-stdin`, `| gh auth login --with-token`, `| sudo -S`, `| passwd --stdin`, `|
  // chpasswd`, `--password-stdin <<< S3cret`), and commands that take a secret as a word: `mc alias
  // set NAME URL KEY SECRET` (and the old `mc config host add`), `vault login TOKEN`, `cargo login
  // TOKEN`, `lftp -u bob,S3cret`, `xfreerdp /p:S3cret`, and GitHub Actions' `::add-mask::S3cret`
  // (the value a workflow hides from its log). A quoted value keeps its quotes.
  [
    /(\becho[ \t]+(?:-[neE]{1,3}[ \t]+)?)(\\*"[^"\n]*"|\\*'[^'\n]*'|[^\s|;&'"\\]+)(?=[ \t]*\|[^\n;&]*?(?:--password-stdin|--with-token|[ \t]-S\b|--stdin|chpasswd))/g,
    keepQuotes,
    'echo',
  ],
  [
    /(--password-stdin[^\n;|&]*?<<<[ \t]*|\bmc[ \t]+(?:alias[ \t]+set|config[ \t]+host[ \t]+add)(?:[ \t]+\S+){3}[ \t]+|\b(?:(?:vault|cargo|wandb)[ \t]+login|ngrok[ \t]+(?:config[ \t]+add-)?authtoken)[ \t]+(?!-)|::add-mask::|\blftp\b[^\n;|&]*?[ \t]-u[ \t]+[^\s,]+,|\b[xw]freerdp\b[^\n;|&]*?[ \t]\/p:)("[^"\n]*"|'[^'\n]*'|[^\s|;&'"]+)/g,
    keepQuotes,
    /password-stdin|mc[ \t]+(?:alias|config)|(?:vault|cargo|wandb)[ \t]+login|authtoken|add-mask|lftp|freerdp/,
  ],
  // Commands that set an environment variable, `NAME value`: the value when the name is
  // sensitive (`cf set-env app DB_PASSWORD …`, `netlify env:set`, `setx`, fish's `set -Ux`,
  // `launchctl setenv`, `railway variables set`).
  [
    /(\b(?:cf[ \t]+set-env[ \t]+\S+|netlify[ \t]+env:set|setx|set[ \t]+-[gUx]{1,3}|launchctl[ \t]+setenv|railway[ \t]+variables[ \t]+set)[ \t]+([A-Za-z_][\w.-]{0,63})[ \t]+)("[^"\n]*"|'[^'\n]*'|[^\s|;&'"]+)/g,
    (all: string, pre: string, name: string) =>
      isSensitiveKeyWith(name, builtinScrub()) ? keepQuotes(all, pre, all.slice(pre.length), 0, all) : all,
    /set-env|env:set|setx|set[ \t]+-|setenv|variables[ \t]+set/,
  ],
  // Commands that store secrets, where every value given is one: `gh secret set NAME --body S3cret`
  // (`-b`, `--body=`), `az keyvault secret set --value S3cret`, `fly secrets set KEY=S3cret`,
  // `heroku config:set KEY=S3cret`, `vault kv put path key=S3cret`, `kubectl create secret generic
  // db --from-literal=key=S3cret` (any key), `dotnet user-secrets set Db:Password S3cret` (the
  // second word that is no flag). Words are shell words: `KEY="a b"`, `"S3 cret"`.
  [
    /(\b(?:(?:user-)?secrets?(?:[ \t]+|:)(?:set|put)|config:set|kv[ \t]+put|create[ \t]+secret)\b)((?:[ \t]+(?:[^\s;|&"']|"[^"\n]{0,1024}"|'[^'\n]{0,1024}'){1,1024}){1,16})/g,
    (_: string, pre: string, args: string) => {
      // `user-secrets set [--project dir] KEY VALUE`: the second word that is neither a flag nor a flag's value.
      const named = /^u/.test(pre);
      let words = 0;
      let prev = '';
      // A quoted word to its closing quote (escaped as often), a bare word to a quote.
      const mask = (word: string) => word.replace(/^(\\*["']?)(?:[^\\"']|\\(?![\\"']))*/, `$1${FILTERED}`);
      return (
        pre +
        args.replace(/([ \t]+)((?:[^\s"']|"[^"\n]*"|'[^'\n]*')+)/g, (all, space: string, word: string) => {
          const pair = /^(\\*["']?(?:--from-literal=)?[A-Za-z_][\w.:-]{0,63}=|-b|--(?:body|value)=)(.+)/.exec(
            word,
          );
          const secret =
            /^(?:-b|--body|--value)$/.test(prev) ||
            (named ? !/^-/.test(word) && !/^-(?!v$|-verbose$)/.test(prev) && ++words === 2 : !!pair);
          prev = word;
          return secret ? space + (pair && !named ? pair[1] + mask(pair[2]!) : mask(word)) : all;
        })
      );
    },
    /secret|config:set|kv[ \t]/,
  ],
  [
    // A token in a URL path after a segment that names it: `/reset-password/<token>`, `/tokens/<id>/revoke`,
    // also after a short id between them (Django's `/reset/<uidb64>/<token>/`, Laravel's `/email/verify/<id>/<hash>`).
    /(\/(?:[a-z\d]{1,20}[-_]){0,2}(?:token|reset|passw|secret|key|verif|confirm|magic|invit|activat|unsubscribe|otp|login|signin|session|auth|callback|(?:web)?hook|sso|share)[\w-]{0,40}\/(?:[\w-]{1,12}\/)?)([\w~%+-]{16,1024})(?![\w~%+.-])/gi,
    when(wordy),
    /token|reset|passw|secret|key|verif|confirm|magic|invit|activat|unsubscribe|otp|login|signin|session|auth|callback|hook|sso|share/i,
  ],
  // express-basic-auth's options as a source line writes them: `users: { admin: '…' }` before
  // `challenge`, `realm` or `authorizer`.
  [
    /(\busers:[ \t]*\{)([^{}\n]{1,512})(?=\}[^\n]{0,64}\b(?:challenge|realm|authorizer)\b)/g,
    (_all: string, pre: string, users: string) =>
      pre + users.replace(/(:[ \t]*)(['"`])(?:(?!\2)[^\\\n]|\\.)*\2/g, `$1$2${FILTERED}$2`),
    'users:',
  ],
  // Basic credentials built in code: the password of `btoa('user:…')`, `Buffer.from('user:…')`.
  [
    /(\b(?:btoa|Buffer\.from)\(\s*\\*['"`][^'"`:\s\\]{1,64}:)[^'"`\\\n]{1,256}(?=\\*['"`])/g,
    `$1${FILTERED}`,
    /btoa\(|Buffer\.from\(/,
  ],
  // ASP.NET's cookieless session in a URL's path, `/(S(<id>))/`; an RTMP stream key after the
  // ingest's application (`rtmp://live.twitch.tv/app/<key>`, `rtmps://a.rtmp.youtube.com/live2/<key>`).
  [/(\/\((?:S|A|F)\()[a-z\d]{20,}(?=\)\))/gi, `$1${FILTERED}`, '/('],
  [
    /(\brtmps?:\/\/[^\s/]{1,256}\/(?:app|live2?|stream|ingest)\/)[^\s/?#"'`]{8,512}/gi,
    `$1${FILTERED}`,
    'rtmp',
  ],
  // An Ably API key, `<app>.<key id>:<secret>`: the secret.
  [/(\b[\w-]{5,10}\.[\w-]{5,10}:)[\w-]{30,64}(?![\w-])/g, `$1${FILTERED}`, /\.[\w-]{5,10}:/],
  // A private feed's or a join link's token, or one of a link that acts on an account, which must
  // read as random (`/feed/latest-posts-2024.rss` and `/join/team-meeting-2024` stay):
  // `/private/<token>/calendar.ics`, `/ical/<token>.ics`, `/join/<token>`, Google Calendar's secret
  // address, `/private-<hex>/basic.ics`; `/forgot/<token>`, `/recover/<token>`, `/unlock/<token>`,
  // `/accept/<token>`, `/claim/<token>`, `/redeem/<token>`, `/signup/<token>`, `/register/<token>`;
  // a download link's `/download/<token>`, `/dl/<token>`.
  [
    /(\/(?:private|join|ical|feed|forgot|recover|unlock|accept|claim|redeem|signup|register|download|dl)\/|\/private-)([\w~%+-]{16,1024})(?![\w~%+-]|\.(?!(?:ics|rss|atom)(?![\w.-])))/gi,
    when(randomLike),
    /\/(?:private|join|ical|feed|forgot|recover|unlock|accept|claim|redeem|signup|register|download|dl)[/-]/i,
  ],
  // A token after a one-letter segment (`/s/<token>` share links, `/i/` invitations, `/r/` resets,
  // `/t/`, `/p/` private pastes and pages): the letter says less than a word, so the token must read as random; a slug
  // (`/t/how-to-install-node-20`), a UUID or a file (`/s/8f7a6b5c4d3e2f1a.js`) stays.
  [/(\/[iprst]\/)([\w~%+-]{16,1024})(?![\w~%+.-])/g, when(randomLike), /\/[iprst]\//],
  // A token as a part of a Redis key, after a part whose words name it, as a command shows it in
  // an error or a breadcrumb: `SETEX reset:<token> 3600 ...`, `GET sess:<id>`, `DEL
  // app:apikey:<token>`; a part that reads as random or is a UUID, not data
  // (`share:count_by_day_2024_01_15`) or a file name.
  [
    /((?:^|[\s"'`[(,=])(?:[\w.-]{1,64}:){0,3}[a-z\d]{0,12}(?:token|reset|passw|pwd|secret|(?:api|access|private)[-_]?key|auth(?!or)|sess|otp|magic|verif|confirm|invit|activat|login|signin|sso|csrf|refresh|nonce|[25]fa|mfa|share)[\w-]{0,20}:)([\w~+=-]{16,256})(?![\w~+=./-])/gi,
    when((part) => randomLike(part) || UUID.test(part)),
    /:[\w~+=-]{16}/,
  ],
  // A token in a URL's fragment without a name (the fragment never reaches the server, so apps
  // keep keys there: Excalidraw's `#json=<id>,<key>`, Bitwarden Send's `#/send/<id>/<key>`,
  // Mega's `#<key>`): 20+ letters and digits that read as random, not a UUID (`#/orders/<uuid>` is a route).
  [
    /(\b[a-z][\w+.-]{1,30}:\/\/[^\s#"'<>]{1,2048}#)([^\s"'<>]{20,2048})/gi,
    (_: string, pre: string, fragment: string) =>
      pre +
      fragment.replace(/[\w-]{20,}/g, (run) =>
        // Random: small and capital letters and digits (`8w-MkSl2aFkD8BtSjHbu7Q`), or 24+ letters
        // and digits in one piece; not an anchor's words (`#step-2-install-the-cli`) or a UUID.
        tokenLike(run) &&
        (/[A-Z]/.test(run) && /[a-z]/.test(run)
          ? !/^[\da-f]{8}(?:-[\da-f]{4}){3}-[\da-f]{12}$/i.test(run)
          : /^[a-z\d]{24,}$/i.test(run))
          ? FILTERED
          : run,
      ),
    '#',
  ],
  // A token as the user of a URL, with no password: `https://<token>@github.com/...`.
  [/(\/\/)([\w~.+-]{16,256})(?=@)/g, when(wordy), '//'],
  // An AWS secret access key (40 base64 characters, mixed case) on the line of an access key id,
  // before or after it (`AKIA... wJalr...`, a credentials CSV line), as secret scanners pair them: alone
  // it has no shape of its own.
  [
    RegExp(`(${AWS_ID}[^\\n]{0,256}?[^\\w/+\\n])([A-Za-z\\d/+]{40})(?![\\w/+=])`, 'g'),
    when(awsSecret),
    AWS_KEY_ID,
  ],
  [
    RegExp(`(^|[^\\w/+])([A-Za-z\\d/+]{40})(?=[^\\w/+=\\n][^\\n]{0,256}?${AWS_ID})`, 'g'),
    when(awsSecret),
    AWS_KEY_ID,
  ],
  [
    SECRET_ARGUMENT,
    `$1$2${FILTERED}$2`,
    /jwt\.(?:sign|verify)|create(?:Hmac|Cipheriv|Decipheriv)|Sequelize|algoliasearch\(|(?:set|use)(?:ApiKey|AccessToken|Token|Password|Secret)\(|Password\(|crypt\(|\.auth\(|cookieParser\(|auth\.basic\(|PlainTextAuthProvider\(|\.bind\(|twilio\(|Wallet\(|Parse\.initialize\(|TextEncoder\(\)\.encode\(/,
  ],
  // A literal a source line compares a secret with, or falls back to when the environment has
  // none: `req.headers['x-api-key'] !== '…'`, `req.body.password === '…'`,
  // `new Stripe(process.env.STRIPE_KEY || '…')`.
  [
    /(\b([A-Za-z_][\w-]{0,63})\\*['"]?\]?[ \t]*(?:[!=]==?|\|\||\?\?)[ \t]*(\\*['"`]))(?:(?!\3)[^\\\n]|\\.){1,512}\3/g,
    (all: string, head: string, key: string) =>
      isSensitiveKeyWith(key, builtinScrub()) ? head + FILTERED + /\\*['"`]$/.exec(head)![0] : all,
    /[!=]==?|\|\||\?\?/,
  ],
  // A Twilio auth token (32 hex digits, no shape of its own) on the line of its account SID, as
  // the client is made: `twilio('AC<32 hex>', '<32 hex>')`.
  [/(\bAC[\da-f]{32}\b[^\n]{0,256}?[^\w\n])([\da-f]{32})(?!\w)/g, `$1${FILTERED}`, 'AC'],
  [
    // JWTs (JWEs: five parts), other base64 JSON (`{"` is `eyJ`: Grafana keys, Docker auths), AWS
    // access key ids, Twilio, Mailgun and Airtable tokens, Discord bot tokens, OpenWhisk API keys
    // (`<uuid>:<64 characters>`, the uuid kept).
    /\b(?:eyJ(?:[\w-]{4,}\.[\w-]{4,}(?:\.[\w-]+){0,3}|[\w+/-]{16,}={0,2})|(?:A3T[A-Z\d]|AKIA|ASIA|ABIA|ACCA)[A-Z\d]{16}\b|SK[\da-fA-F]{32}\b|key-[\da-z]{32}\b|pat\w{14}\.[\da-f]{64}\b|[MNO][\w-]{23,27}\.[\w-]{6}\.[\w-]{27,38}\b)|(\b[\da-f]{8}(?:-[\da-f]{4}){3}-[\da-f]{12}:)[\dA-Za-z]{64}\b/g,
    `$1${FILTERED}`,
  ],
  // Shapes whose fixed part is not at their start, each tried only where that part is (a pattern
  // that starts with a character class is tried at almost every position of a text): Telegram
  // bot tokens, Azure AD client secrets, Mailchimp and Mailgun keys, Google refresh tokens, Terraform Cloud.
  // (Telegram: also a token cut short by the app, with a capital and a small letter or digit in its tail.)
  [
    /\d{5,16}:A[\w-]{20,34}\b/g,
    (all: string) => (/:A[\w-]*[A-Z]/.test(all) && /:A[\w-]*[a-z\d]/.test(all) ? FILTERED : all),
    ':A',
  ],
  [/\b[\w~.]{3}\dQ~[\w~.-]{31,34}/g, FILTERED, 'Q~'],
  // Mailchimp keys (`<32 hex>-us14`) and Mailgun's newer private keys (`<32 hex>-<8 hex>-<8 hex>`).
  [/\b[\da-f]{32}-us\d{1,2}\b/g, FILTERED, '-us'],
  [/\b[\da-f]{32}(?:-[\da-f]{8}){2}\b/g, FILTERED, /-[\da-f]{8}-[\da-f]{8}\b/],
  // 1Password secret keys, Octopus Deploy API keys, ClickHouse Cloud secrets, MaxMind license keys,
  // HashiCorp Vault service tokens of the old format (`s.` + 24), shapes of gitleaks' default rules.
  [
    /\b(?:A3-[A-Z\d]{6}-(?:[A-Z\d]{11}|[A-Z\d]{6}-[A-Z\d]{5})(?:-[A-Z\d]{5}){3}|API-[A-Z\d]{26}|4b1d[A-Za-z\d]{38}|[A-Za-z\d]{6}_[A-Za-z\d]{29}_mmk|s\.(?=[a-z\d]{0,23}[A-Z])(?=[A-Za-z]{0,23}\d)[A-Za-z\d]{24})\b/g,
    FILTERED,
    /A3-|API-|4b1d|_mmk|s\./,
  ],
  // New Relic license keys (`...NRAL`), Honeycomb API keys (`hcaik_...`), Facebook app access tokens
  // (`<app id>|<secret>`, the bar also percent-encoded).
  [
    /\b(?:[a-z\d]{6}[a-f\d]{30}NRAL|hc[abix]ik_[a-z\d]{58}|\d{15,16}(?:\||%7C)[\w-]{27,40})\b/g,
    FILTERED,
    /NRAL|ik_|\||%7C/,
  ],
  // The private half of a PuTTY key file, up to its MAC (or the end of a cut text).
  [/Private-Lines: ?\d+[\s\S]*?(?=Private-(?:MAC|Hash):|$)/g, FILTERED, 'Private-Lines'],
  // Oracle's JDBC thin URL, `jdbc:oracle:thin:user/password@host`: the password (the user stays).
  [/(\bjdbc:oracle:\w{1,16}:[^\s/@:]{1,128}\/)[^\s@]{1,256}(?=@)/g, `$1${FILTERED}`, 'jdbc:oracle:'],
  [/\b1\/\/0[\w-]{16,}/g, FILTERED, '1//0'],
  [/\.atlasv1\.[\w=-]{16,}/g, FILTERED, '.atlasv1.'],
  // Ghost's Admin API key, `<24 hex id>:<64 hex secret>`: the secret.
  [/(\b[\da-f]{24}:)[\da-f]{64}\b/g, `$1${FILTERED}`, /:[\da-f]{64}/],
  // A product or licence key in five groups of five (`7QKXW-2MBRT-9VHNP-4GCZD-8YJLF`).
  [
    /\b(?=[A-Z\d-]{29}\b)(?=[A-Z-]*\d)(?=[\d-]*[A-Z])[A-Z\d]{5}(?:-[A-Z\d]{5}){4}\b/g,
    FILTERED,
    /[A-Z\d]-[A-Z\d]{5}-[A-Z\d]/,
  ],
  // Tried only where 16 token characters run (every match's tail is one): most text has none.
  [VENDOR, (all: string, tail: string) => (/\d|[A-Z]/.test(tail) ? FILTERED : all), /[\w~+/-]{16}/],
  // A credential named in prose, after the shapes above had their turn, maybe after `is` / `was`
  // / `created` / `expired` / `provided` / `changed to` / `set to` / `to` or in quotes:
  // `invalid token 9f8e...`, `API key: 9f8e...`, `token expired: 9f8e...`, `Incorrect API key
  // provided: 9f8e...`, `for key 9f8e...`,
  // `session 9f8e... not found`, `session id 9f8e...`, `refresh 9f8e...`, `header was 9f8e...` (16+ token characters,
  // digits and letters); a password of any length after `password`, `pwd`, `passphrase`, `secret` or SQL's
  // `IDENTIFIED BY` with a digit and a letter or a symbol: `the password was S3cr3t!`,
  // `WITH PASSWORD 'S3cr3t'`, not `password is required` or `pwd /app`; also with one or two
  // words after `for` before `is`, `was`, `=` or `:` (`password for user bob is hunter2`, SQL's
  // `SET PASSWORD FOR 'bob'@'%' = 'S3cr3t!'`, maybe inside `PASSWORD(...)`); after `password` or
  // `secret`, also 8 or more letters with a capital inside (`password NtrByADPJJyhDemC`).
  [
    /(\b(?:api[ _-]?key|key|token|secret|session(?:[ \t_-]?id)?|refresh|header|auth|passw(?:or)?d|pwd|credential|passphrase|identified(?:[ \t]+with[ \t]+\w+)?[ \t]+by)s?(?:[ \t]+for(?:[ \t]+[^\s=:]{1,64}){1,2}?(?:[ \t]+(?:is|was|=>?)|:)|(?:[ \t]+(?:(?:(?:has[ \t]+been|was|is)[ \t]+)?(?:changed|set|reset|updated)[ \t]+to|is|was|created|generated|issued|rotated|expired|invalid|revoked|rejected|provided|supplied|received|used|to))?:?)[ \t]+(?:password\()?["']?)(\S{4,1024})/gi,
    (all: string, pre: string, rest: string) => {
      const run = /^[\w~+/=.-]*/.exec(rest)![0];
      // A word ends at an escaped line break or tab (shielded while the value rules run: see
      // ESCAPE): `password: S3cr3t!\ntoken: …` is two lines of one JSON string.
      const word = /^(?:[^"'`<>()[\]{},;\\]|\\(?![\ue000-\ue002]))*/.exec(rest)![0];
      // After a bare `key`, `session`, `refresh` or `header`, a token of token characters only:
      // `key uploads/2024/12/report.pdf` (an object's key), `key checkout.total2` and a key that
      // is a UUID (`idempotency key <uuid>`) stay.
      return run.length > 15 &&
        wordy(run) &&
        (/^(?:api|tok|sec|pas|pwd|cre|ide)/i.test(pre) ||
          (/^[\w-]+$/.test(run) &&
            !(/^(?:key|auth)/i.test(pre) && /^[\da-f]{8}(?:-[\da-f]{4}){3}-[\da-f]{12}$/i.test(run))))
        ? pre + FILTERED + rest.slice(run.length)
        : word.length > 3 &&
            /^(?:pas|pw|sec|id)/i.test(pre) &&
            !/^[/.]/.test(word) &&
            (wordy(word) ||
              (/[a-z]/i.test(word) && /[!@#$%^&*+=~?]./.test(word)) ||
              (word.length > 7 && /^(?:pas|pw|sec)/i.test(pre) && /[a-z][A-Z]/.test(word)))
          ? pre + FILTERED + rest.slice(word.length)
          : all;
    },
    /key|token|secret|session|refresh|header|auth|pass|pwd|credential|identified/i,
  ],
  // A private key in base64 as a whole file (`LS0tLS1CRUdJTi...` is `-----BEGIN`), its DER body
  // (PKCS #8 `MII...IBADAN`, PKCS #1 `MII...IBAAKC`), an OpenSSH key's body, and password hashes
  // (bcrypt `$2b$10$...`, argon2 `$argon2id$v=19$...`, crypt(3)'s MD5, SHA-256, SHA-512 and
  // yescrypt of /etc/shadow and .htpasswd, `$6$salt$...`, `$apr1$salt$...`, `$y$j9T$salt$...`;
  // Django's `pbkdf2_sha256$600000$salt$...`), which can be cracked offline.
  [
    /\b(?:LS0tLS1CRUdJTi|b3BlbnNzaC1rZXktdjE|MII[\w+/]{3}IBA(?:DAN|AKC))[\w+/]{20,}=*|\$(?:2[abxy]?\$\d\d\$[./A-Za-z\d]{53}|argon2(?:id?|d)\$[^\s"']{20,512})|\$(?:1|apr1|5|6|y|gy|7|md5|sha1)\$(?:[^\s$"':]{1,64}\$){1,3}[./A-Za-z\d]{16,128}|\b(?:pbkdf2_sha(?:1|256|512)|bcrypt_sha256|scrypt)\$[^\s"']{20,512}/g,
    FILTERED,
    /LS0tLS1CRUdJTi|b3BlbnNzaC1rZXktdjE|IBA(?:DAN|AKC)|\$2[abxy]?\$|\$argon2|\$(?:1|apr1|5|6|y|gy|7|md5|sha1)\$|pbkdf2_|bcrypt_sha256\$|scrypt\$/,
  ],
  // A .netrc entry's password, whatever it holds (a plain word too): `machine h login bob password …`.
  [
    /(\bmachine[ \t]+\S{1,256}\s+login[ \t]+\S{1,256}\s+password[ \t]+)[^\s"']{1,1024}/g,
    `$1${FILTERED}`,
    'machine',
  ],
  // PowerShell's plain-text secure string: `ConvertTo-SecureString '…' -AsPlainText -Force`.
  [
    /(\bConvertTo-SecureString[ \t]+(?:-String[ \t]+)?)(?:(')(?:[^'\n]|''){1,256}'|(")(?:[^"\n`]|`.){1,256}"|[^\s'"$-]\S{0,255})/gi,
    `$1$2$3${FILTERED}$2$3`,
    /ConvertTo-SecureString/i,
  ],
  // SQL's password literal, whatever it holds: `PASSWORD 'two words'`, `IDENTIFIED [WITH plugin] BY '...'`,
  // MySQL's `SET PASSWORD FOR 'bob'@'%' = '...'`, T-SQL's Unicode literal `PASSWORD = N'...'`.
  [
    /((?<!['"])\b(?:PASSWORD(?:[ \t]+FOR[ \t]+(?:'[^'\n]{0,64}'|[\w.]{1,64})(?:@(?:'[^'\n]{0,64}'|[\w.%-]{1,64}))?)?|IDENTIFIED(?:[ \t]+WITH[ \t]+\w+)?[ \t]+BY)(?:[ \t]+|[ \t]*=[ \t]*)N?)'(?:[^'\\\n]|''|\\.){1,256}'/gi,
    `$1'${FILTERED}'`,
    /password|identified/i,
  ],
  // A password named in another language in text (`contrasena=...`, `mot de passe: ...`, with a
  // full-width colon too): pairs in text are read with ASCII keys and separators only. So is an
  // English one before a full-width colon, as text written in Chinese or Japanese has it
  // (`password：...`, `token：...`).
  [
    RegExp(
      `((?:mot[ _-]de[ _-]passe|${PASSWORD_WORDS})[ \\t]*[:=\uff1a][ \\t]*["']?|\\b(?:passw(?:or)?d|pwd|secret|token|api[ _-]?key)[ \\t]*\uff1a[ \\t]*["']?)[^\\s"',;]{1,256}`,
      'gi',
    ),
    `$1${FILTERED}`,
    RegExp(`de.passe|${PASSWORD_WORDS}|\uff1a`, 'i'),
  ],
  // A password named in prose in another language, followed on its line (within 48 characters)
  // by a word of letters and digits: `Ihr neues Passwort lautet: Sommer2024!`, `la contraseña es
  // Verano2024`, `mot de passe « Soleil2024 » refusé`, `неверный пароль Qwerty123`, `您的初始密码
  // 为Abc12345`, `仮パスワードは「Tokyo2024!」です`; the last such word before the line or the
  // sentence ends.
  [
    RegExp(
      `((?:mot[ _-]de[ _-]passe|passwort|${PASSWORD_WORDS})[^\\n.!?\u3002\uff01\uff1f]{0,48}(?<=[\\s:=\uff1a\u00ab\u300c"'\u201c(\uff08]|[\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}]))(?=[A-Za-z!@#$%^&*+=~?_.-]*\\d)(?=[\\d!@#$%^&*+=~?_.-]*[A-Za-z])[A-Za-z\\d!@#$%^&*+=~?_.-]{6,64}(?![A-Za-z\\d!@#$%^&*+=~?_-])`,
      'giu',
    ),
    `$1${FILTERED}`,
    RegExp(`de.passe|passwort|${PASSWORD_WORDS}`, 'i'),
  ],
  // A unique-key violation quotes the duplicate value: MySQL's `Duplicate entry '<value>' for key
  // 'users.api_token'`, Postgres's `Key (api_token)=(<value>) already exists`. The value goes when
  // the key names a secret.
  [/(Duplicate entry ')((?:[^'\\\n]|\\.){1,512})(?=' for key ')/g, keyedValue, 'Duplicate entry'],
  // MySQL's error for a value a column's type rejects: `Incorrect integer value: '…' for column
  // 'pin' at row 1`, `Data truncated …`; the value goes when the column is sensitive.
  [
    /(\bIncorrect [\w ]{1,32} value: ')((?:[^'\\\n]|\\.){1,512})(?=' for column ')/g,
    (all: string, pre: string, _value: string, at: number, text: string) =>
      sensitiveColumn(/^' for column '([^'\n]{1,128})'/.exec(text.slice(at + all.length))?.[1] ?? '')
        ? pre + FILTERED
        : all,
    'for column',
  ],
  // Postgres's detail of a row that breaks a constraint lists every column's value
  // (`Failing row contains (42, ops@acme.io, Ops Bot, null, q3Zr8…, t).`): the texts go (a user's
  // row holds their name, e-mail and tokens), numbers, booleans, nulls and times stay.
  [
    /(\bFailing row contains \()([^\n]{1,4096}?)(?=\)\.?(?:$|\s|["'\\]))/g,
    (_all: string, pre: string, row: string) =>
      pre +
      row
        .split(', ')
        .map((item) =>
          /^(?:null|t|f|-?\d+(?:\.\d+)?|\d{4}-\d\d-\d\d(?:[ T][\d:.]+(?:[+-]\d\d(?::?\d\d)?)?)?)$/.test(item)
            ? item
            : FILTERED,
        )
        .join(', '),
    'Failing row contains',
  ],
  // SQL Server's: `Violation of UNIQUE KEY constraint 'UQ_users_api_key'. … The duplicate key
  // value is (…).`, `Cannot insert duplicate key row in object 'dbo.api_keys' with unique index
  // '…'. The duplicate key value is (…).`; MongoDB's `E11000 duplicate key error collection:
  // app.sessions index: _id_ dup key: { _id: "…" }`. The values go when the constraint, the index
  // or the table names a secret.
  [
    /(\bThe duplicate key value is \()([^\n]{1,512}?)(?=\)\.?(?:$|\s|["'\\]))/g,
    (all: string, pre: string, _value: string, at: number, text: string) => {
      const before = text.slice(Math.max(0, at - 512), at);
      const index = /(?:constraint|index) '([^'\n]{1,128})'[^\n]*$/.exec(before)?.[1];
      const table = /object '([^'\n]{1,128})'[^\n]*$/.exec(before)?.[1];
      return (index && sensitiveIndex(index)) || (table && sensitiveTable(table)) ? pre + FILTERED : all;
    },
    'duplicate key value',
  ],
  [
    /(\bcollection: ([\w$.-]{1,128}) index: ([\w$.-]{1,128}) dup key: \{ )([^\n]{1,1024}?)(?= \})/g,
    (all: string, pre: string, collection: string) => {
      const index = /index: ([\w$.-]+)/.exec(pre)![1]!;
      return sensitiveTable(collection) || sensitiveIndex(index)
        ? pre + all.slice(pre.length).replace(/(:\s*)("(?:[^"\\]|\\.)*"|[^,}\s]+)/g, `$1${FILTERED}`)
        : all;
    },
    'dup key:',
  ],
  [
    /(\bKey \([^()\n]{1,128}\)=\()([^\n]{1,512}?)(?=\) (?:already exists|is not present|is still referenced))/g,
    keyedValue,
    'Key (',
  ],
  // Mongoose's validation and cast errors quote the rejected value, named by its path.
  [
    /(\b[Pp]ath `[\w.$-]{1,64}` \(`|\bfor path `[\w.$-]{1,64}` with value `)((?:[^`\\\n]|\\.){1,512})(?=`)/g,
    pathValue,
    'ath `',
  ],
  [/(\bPath `[\w.$-]{1,64}` is invalid \()([^()\n]{1,512})(?=\))/g, pathValue, 'is invalid ('],
  [
    /(\bCast to [\w ]{1,40} failed for value (?:\\*")?)([^"\n]{1,512}?)(?=(?:\\*")? \(type [\w ]{1,40}\) at path \\*")/g,
    pathValue,
    'Cast to',
  ],
  // A one-time code in prose or a log line: `verification code 846746`, `Your login code is
  // 123456`, `Sending OTP 123456 to ...`, `2FA code for user 42: 123456`, `Your code is 321130`
  // (4-10 digits, or 6-12 letters and digits); recovery codes, to the end of the line.
  [
    RegExp(
      `(\\b(?:(?:(?:${CODE_WORDS})[ \\t]+(?:code|pin|passcode)s?|t?otp|2fa|mfa)(?:[ \\t]+(?:is|was|for(?:[ \\t]+[^\\s:=]{1,32}){1,2}))?[ \\t]*[:=]?|(?:your|the)[ \\t]+code[ \\t]+(?:is|was)[ \\t]*:?)[ \\t]*["']?)(\\d{4,10}|(?=[a-z]*\\d)[a-z\\d]{6,12})(?![\\w-])`,
      'gi',
    ),
    `$1${FILTERED}`,
    /code|otp|2fa|mfa/i,
  ],
  // A code before the words that say what it is, as an SMS writes it: `482913 is your Acme
  // verification code`, `G-482913 is your Google verification code`, `*730164* is your code`.
  [
    /(^\*?|[^\w*-]\*?)(?:G-)?\d{4,10}(?=\*? is your (?:[\w-]+ ){0,3}(?:code|OTP|PIN|passcode)\b)/gi,
    `$1${FILTERED}`,
    ' is your ',
  ],
  [
    /(\b(?:recovery|backup)[ \t_-]?codes?\b[^\n:=]{0,24}[:=][ \t]*)[^\n]{1,1024}/gi,
    `$1${FILTERED}`,
    /recovery|backup/i,
  ],
  // An ORM's log of a statement and its bound values (TypeORM `-- PARAMETERS: [...]`, Drizzle
  // `-- params: [...]`, Prisma's query event as apps log it, `Params: [...]` or the list right
  // after the statement, knex `bindings: [...]`, Sequelize `with bind [...]`): the quoted values
  // when the statement names a sensitive column or table.
  [
    /((?:(?:--|(?<!\S)|(?<=\\[nrt\ue000-\ue002]))[ \t]*(?:PARAMETERS|[Pp]arams)[ \t]*:|\bbindings[ \t]*:|\bwith bind|(?<=\)))[ \t]*)\[([^\]\n]{0,2048})\]/g,
    (all: string, pre: string, list: string, at: number, text: string) => {
      const bound = boundValues(text.slice(Math.max(0, at - 2048), at), list);
      return bound === undefined ? all : `${pre}[${bound}]`;
    },
    /PARAMETERS|[Pp]arams[ \t]*:|bindings|with bind|\)[ \t]*\[/,
  ],
  // Sequelize's log of a statement and its bound values (`logQueryParameters`), after a `;`:
  // `Executing (default): INSERT … VALUES ($1,$2); "ada@example.org", "…"`.
  [
    /(\bExecuting \([^)\n]{0,64}\): [^\n;]{1,4096}; )((?:\\*"(?:[^"\\\n]|\\[^"\n])*\\*"|[\w.+-]{1,64})(?:, (?:\\*"(?:[^"\\\n]|\\[^"\n])*\\*"|[\w.+-]{1,64})){0,255})(?=$|[\r\n"'}\\])/g,
    (all: string, head: string, list: string) => {
      const bound = boundValues(head.slice(head.indexOf('): ')), list);
      return bound === undefined ? all : head + bound;
    },
    'Executing (',
  ],
  // io-ts's message for a value that fails its type, which quotes it before the path to it:
  // `Invalid value "…" supplied to : { password: string }/password: string`.
  [
    /(\bInvalid value )(\\*"(?:[^"\\\n]|\\[^"\n]){0,1024}\\*"|[^\s"\\]{1,1024})(?= supplied to )/g,
    (all: string, head: string, value: string, at: number, text: string) => {
      const path = /^[^\n]{0,2048}/.exec(text.slice(at + all.length, at + all.length + 2048))![0];
      const quote = /^\\*"/.exec(value)?.[0] ?? '';
      return isSensitiveKeyWith(/\/([^/:\s]{1,64}): [^/]*$/.exec(path)?.[1] ?? '', builtinScrub())
        ? head + quote + FILTERED + quote
        : all;
    },
    'Invalid value ',
  ],
  // Joi's message for a value that fails a rule, which quotes it: `"password" with value "…" fails
  // to match the required pattern`.
  [
    /(\\*"([\w.[\]-]{1,64})\\*" with value \\*")((?:[^"\\\n]|\\[^"\n]){1,1024})(?=\\*")/g,
    (all: string, head: string, label: string) =>
      isSensitiveKeyWith(label, builtinScrub()) ? head + FILTERED : all,
    '" with value ',
  ],
  // GraphQL's error for a variable's value, named by the variable: `Variable "$password" got
  // invalid value "…"; String must be at least 12 characters.`
  [
    /(\bVariable \\*"\$(\w{1,64})\\*" got invalid value )(?:\\*"(?:[^"\\\n]|\\[^"\n]){0,1024}\\*"|[^;\s{[]{1,1024})[^\n]{0,1024}/g,
    (all: string, head: string, name: string) => {
      if (!isSensitiveKeyWith(name, builtinScrub())) return all;
      // The reason after it may quote the value again (`Int cannot represent …: "…"`).
      const rest = all.slice(head.length);
      const value = /^(?:\\*"(?:[^"\\\n]|\\[^"\n]){0,1024}\\*"|[^;\s{[]{1,1024})/.exec(rest)![0];
      const inner = value.replace(/^\\*"|\\*"$/g, '');
      const tail = rest.slice(value.length);
      return head + FILTERED + (inner.length > 2 ? tail.split(inner).join(FILTERED) : tail);
    },
    'got invalid value',
  ],
  // yup's error for a value of the wrong type, named by its path before it: ``pin must be a
  // `number` type, but the final value was: `NaN` (cast from the value `"49a7"`).``
  [
    /(\b([\w.[\]-]{1,64}) must be a `[\w ]{1,32}` type, but the final value was: `)[^`\n]{0,1024}`(?: \(cast from the value `[^`\n]{0,1024}`)?/g,
    (all: string, head: string, path: string) =>
      isSensitiveKeyWith(path.replace(/^.*[.[]/, '').replace(/\]$/, ''), builtinScrub())
        ? `${head}${FILTERED}\``.concat(
            all.includes(' (cast from') ? ` (cast from the value \`${FILTERED}\`` : '',
          )
        : all,
    'type, but the final value',
  ],
  // A message that names an argument or a field, then quotes what it was given after `Received`:
  // Node's `The argument 'password' is invalid. Received 'hunter2'`, `The "apiKey" argument must
  // be of type number. Received type string ('…')`, a validator's `"token" must be a valid GUID.
  // Received "…"`. The value goes when the name is a sensitive one.
  [
    /((\\*["'])([\w.[\]-]{1,64})\2[^\n"'`]{1,256}?\b[Rr]eceived:?[ \t]+(?:type \w{1,16} \()?\\*["'])((?:[^"'\\\n]|\\[^"'\n]){1,1024})(?=\\*["'])/g,
    (all: string, head: string) =>
      isSensitiveKeyWith(/^\\*["']([^"'\\]+)/.exec(head)![1]!, builtinScrub()) ? head + FILTERED : all,
    'eceived',
  ],
  // Node's error for a header value it refuses, named by the header after it: `Invalid value
  // "…\r\n" for header "X-Api-Key"`.
  [
    /(\bInvalid value \\*")((?:[^"\\]|\\[^"]){1,1024})(?=\\*" for header \\*"[\w-]{1,64}\\*")/g,
    (all: string, pre: string, _value: string, at: number, text: string) =>
      isSensitiveKeyWith(
        /^\\*" for header \\*"([\w-]{1,64})/.exec(text.slice(at + all.length))?.[1] ?? '',
        builtinScrub(),
      )
        ? pre + FILTERED
        : all,
    'for header',
  ],
  // Node's `The "password" argument must be of type string… Received type number (20240101)`.
  [
    /(\\*["']([\w.[\]-]{1,64})\\*["'] argument [^\n"'`]{1,256}?\bReceived type \w{1,16} \()(?!\\*['"])([^()\n]{1,256})(?=\))/g,
    (all: string, head: string, label: string) =>
      isSensitiveKeyWith(label, builtinScrub()) ? head + FILTERED : all,
    'Received type',
  ],
  // An IMAP LOGIN command and an FTP PASS line, as a client's debug log shows them.
  [
    /(\b[A-Za-z]?\d{1,4} LOGIN (?:"[^"\n]{0,256}"|\S{1,256}) )(?:"(?:[^"\\\n]|\\.){1,256}"|[^\s"']{1,256})/g,
    `$1${FILTERED}`,
    ' LOGIN ',
  ],
  [/^([ \t]*(?:>[ \t]*)?PASS )[^\s]{1,256}/gm, `$1${FILTERED}`, 'PASS '],
  // A `.pgpass` line: `host:port:database:user:password`.
  [
    /^((?:\*|(?=[\w.-]{0,252}[A-Za-z.])[\w.-]{1,253}|\[[\da-fA-F:]{2,45}\]):(?:\d{1,5}|\*):[^:\s]{1,63}:[^:\s]{1,63}:)[^:\s]{1,1024}$/gm,
    `$1${FILTERED}`,
    1,
  ],
  // A config file's directive of a password, its value after a space: redis.conf's `requirepass`
  // and `masterauth`, slapd's `rootpw`, nslcd's `bindpw`.
  [
    /^([ \t]*(?:requirepass|masterauth|rootpw|bindpw)[ \t]+)[^\s"']{1,1024}/gim,
    `$1${FILTERED}`,
    /requirepass|masterauth|rootpw|bindpw/i,
  ],
  // Redis's AUTH command with its password (and maybe a user before it): as typed or in a
  // script (`AUTH default …`, `HELLO 3 AUTH default …`), as MONITOR prints it (`"AUTH" "…"`),
  // and as ioredis's debug log does (`auth([ '…' ])`).
  [
    /((?:^|(?<=\n)|\bHELLO \d )[ \t]*AUTH[ \t]+(?:[\w.@-]{1,64}[ \t]+(?=\S))?)[^\s"']{1,512}|("AUTH"(?: "(?:[^"\\\n]|\\.){1,64}")? ")(?:[^"\\\n]|\\.){1,512}(?=")|(\bauth\(\[ (?:'(?:[^'\\\n]|\\.){1,64}', )?')(?:[^'\\\n]|\\.){1,512}(?=' \]\))/g,
    `$1$2$3${FILTERED}`,
    /AUTH|auth/,
  ],
  // A statement's inserted values, by position, where the column names a secret.
  [INSERT, insertValues, /insert\s/i],
  // A Stripe PaymentIntent's or SetupIntent's client secret (`pi_..._secret_...`): it confirms
  // the payment from a page.
  [/\b(?:pi|seti)_[A-Za-z\d]{8,}_secret_[A-Za-z\d]{8,}/g, FILTERED, '_secret_'],
  // A JSON Web Key written out as JSON: its private members (`"d"`, `"p"`, `"q"`, `"dp"`, `"dq"`,
  // `"qi"`, `"k"`), as the key object's own are in data.
  [/(\\*"(?:d|p|q|dp|dq|qi|k)\\*"[ \t]*:[ \t]*\\*")[\w-]{8,8192}(?=\\*")/g, `$1${FILTERED}`, 'kty'],
  // SMTP's AUTH exchange as a mail library's error or log shows it (`C: AUTH PLAIN <base64 of the
  // user and password>`), and the value undici quotes when a header value is invalid (whichever
  // header it was: `Headers.append: "<value>" is an invalid header value.`).
  [/(\bAUTH[ \t]+(?:PLAIN|LOGIN|XOAUTH2?|CRAM-MD5)[ \t]+)[A-Za-z\d+/]{8,}=*/g, `$1${FILTERED}`, 'AUTH'],
  // A signature as a webhook's verifier quotes it (`signature mismatch: expected sha256=…`,
  // `computed HMAC …`): a SHA-1, SHA-256 or SHA-512 HMAC in hex or base64, in text that speaks of
  // a signature or an HMAC (or one of Slack's). It is the payload's proof of origin, good for
  // sending it again.
  [
    /(?<![\w+/=-])((?:sha(?:1|256|512)=|v[01][=,])?)(?:[\da-f]{128}|[\da-f]{64}|[\da-f]{40}|[A-Za-z\d+/]{86}==|[A-Za-z\d+/]{43}=|[A-Za-z\d+/]{27}=)(?![\w+/=])/gi,
    `$1${FILTERED}`,
    // Slack's is quoted as `v0=` and its 64 hex digits.
    /signature|hmac|\bv0=[\da-f]{64}/i,
  ],
  [
    /(\bHeaders\.(?:append|set): \\*")[^"]{1,4096}?(?=\\*" is an invalid header value)/g,
    `$1${FILTERED}`,
    'invalid header value',
  ],
  // A wallet's recovery phrase: 12 to 24 words after `mnemonic`, `seed (phrase)`, `recovery phrase`.
  [
    /(\b(?:mnemonic|seed(?:[ _-]?phrase)?|(?:recovery|secret)[ _-]?phrase)\b["']?[ \t]*[:=][ \t]*["']?)[a-z]{3,8}(?:[ \t]+[a-z]{3,8}){11,23}\b/gi,
    `$1${FILTERED}`,
    /mnemonic|seed|phrase/i,
  ],
  // Payment card numbers: 13-19 digits, maybe grouped (also `4111.1111.1111.1111`), that pass the Luhn check.
  [/(^|[^\w.])([2-6](?:[ -]?\d){12,18}|[2-6]\d{3}(?:\.\d{4}){3})(?!\w|[ .-]\d)/g, when(cardValid)],
  // IBANs that pass the mod-97 check (a trailing word read as one more group is given back);
  // lower case in groups of four or with digits only after the check digits (`de89 3704 ...`).
  [
    /\b(?:[A-Z]{2}\d{2}(?: ?[A-Z\d]){11,30}|[a-z]{2}\d{2}(?:(?: [a-z\d]{4}){2,7}(?: [a-z\d]{1,4})?|\d{11,30}))\b/g,
    (all: string) => {
      const cut = all.replace(/ [A-Za-z\d]+$/, '');
      return ibanValid(all) ? FILTERED : ibanValid(cut) ? FILTERED + all.slice(cut.length) : all;
    },
  ],
  // US social security numbers (area not 000, 666 or 9xx; group not 00; serial not 0000).
  [/\b(?!000|666|9)\d{3}-(?!00)\d\d-(?!0000)\d{4}(?![\w-])/g, FILTERED, 1],
  // The same after the words that name one, also with spaces (`Social Security No. 219 09 9999`,
  // `SSN: 219099999`); UK National Insurance numbers (`AB123456C`, `AB 12 34 56 C`; not the
  // prefixes never issued).
  [
    /(\b(?:social security|SSN)\b[^\n\d]{0,24})(?!000|666|9)\d{3}[ -]?(?!00)\d\d[ -]?(?!0000)\d{4}(?![\w-])/gi,
    `$1${FILTERED}`,
    /social security|ssn/i,
  ],
  [
    /\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d\d ?\d\d ?\d\d ?[A-D]\b/g,
    FILTERED,
    /[A-Z] ?\d\d ?\d\d ?\d\d ?[A-D]\b/,
  ],
  // The user name in a path under a home directory (`/home/ada/…`, `/Users/ada/…`,
  // `C:\Users\ada\…`, also with doubled backslashes as JSON writes them), as stack
  // frames and file errors carry it: a path to a file (an extension further on), so a page's
  // route (`/home/settings`) stays, and so do the accounts that name no one (`/home/node/`).
  [
    /((?<![\w.-])(?:\/home|\/Users|[A-Za-z]:(?:\\+|\/)Users)(?:\\+|\/))(?!(?:node|runner|ubuntu|app|ec2-user|circleci|vscode|codespace|gitpod|jenkins|www-data|Shared|Public|Default)(?:\\|\/))[^\s\\/:*?"'`<>|]{1,64}(?=(?:\\+|\/)[^\s"'`:*?<>|]{0,512}\.[A-Za-z]\w{0,7}\b)/g,
    `$1${USER_MASK}`,
    /\/home\/|\/Users\/|\\Users\\/,
  ],
  // A person's name before their e-mail address, as mail headers and git write a mailbox:
  // `"Ingrid Halvorsen" <ingrid@example.no>`, `Rafael Ortega <rafael@acme.io>`.
  [
    /(\\*")[^"\\\n<>@]{1,64}(\\*" ?<)(?=[\w.%+-]{1,64}@)|(?<![\p{L}\d'’.-])\p{Lu}[\p{Ll}'’-]+(?: \p{Lu}[\p{Ll}'’.-]*){1,3}(?= ?<[\w.%+-]{1,64}@)/gu,
    (_all: string, open?: string, close?: string) => (open ? open + FILTERED + close : FILTERED),
    '<',
  ],
  // A street address in text: a house number, one to three capitalized words and a street type
  // (`742 Evergreen Terrace`, `1600 Amphitheatre Parkway`, `221B Baker Street`), with the city,
  // state and ZIP code after it.
  [
    /\b\d{1,6}[A-Z]? (?:[NSEW]\.? )?(?:\p{Lu}\p{Ll}+ ){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Terrace|Way|Court|Ct|Place|Pl|Parkway|Pkwy|Circle|Cir|Highway|Hwy|Square|Sq)\b\.?(?:,? \p{Lu}\p{Ll}+(?: \p{Lu}\p{Ll}+)?(?:,? [A-Z]{2})?(?: \d{5}(?:-\d{4})?)?)?/gu,
    FILTERED,
    /\d[A-Z]? (?:[NSEW]\.? )?[A-Z][a-z]+ (?:[A-Z][a-z]+ ){0,2}(?:St|Av|R[do]|B[lo]|L[an]|Dr|Te|Wa|C[iot]|P[akl]|H[iw]|Sq)/,
  ],
  // Phone numbers in international form (`+1 415 555 2897`, `+44 20 7946 0018`, `+14155552897`,
  // `+1 (415) 555-2897`): 8 to 15 digits after the `+`, not a date (`+2024-12-06`).
  [
    /(^|[^\w+%.-])(\+[1-9](?:[ .-]?(?:\(\d{1,4}\)|\d)){6,14}|00[1-9]\d{0,2} (?:\(\d{1,4}\)|\d{1,4})(?:[ -]\d{2,4}){1,4})(?![\d(])/g,
    (all: string, pre: string, phone: string) =>
      /^\+\d{4}-\d\d-\d\d$/.test(phone) || !/^(?:\D*\d){8,15}\D*$/.test(phone) ? all : pre + PHONE_MASK,
    /[+]|00[1-9]/,
  ],
  // North American numbers as written there: `(415) 555-2897`, `(415) 555 2897`, `415-555-2897`,
  // `1-415-555-2897` (area code and exchange not starting with 0 or 1; not a part of an id).
  [
    /(?<![\w(.-])(?:\(\d{3}\)[ .-]?\d{3}[ .-]|(?:1-)?[2-9]\d\d-[2-9]\d\d-|(?:1\.)?[2-9]\d\d\.[2-9]\d\d\.)\d{4}(?![\w-]|\.\d)/g,
    PHONE_MASK,
    /\(\d{3}\)|\d[-.][2-9]\d\d[-.]\d{4}/,
  ],
  // Mobile numbers as written in their country: the UK's `07700 900123`, France's `06 12 34 56
  // 78`, Germany's `0151 23456789`, Japan's `090-1234-5678`, Australia's `0412 345 678`.
  [
    /(?<![\w.+-])0(?:7\d{3} \d{6}|[67](?:[ .]\d\d){4}|1[5-7]\d \d{7,8}|[789]0-\d{4}-\d{4}|4\d\d \d{3} \d{3})(?![\w-]|\.\d)/g,
    PHONE_MASK,
    /0[14-9]\d{0,3}[ .-]\d/,
  ],
  // E-mail addresses, also with a percent-encoded `@` or escaped for a CSS selector
  // (`#row-ada\@example\.org`, from `CSS.escape`), and with accented Latin letters in the
  // name or the domain (`jos\u00e9@example.com`, `ada@m\u00fcller.de`).
  [
    /(^|[^\w\u00c0-\u024f.%+-])(?!git@)[\w\u00c0-\u024f.%+-]{1,64}(?:\\?@|%40)(?!\d(?:\.\d)?x\.)[\w\u00c0-\u024f-]{1,63}(?:\\?\.[\w\u00c0-\u024f-]{1,63}){0,8}\\?\.[A-Za-z]{2,24}(?![\w-])/g,
    `$1${EMAIL_MASK}`,
    /@|%40/,
  ],
  // IPv4 (not a product version: `Chrome/131.0.0.0`; a URL path's segment: `/users/81.2.3.4/`), then IPv6.
  [/(^|[^\w./]|\W\/|\/[\w.~-]+\/)(\d{1,3}(?:\.\d{1,3}){3})(?!\d|\.\d)/g, ip, /\d\.\d/],
  [/(^|[^\w:.])([\da-f]{0,4}(?::[\da-f]{0,4}){2,7})(?![\w:])/gi, ip, 1],
];

/**
 * Rules that apply with `sendDefaultPii`: all but the last nine, the personal-data masks (a
 * user's path, a mailbox's name, a street address, phones, e-mail and IP addresses).
 */
const SECRET_RULES = RULES.slice(0, -9);
/**
 * Which of {@link RULES} (and so of {@link SECRET_RULES}, its first part) have been primed: 1, the
 * pattern that says whether the rule is tried; 2, the rule too.
 */
const PRIMED = new Uint8Array(RULES.length);

/**
 * The head of a pair inside text: `key=`, `key: `, `"key": `, `key => `, `user[key]=`, `key[]=`,
 * `--key=`, `key%3D`, or a flag and
 * its value (`--token value`, or items of an argument list: `'--token', 'value'`; second alternative),
 * or a key a tool's configuration command sets (`aws configure set aws_secret_access_key value`,
 * `npm config set //registry/:_authToken value`, `git config --global user.password value`; third),
 * after a character that cannot be part of a key
 * or an escaped line break (a `?`, `&`, `#` or `;` there marks a URL parameter); or an item of a list
 * written out, over lines too (`[ 'X-Api-Key', 'k3y' ]`, `["--password","S3cret"]`: fourth). The value is read with {@link VALUE}.
 */
const PAIR =
  /(^|\\[nrt]|[^\w.%-])(?:(-*[A-Za-z_][\w.%-]{0,63})(\\*["']?(?:\[?\](?=[ \t]*=)|\)\](?=:))?[ \t+]*(?:[:=]>?|%3[Dd])(?!=)[ \t+]*)|(?:(-+[A-Za-z_][\w.-]{0,63})|(?:git[ \t]+config|config(?:ure)?(?:[ \t]+-[\w=-]{1,32}){0,3}[ \t]+set)(?:[ \t]+-[\w=-]{1,32}){0,3}[ \t]+(?:[^\s=]{0,128}[/:])?([A-Za-z_][\w.-]{0,63}))([ \t+]+|\\*["'],[ \t]*\\*["'])|(-{0,2}[A-Za-z_][\w.-]{0,63})(\\*["'],(?:\s|\\+[nrt]){0,64}))/g;

/**
 * The value of a pair, read where its head ends (sticky): quoted up to the same quote (escaped as
 * many times: JSON inside JSON), an auth scheme and its credential, or one word (masks such as
 * `[Filtered]` inside it included).
 */
/**
 * What follows a word value up to a connection string's `;`, or the end of the text or of the
 * quoted string it is in, on its line.
 */
const CONNECTION_TAIL = /[ \t][^;\r\n"'=<>&\\]{0,128}(?=[;\r\n]|$|\\*["']|\\+[nr])/y;
/**
 * A password's key as connection strings and config dumps write it, capitalized (`Password=`,
 * `Pwd=`, `DbPassword=`): its unquoted value runs to the end of its line. Not an environment
 * variable (`PGPASSWORD=S3cret psql`) or a shell word (`password=S3cret next-arg`), where a
 * space ends the value.
 */
const PASSWORD_KEY = /^(?:[A-Z][a-z]+)*(?:Passw(?:or)?d|Pwd|Passphrase)$/;
/**
 * The rest of an unquoted value after a read (sticky): more of its characters, and `&` with what
 * follows it, unless that is the next pair (`&next=`).
 */
const VALUE_REST = /(?:[^\s"'&,;\\<>)\]}]|&(?![\w.%-]{1,64}=))*/y;
/** After `password:` in text, a password of several words: the words that follow, to a stop. */
const PHRASE_KEY = /passw(?:or)?d|passphrase|mnemonic|seedphrase/;
const PHRASE_TAIL = /(?:[ \t]+[^\s;,"'`=<>&\\()[\]{}]{1,64}){1,24}/y;

/** After a phone number's key ({@link PHONE_KEY}), the digit groups after the first that belong to its value: `phone: 07700 900123` (sticky). */
const PHONE_TAIL = /(?:[ .-](?:\(\d{1,4}\)|\d{1,6})){1,6}(?![\w.-])/y;

/** The value of a short URL parameter, if it is all token characters (sticky). */
const TOKEN_PARAM = /(?:[\w~./=-]|%2[BbFf]|%3[Dd]){16,1024}(?![\w~./=%+-])/y;
/** A cookie's value in a `document.cookie` list, up to its `;` (sticky). */
const COOKIE_VALUE = /[^\s"';,\\]{20,1024}(?=;|$|[\s"'\\])/y;
/**
 * A cookie's value that is a token, as the cookie header's are judged ({@link tokenLike}), and
 * reads as random (a list of `name=value` settings joined by `; ` holds host names and versions
 * too); not a file name.
 */
const cookieToken = (value: string): boolean =>
  /^[^\s"';,\\]{20,1024}$/.test(value) &&
  tokenLike(value) &&
  randomLike(value) &&
  !/\.[a-z][a-z\d]{0,4}$/.test(value);

/**
 * A pair's value (sticky): quoted (the quote is group 1), a scheme and its credential, a quoted
 * value inside a wrapper (Rust's `Some("…")`, PHP's `var_dump` `string(11) "…"`), or a run of
 * characters up to a separator.
 */
const VALUE =
  /(\\*["'])(?:(?!\1)(?:\\.|[^\r\n])){0,1024}|(?:(?:Some|Ok)\(|string\(\d{1,6}\) )(\\*["'])(?:(?!\2)(?:\\.|[^\r\n])){0,1024}|(?:[Bb]earer|[Bb]asic|[Tt]oken|[Dd]igest)[ \t]+[^\s"'&,;\\]{1,1024}|(?:\[(?:Filtered|email|ip)\]|[^\s"'&,;\\<>)\]}]){1,1024}/y;

/**
 * Keys whose unquoted value after a colon is a whole header line: every cookie of `Cookie: a=1; b=2`,
 * every scheme's credential (`Authorization: NTLM …`, `SSWS …`, `AWS4-HMAC-SHA256 …`), every
 * signature of a webhook's signature header (`Stripe-Signature: t=…,v1=…,v0=…`, `webhook-signature:
 * v1,… v1,…`, `X-Shopify-Hmac-Sha256`); not code (`cookie: { … }`, a template literal).
 */
const LINE_KEY = /^(?:proxy)?authori[sz]ation$|cookie$|signature(?:256)?$|hmacsha(?:1|256|512)$/;
/**
 * The rest of a header line (sticky): up to a line break, a quote or an escape, with the quoted
 * values of its parameters (`Authorization: Hawk id="…", mac="…"`, also JSON-escaped: `mac=\\"…\\"`).
 */
const LINE = /(?:=(?:"[^"\r\n\\]{0,256}"|\\{1,3}"[^"\r\n\\]{0,256}\\{1,3}")|[^\r\n"'\\]){1,1024}/y;
/**
 * After `name="password"`, the blank line that ends a multipart part's headers and the part's
 * value, maybe escaped inside a JSON string (second group); or, after `key="db.password"`, the
 * text of the element (Java's XML properties: `<entry key="db.password">…</entry>`, third
 * group). Sticky.
 */
const PART_VALUE = /\\*["']?(?:(\r?\n|\\{1,8}r\\{1,8}n)\1([^\r\n\\]{1,1024})|>([^<\r\n]{1,1024})(?=<\/))/y;
/**
 * Whether the text between a naming pair's value and a value pair lets the one name the other:
 * only brackets, quotes, commas and the key that opens an object (across a call's arguments), or
 * no bracket or tag within 256 characters (other members of the same object).
 */
const namesAcross = (between: string): boolean =>
  /^(?:[,"'\\{}[\]]|\\[nrt]|\w{1,32}\\*["']?:\{){0,64}$/.test(between.replace(/\s+/g, '')) ||
  (between.length < 256 && !/[{}[\]<>]/.test(between));
/** A list of quoted names, and its last (the first group): `["user", "password"]`. */
const LAST_ITEM = /^\[(?:\s*\\*["'][^"'\\\n]{0,64}\\*["']\s*,){0,32}\s*\\*["']([^"'\\\n]{1,64})\\*["']\s*\]/;
/** A URL parameter that names a user: `?u=bob`, `&user=bob`, `&login=bob`. */
const URL_USER = /[?&#;](?:u|user|username|login)=[^&#\s]/;
/** A street address's start, maybe quoted or URL-encoded: a house number and a word (`1600 Amphitheatre`, `12+Main`). */
const STREET_ADDRESS = /^\\*["']?\d{1,6}(?:[ +]|%20)[A-Za-z\u00c0-\u024f]/;
/** The end of a quoted item that closes its list (`'…' ]`, `"…")`). */
const PAIR_END = /^\\*["'](?:\s|\\+[nrt]){0,64}[\])]/;
/** `||` or `??` before a quote (sticky). */
const FALLBACK = /[ \t]*(?:\|\||\?\?)[ \t]*(?=["'])/y;

/**
 * After `key:`, a YAML block scalar's indicator (`|`, `>-`, `|+`: first group) before its line
 * break, or a value alone on the next line: the line break (maybe escaped, once or more), its
 * indentation and the value (sticky).
 */
const NEXT_VALUE =
  /([|>][-+]?\d?)(?=[ \t]*(?:\r?\n|\\{1,8}[rn]))|[ \t]*(?:\r?\n|\\{1,8}r?\\{0,8}n)([ \t]+)([^\s"'\\]{1,1024})(?=[ \t]*(?:[\r\n"']|\\[rn\\"']|$))/y;
/**
 * An XML element with text, maybe with a namespace prefix and attributes (WS-Security's
 * `<wsse:Password Type="…">`): its name (first group) and its text up to an end tag (second
 * group), also as a CDATA section.
 */
const XML_ELEMENT =
  /<(?:[A-Za-z_][\w.-]{0,31}:)?([A-Za-z_][\w.-]{0,63})(?:\s[^<>]{0,512})?>((?:<!\[CDATA\[(?:[^\]]|\](?!\]>)){0,1024}\]\]>|[^<]{1,1024}))(?=<\/)/g;

/** Replaces the text of XML elements named by a sensitive key: `<password>…</password>`. */
function scrubXml(text: string, compiled: CompiledScrub, keep?: KeepPair): string {
  return text.replace(XML_ELEMENT, (element: string, name: string, value: string) =>
    isSensitiveKeyWith(name, compiled) && !keep?.(value, '>', false, false)
      ? element.slice(0, element.length - value.length) + FILTERED
      : element,
  );
}
/** A line break, then the next line's indentation and text; or the same escaped inside a JSON string (sticky). */
const BLOCK_LINE =
  /[ \t]*(?:\r?\n([ \t]*)[^\r\n]{0,1024}|\\{1,8}r?\\{0,8}n([ \t]*)(?:[^\\"\r\n]|\\{1,8}[^nr\\\r\n]){0,1024})/y;

/**
 * Indentation of the line that holds `index` (a line starts after a line break or an escaped
 * `\n`; only the 256 characters before `index` are read, so a long line costs no more).
 */
function indentAt(text: string, index: number): number {
  const line = text.slice(Math.max(0, index - 256), index);
  const escaped = line.lastIndexOf('\\n');
  let i = Math.max(line.lastIndexOf('\n') + 1, escaped < 0 ? 0 : escaped + 2);
  const start = i;
  while (line[i] === ' ' || line[i] === '\t') i++;
  return i - start;
}

/** Where the lines indented deeper than `indent` that follow `from` end (at most 256 lines). */
function blockEnd(text: string, from: number, indent: number): number {
  for (let n = 0; n < 256; n++) {
    BLOCK_LINE.lastIndex = from;
    const line = BLOCK_LINE.exec(text);
    if (!line || (line[1] ?? line[2]!).length <= indent) break;
    from = BLOCK_LINE.lastIndex;
  }
  return from;
}

/** The end of the `{...}` or `[...]` that starts at `from` (quoted text skipped), or 0 past 1,024 characters. */
function closeAt(text: string, from: number): number {
  let depth = 0;
  let quote = '';
  for (let i = from; i < text.length && i < from + 1024; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (quote) quote = c === quote ? '' : quote;
    else if (c === '"' || c === "'") quote = c;
    else if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && !--depth) return i + 1;
  }
  return 0;
}

/** `text` filters every `key=value`; `code` (source lines) only quoted literals, so code stays readable. */
export type ScrubMode = 'text' | 'code';

/**
 * Decides that a sensitive pair's value stays after all (`code` mode uses it for source lines).
 * Called with the value, the separator, whether the value is quoted and whether it is a URL parameter.
 */
export type KeepPair = (value: string, sep: string, quoted: boolean, query: boolean) => boolean;

/** Replaces the values of sensitive pairs; a harmless pair's value is searched for pairs too (`note: password=x`). */
let pairRulesPrimed = false;

function scrubPairs(text: string, compiled: CompiledScrub, keep?: KeepPair): string {
  if (!pairRulesPrimed) {
    pairRulesPrimed = true;
    for (const rule of [PAIR, VALUE, NEXT_VALUE]) primeRegExp(rule);
  }
  let out = '';
  let last = 0;
  // Bracketed values read to their end, at most this many per text (each reads up to 1,024 characters).
  let scans = 32;
  // Where the value of `key="ApiKey"` or `"name": "password"` ended: the `value` pair right after
  // it (`<add key="ApiKey" value="…"/>`, `{"name": "password", "value": "…"}`) is the secret.
  let named = -1;
  // Where the last harmless `value` pair's value starts and ends (after its quote), for a naming
  // pair after it in the same object (express-validator's `{"value":"…","path":"password"}`).
  let valueFrom = -1;
  let valueTo = -1;
  // Where the value of the last harmless `name=value` starts: the first cookie of a
  // `document.cookie` list, judged when the next one shows that it is one.
  let first = -1;
  const cookies = text.includes('; ');
  PAIR.lastIndex = 0;
  for (let m = PAIR.exec(text); m; m = PAIR.exec(text)) {
    const key = m[2] ?? m[4] ?? m[5] ?? m[7]!;
    const sep = m[3] ?? m[6] ?? m[8]!;
    let at = PAIR.lastIndex;
    const start = m.index + m[1]!.length;
    const query = /[?&#;]/.test(m[1]!);
    // The value may hold the next pair; its first character may be the boundary before that key.
    PAIR.lastIndex = at - 1;
    VALUE.lastIndex = at;
    // The name just read, followed by a comma, reads as an item of a list written out
    // (`key: "reset_token",`): it is the name, and the `value` after it is still the one it names.
    if (m[7] && start < named) continue;
    // Also across the objects of a call's arguments (Prisma's `where: { key: "reset_token" },\n
    // data: { value: "…" }`), or attribute selectors (`input[name="password"][value="…"]`): only
    // brackets and the key of an object may stand between them; or
    // other members of the same object (AWS SSM's `"Name": "/prod/db/password", "Type":
    // "SecureString", "Value": "…"`): no bracket or tag between, within 256 characters.
    const sibling =
      named >= 0 &&
      start - named < 2048 &&
      (/^value$/i.test(key) || VALUE_FIELD.test(key)) &&
      namesAcross(text.slice(named, start));
    // An error's name is no key: `TokenExpiredError: jwt expired`. A flag that says where the
    // secret comes from takes no value: `docker login --password-stdin registry.example.com`.
    if (/(?:Error|Exception):/.test(key + sep) || (m[4] && /-stdin$/.test(key))) continue;
    if (m[7]) {
      // A list written out (`console.log(req.rawHeaders)`, a JSON array): quoted items after `[`,
      // `(` or `,`, the value named by the item before it by the rule for lists in data; a list
      // of just the two is a `[name, value]` pair (`Object.entries` inspected: `[ [ 'apiKey',
      // '…' ] ]`, a Python tuple), unless its second item is letters alone, as a field or header
      // name is (`missing fields: ['password', 'email']`, `['X-Api-Key', 'Content-Type']`), and
      // the first no constant's name.
      const item = VALUE.exec(text);
      VALUE.lastIndex = at;
      const before = text.slice(Math.max(0, m.index - 66), m.index);
      if (
        !item?.[1] ||
        !/["']/.test(m[1]!) ||
        !/(?:^|[[,(])(?:\s|\\+[nrt]){0,64}\\*$/.test(before) ||
        !isNamedValue(
          key,
          item[0].slice(item[1].length),
          (name) => isSensitiveKeyWith(name, compiled),
          /[[(](?:\s|\\+[nrt]){0,64}\\*$/.test(before) &&
            (!/^[A-Za-z_-]{1,32}$/.test(item[0].slice(item[1].length)) ||
              // A constant's name and a word: PHP's `define('DB_PASSWORD', 'butterscotch')`.
              (/^[A-Z\d]+_[A-Z\d_]+$/.test(key) && /[a-z]/.test(item[0]))) &&
            PAIR_END.test(text.slice(at + item[0].length, at + item[0].length + 72)),
        )
      )
        continue;
    }
    // A token under a name that says nothing: a short URL parameter (`?t=<token>`), or a cookie of
    // a `document.cookie` list (`a=1; myapp=<token>; theme=dark`). A bare `address` that holds a
    // street address (a house number, then a word: a geocoding request's `?address=1600+…`), not a
    // server's, is personal ({@link STREET_ADDRESS}). A URL's `p` beside its user (`?u=bob&p=…`,
    // as the Subsonic API and others take a login) is the password.
    let unnamed =
      (/^addr(?:ess)?$/i.test(key) &&
        STREET_ADDRESS.test(text.slice(at, at + 16)) &&
        isSensitiveKeyWith('phone', compiled)) ||
      (query &&
        key === 'p' &&
        sep === '=' &&
        URL_USER.test(text.slice(Math.max(0, start - 256), at + 256))) ||
      // A position's `long` beside its `lat` (`?lat=37.77&long=-122.42`), where a phone is filtered.
      (key === 'long' &&
        /(?:^|[^\w.-])lat[:=]/.test(text.slice(Math.max(0, start - 256), start)) &&
        isSensitiveKeyWith('phone', compiled));
    const listed = cookies && sep === '=' && text.startsWith('; ', start - 2);
    if (sep === '=' && query && TOKEN_PARAM_KEY.test(key)) {
      TOKEN_PARAM.lastIndex = at;
      unnamed =
        isTokenParam(key, TOKEN_PARAM.exec(text)?.[0] ?? '') ||
        (key === 'state' && OAUTH_CALLBACK.test(text.slice(Math.max(0, start - 2048), at + 2048)));
    } else if (listed && !/^boundary$/i.test(key)) {
      COOKIE_VALUE.lastIndex = at;
      unnamed = cookieToken(COOKIE_VALUE.exec(text)?.[0] ?? '');
      if (
        first >= last &&
        first < start - 2 &&
        start - first < 1030 &&
        cookieToken(text.slice(first, start - 2))
      ) {
        out += text.slice(last, first) + FILTERED;
        last = start - 2;
      }
    }
    if (!sibling && !unnamed && !isSensitiveKeyWith(key, compiled, query)) {
      first = sep === '=' && !listed ? at : -1;
      const valued = VALUE_FIELD.test(key);
      const v = (/^(?:key|name)$/i.test(key) || NAMING.has(key) || valued) && VALUE.exec(text);
      // A path given as a list (Zod's `"path":["user","password"]`) names its last member.
      const list = v && v[0] === '[' && !valued ? LAST_ITEM.exec(text.slice(at, at + 2048)) : null;
      const name = list ? list[1]! : v ? v[0].slice(v[1]?.length) : '';
      if (v && valued) {
        valueFrom = at + (v[1]?.length ?? 0);
        valueTo = at + v[0].length;
      } else if (v && /^name$/i.test(key) && personBeside(text, start, at + v[0].length, compiled)) {
        out += text.slice(last, at) + (v[1] ?? '') + FILTERED;
        last = PAIR.lastIndex = at + v[0].length;
      } else if (v && isSensitiveKeyWith(name, compiled)) {
        // The value just before it in the same object is the one it names, when it names a member
        // as keys are written (`password`, `/credentials/apiKey`), not in words.
        if (
          valueFrom >= last &&
          start - valueTo < 256 &&
          !/[{}[\]]/.test(text.slice(valueTo, start)) &&
          /^[\w./:-]{1,64}$/.test(name)
        ) {
          out += text.slice(last, valueFrom) + FILTERED;
          last = valueTo;
        }
        named = PART_VALUE.lastIndex = at + (list ? list[0].length : v[0].length);
        // A multipart form field: `Content-Disposition: form-data; name="password"`, a blank line,
        // its value; an XML element named by its key: `<entry key="db.password">…</entry>`.
        const part = PART_VALUE.exec(text);
        if (part) {
          out += text.slice(last, PART_VALUE.lastIndex - (part[2] ?? part[3])!.length) + FILTERED;
          last = PAIR.lastIndex = PART_VALUE.lastIndex;
        }
      }
      continue;
    }
    let v = VALUE.exec(text);
    if (v && keep?.(v[0], sep, !!v[1], query)) {
      // Code kept as code (`secret = process.env.SECRET || 'dev-secret'`): a literal after `||`
      // or `??` is the value.
      FALLBACK.lastIndex = at + v[0].length;
      if (!FALLBACK.test(text)) continue;
      VALUE.lastIndex = at = FALLBACK.lastIndex;
      v = VALUE.exec(text);
    }
    let value = v?.[0] ?? '';
    const quote = v?.[1];
    let found = !!v;
    // YAML: a value alone on the next, deeper indented line (`password:\n  s3cr3t`), not a stack
    // line after a message (`invalid token:\n    at ...`).
    if (!v && /:[ \t]*$/.test(sep)) {
      NEXT_VALUE.lastIndex = at;
      const next = NEXT_VALUE.exec(text);
      if (next?.[1]) value = next[1];
      else if (
        next &&
        next[2]!.length > indentAt(text, m.index + m[1]!.length) &&
        (!PROSE_KEY.test(normalizeKey(key)) || looksLikeSecret(next[3]!))
      ) {
        value = next[3]!;
        at = NEXT_VALUE.lastIndex - value.length;
      }
      found = !!value;
    }
    if (
      found &&
      // "Unexpected token: }" is prose, "token: 9f8e7d" is a credential, and so is a list that
      // closes (`auth: [ '9f8e7d' ]`, as `inspect` prints one); `session:count` and `auth:login`
      // are a namespaced name (a Redis key, a debug channel), `session:9f8e7d` one with a token.
      !(
        !quote &&
        /^:(?:\s|$)/.test(sep) &&
        PROSE_KEY.test(normalizeKey(key)) &&
        !looksLikeSecret(value) &&
        !(value === '[' && closeAt(text, at) > 0)
      ) &&
      // A stack frame's file and position: `/app/auth.js:10:5`; MySQL's `(using password: YES)`;
      // Mongoose's `password: Path \`password\` is required.` and `Validator failed for path`.
      !(sep === ':' && key.includes('.') && /^\d+(?::\d+)?$/.test(value)) &&
      !(!quote && /^(?:YES|NO|true|false|null|undefined)$/.test(value)) &&
      // T-SQL's Unicode literal, `PASSWORD = N'…'`: the literal is the value (the rule for SQL's
      // password literals has filtered it).
      !(value === 'N' && text[at + 1] === "'") &&
      // A test runner's verdict: Go's `--- PASS: TestLogin (0.00s)`, automake's `PASS: t/basic.sh`.
      !(key === 'PASS' && sep.startsWith(':')) &&
      !(value === 'Path' && text.startsWith(' `', at + 4)) &&
      !(value === 'Validator' && text.startsWith(' failed for path `', at + 9)) &&
      !keep?.(value, sep, !!quote, query)
    ) {
      LINE.lastIndex = at;
      const line =
        !quote &&
        /:\s*$/.test(sep) &&
        !/^[{[(`]/.test(value) &&
        LINE_KEY.test(normalizeKey(key)) &&
        LINE.exec(text);
      let end = at + (line ? line[0] : value).length;
      if (!quote) {
        // A YAML block scalar (`key: |` and its deeper indented lines), or a JSON object or
        // array (`"credentials":{"user":"a","pass":"b"}`): all of it.
        if (/^[|>][-+]?\d?$/.test(value)) end = blockEnd(text, end, indentAt(text, m.index + m[1]!.length));
        else if (/^[{[]/.test(value) && scans-- > 0) end = closeAt(text, at) || end;
        else if (!line && /:[ \t]*$/.test(sep) && PHRASE_KEY.test(normalizeKey(key))) {
          PHRASE_TAIL.lastIndex = end;
          end += PHRASE_TAIL.exec(text)?.[0].length ?? 0;
        } else if (/^\+?[\d(]/.test(value) && PHONE_KEY.test(normalizeKey(key))) {
          PHONE_TAIL.lastIndex = end;
          end += PHONE_TAIL.exec(text)?.[0].length ?? 0;
        } else if (!line && /=[ \t]*$/.test(sep)) {
          // A connection string's value runs to its `;` (`Password=two words;Encrypt=true`), or
          // to the end of the line when an earlier pair ended with `;` (`Host=db;Password=a b`);
          // a capitalized password's always does (`login failed for Password=Tr0ub4dor and 3`).
          CONNECTION_TAIL.lastIndex = end;
          const tail = CONNECTION_TAIL.exec(text);
          if (tail && (text[end + tail[0].length] === ';' || m[1] === ';' || PASSWORD_KEY.test(key)))
            end += tail[0].length;
        }
        // Outside a query string an `&` is part of the value (`password=Tr0ub&4dor`), unless a
        // pair follows it; and a value longer than a read (an STS session token, a refresh
        // token of 1,300 characters) goes to its end.
        if (!line && (!query || m[1] === ';' || end - at >= 1024)) {
          VALUE_REST.lastIndex = end;
          const rest = VALUE_REST.exec(text)?.[0] ?? '';
          if (end - at >= 1024 || rest.startsWith('&')) end += rest.length;
        }
      } else if (value.length >= 1024 + quote.length) {
        // A quoted value longer than a read: to its closing quote, on its line.
        const close = text.slice(end).search(/[\r\n]|(?<!\\)["']/);
        end = close < 0 ? text.length : end + close;
      }
      out += text.slice(last, at) + (quote ?? '') + FILTERED;
      last = PAIR.lastIndex = end;
      // The same name names the `value` of the next object too (an upsert's `create` and `update`).
      if (sibling) named = end;
    }
  }
  return out + text.slice(last);
}

/**
 * An e-mail or phone member at the start of the text after a value (`name: 'Ada Lovelace', email:
 * '…'`, `?name=Ada+Lovelace&email=…`), or at the end of the text before a key (`"email":"…","name"`).
 */
const CONTACT_AFTER =
  /^\\*["']?[ \t]*[,&](?:\s|\\+[nrt])*\\*["']?(?:e-?mail|phone)\\*["']?[ \t]*(?:[:=]|%3[Dd])/i;
const CONTACT_BEFORE = /(?:e-?mail|phone)\\*["']?[ \t]*[:=][^,&{}\r\n]{1,256}[,&](?:\s|\\+[nrt])*\\*["']?$/i;

/**
 * Whether the `name` whose key starts at `start` and whose value ends at `end` is a person's,
 * beside their e-mail or phone as data prints it (`{ name: 'Ada Lovelace', email: '…' }`): filtered
 * where a phone is (unless `sendDefaultPii`), as in data ({@link siblingSecrets}).
 */
const personBeside = (text: string, start: number, end: number, compiled: CompiledScrub): boolean =>
  (CONTACT_AFTER.test(text.slice(end, end + 96)) ||
    CONTACT_BEFORE.test(text.slice(Math.max(0, start - 300), start))) &&
  isSensitiveKeyWith('phone', compiled);

/**
 * Characters that rules marked `1` and every pair ({@link PAIR}: `:`, `=`, `%3D`, a `-` flag,
 * an XML end tag's `/`, the word `config` of `aws configure set key value` or the `',` between
 * items of a list written out; the `_` of `rabbitmqctl
 * add_user`, the `/` of `sqlplus bob/S3cret`, the `\` of `net use \\host\share`) need. Most
 * messages (`order 42 could not be loaded`) have none: seven of the patterns and the
 * pair search are then skipped. No replacement adds one of them, so what is skipped for the
 * text as given could not match after the earlier rules either.
 */
const PUNCTUATION = /[-.:=@%>/_\\]|config|["'],/;

/**
 * An escaped line break or tab (`\n`, `\r`, `\t` as JSON and `util.inspect` write them) ends a
 * word, but its letter is a word character to the value rules: `"line\nghp_…"` would hide the
 * token behind `\b`. While the value rules run, the letter is swapped for a private-use
 * character of the same length, and swapped back after.
 */
const ESCAPE = /\\[nrt]/g;
/** U+E000, U+E001, U+E002 for `n`, `r`, `t`; written as escapes, so the built file stays ASCII. */
const SHIELDS = /[\ue000-\ue002]/;
const SHIELDED = /\\[\ue000-\ue002]/g;
const LETTERS = 'nrt';

function scrubOnce(text: string, compiled: CompiledScrub, keep?: KeepPair): string {
  if ((text.includes('\u2502') || text.includes('|')) && TABLE_ROW.test(text))
    text = scrubTables(text, compiled);
  if (text.includes('\n') && /[,;\t]/.test(text)) text = scrubDelimited(text, compiled);
  const loose = PUNCTUATION.test(text);
  ESCAPE.lastIndex = 0;
  const shielded = loose && ESCAPE.test(text) && !SHIELDS.test(text);
  if (shielded)
    text = text.replace(ESCAPE, (found) => `\\${String.fromCharCode(0xe000 + LETTERS.indexOf(found[1]!))}`);
  text = applyRules(text, compiled.pii ? SECRET_RULES : RULES, loose, PRIMED);
  if (shielded) text = text.replace(SHIELDED, (found) => `\\${LETTERS[found.charCodeAt(1) - 0xe000]}`);
  // The app's own patterns see the text as written.
  if (compiled.patterns.length) text = applyRules(text, compiled.patterns, loose);
  if (!loose) return text;
  if (text.includes('</')) text = scrubXml(text, compiled, keep);
  return scrubPairs(text, compiled, keep);
}

/** Applies value rules ({@link RULES}, or all but the personal-data masks, or the app's own patterns) in order. */
function applyRules(
  text: string,
  rules: Array<[RegExp, string | Replacer, (1 | string | RegExp)?]>,
  loose: boolean,
  primed?: Uint8Array,
): string {
  // Each pair read by index, not destructured: the first event of a process scrubs hundreds of
  // strings in code the engine has not optimized yet, where destructuring allocates iterators.
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    const needs = rule[2];
    // A built-in rule's small pattern is compiled once, at its first text; the rule itself at the
    // first text that may hold a match.
    if (primed && !primed[i] && needs instanceof RegExp) {
      primed[i] = 1;
      primeRegExp(needs);
    }
    if (!(needs === 1 ? loose : !needs || (isString(needs) ? text.includes(needs) : needs.test(text))))
      continue;
    if (primed && primed[i] !== 2) {
      primed[i] = 2;
      primeRegExp(rule[0]);
    }
    // Tested first: a global replace costs several times a test even where nothing matches,
    // which is almost everywhere. The same result: both scan from the start (the test from
    // `lastIndex` 0, the replace resets it).
    rule[0].lastIndex = 0;
    if (rule[0].test(text)) text = text.replace(rule[0], rule[1] as string);
  }
  return text;
}

/**
 * Removes secrets from free text: credentials of known shapes, card numbers, IBANs, US SSNs,
 * passwords in URLs, values of sensitive pairs (`key=value`, `"key": "value"`, `--key value`),
 * matches of `valuePatterns`; masks e-mail and IP addresses unless `sendDefaultPii`. A word or URL
 * parameter with percent-escapes is judged decoded too (`api%5Fkey=…`, `jane%40example.com`), and
 * replaced by its scrubbed decoded form only when that removed something. Everything else is left
 * as it was.
 */
export function scrubText(text: string, compiled: CompiledScrub, keep?: KeepPair): string {
  // Text escaped for HTML (JSON in an attribute: `data-props="{&quot;password&quot;:…}"`) or by
  // Gson (`token\u003d…`), judged as it reads.
  if (escaped(text)) return scrubUnescaped(text, compiled, keep);
  // The regular expression only where a `%` is (one native search).
  let judged =
    text.includes('%') && /%[\da-f]{2}/i.test(text)
      ? text.replace(/[^\s<>&?#;]+/g, (word) => scrubEncodedWord(word, compiled, keep))
      : text;
  // Each byte expression only where a cheap search finds what it needs.
  if (judged.includes('<Buffer ') || (judged.length >= MIN_HEX_RUN && HEX_PAIRS.test(judged)))
    judged = judged.replace(HEX_BYTES, (run) =>
      scrubBytes(
        run,
        (run.match(/[\da-f]{2}/gi) as string[]).map((pair) => Number.parseInt(pair, 16)),
        compiled,
        keep,
      ),
    );
  if (judged.includes('"Buffer') || judged.includes('Array('))
    judged = judged.replace(DECIMAL_BYTES, (run) =>
      scrubBytes(run, (run.match(/\d+/g) as string[]).map(Number), compiled, keep),
    );
  if (judged.length >= MIN_BASE64_RUN && hasBase64Run(judged)) judged = scrubBase64(judged, compiled, keep);
  return scrubOnce(judged, compiled, keep);
}

/** The characters HTML and Gson escape, each with the escapes that stand for it and the one it is written back as. */
const HTML_ESCAPED = /&(?:quot|#34|#x22|#39|#x27|apos|lt|gt|#64|#x40);/i;
const JS_ESCAPED = /\\u00(?:3[dDcCeE]|2[26])/;
/** Whether `text` has characters escaped for HTML or by Gson (a native search first). */
const escaped = (text: string): boolean =>
  (text.includes('&') && HTML_ESCAPED.test(text)) || (text.includes('\\u00') && JS_ESCAPED.test(text));
const ESCAPES: ReadonlyArray<readonly [string, RegExp, string]> = [
  ['"', /&(?:quot|#34|#x22);/gi, '&quot;'],
  ["'", /&(?:#39|#x27|apos);/gi, '&#39;'],
  ['<', /&lt;/gi, '&lt;'],
  ['>', /&gt;/gi, '&gt;'],
  ['@', /&#(?:64|x40);/gi, '&#64;'],
  ['=', /\\u003[dD]/g, '\\u003d'],
  ['&', /\\u0026/g, '\\u0026'],
  ['<', /\\u003[cC]/g, '\\u003c'],
  ['>', /\\u003[eE]/g, '\\u003e'],
  ['"', /\\u0022/g, '\\u0022'],
];

/**
 * Escaped text scrubbed as it reads: unescaped, scrubbed, and when that changed anything, the
 * characters that were escaped written back escaped (unless the text also had them as they are).
 */
function scrubUnescaped(text: string, compiled: CompiledScrub, keep?: KeepPair): string {
  let plain = text;
  const back: Array<readonly [string, string]> = [];
  for (const [char, escaped, canonical] of ESCAPES) {
    escaped.lastIndex = 0;
    if (!escaped.test(plain)) continue;
    if (!text.includes(char)) back.push([char, canonical]);
    plain = plain.replace(escaped, char);
  }
  const scrubbed = scrubText(plain, compiled, keep);
  if (scrubbed === plain) return text;
  let out = scrubbed;
  for (const [char, canonical] of back) out = out.split(char).join(canonical);
  return out;
}

/** Where a table's row may begin: a line, also after an escaped line break, that begins with a cell border. */
const TABLE_ROW = /(?:^|\\[nr])[ \t]*[\u2502|][^\r\n\u2502|]*[\u2502|]/m;
/** A table's rule between rows: box drawing (`├───┼───┤`) or Markdown's `|---|:--:|`. */
const TABLE_RULE = /^[\u2500-\u257f|+:=\- \t]*$/;
/** Line breaks, also escaped inside a JSON string: kept by the split (odd items). */
const LINE_BREAK = /(\r?\n|\\+(?:r\\+)?n)/;
/** What may stand before a row's first border and after its last: white space, or the quote of a string it is in. */
const ROW_START = /^(?:[^\u2502|]*\\*["'`])?[ \t]*$/;
const ROW_END = /^[ \t]*(?:\\*["'`].*)?$/;

/** A terminal's color codes, which `console.table` puts around values when it writes to one. */
const COLOR = RegExp(`${String.fromCharCode(27)}\\[[\\d;]{0,16}m`, 'g');

const cellKey = (cell: string): string =>
  cell
    .replace(COLOR, '')
    .trim()
    .replace(/^(\\*)(["'`])(.*)\1\2$/, '$3');

/**
 * Tables printed as text: `console.table` (which Node writes through `console.log`) and Markdown
 * or ASCII tables. A row whose first cell names a secret (`│ password │ 'hunter2' │`, the table of
 * an object) loses its other cells; a column whose header names one (`│ (index) │ user │
 * password │`, the table of a list of objects) loses its cells in every row below. A cell keeps
 * its width (without color codes) where `[Filtered]` fits in it.
 */
function scrubTables(text: string, compiled: CompiledScrub): string {
  const parts = text.split(LINE_BREAK);
  let header: boolean[] | undefined;
  const sensitive = (cell: string) => {
    const key = cellKey(cell);
    // A name as keys are written (`DB_PASSWORD`, `api key`, `x-api-key`), not a value (`session:42`).
    return /^[A-Za-z_][\w .-]{0,63}$/.test(key) && isSensitiveKeyWith(key, compiled);
  };
  for (let i = 0; i < parts.length; i += 2) {
    const line = parts[i]!;
    const bar = line.includes('\u2502') ? '\u2502' : '|';
    const cells = line.split(bar);
    const last = cells.length - 1;
    if (last < 3 || !ROW_START.test(cells[0]!) || !ROW_END.test(cells[last]!)) {
      // A rule between rows keeps the table open; any other line ends it.
      if (!TABLE_RULE.test(line)) header = undefined;
      continue;
    }
    if (cells.every((cell, at) => at === 0 || at === last || TABLE_RULE.test(cell))) continue;
    const first = header === undefined;
    header ??= cells.map((cell, at) => at > 0 && at < last && sensitive(cell));
    const named = sensitive(cells[1]!);
    let changed = false;
    for (let at = 1; at < last; at++) {
      const cell = cells[at]!;
      if (!((named && at > 1) || (!first && header[at])) || cell.trim() === '' || cell.trim() === FILTERED)
        continue;
      const lead = /^[ \t]*/.exec(cell)![0];
      cells[at] = lead + `${FILTERED} `.padEnd(cell.replace(COLOR, '').length - lead.length);
      changed = true;
    }
    if (changed) parts[i] = cells.join(bar);
  }
  return parts.join('');
}

/**
 * A header line of delimited text (CSV, TSV, `;`-separated): two or more names, quoted or as keys
 * are written (no spaces unless quoted), and the delimiter (first group), on a line of its own.
 */
const CSV_HEADER =
  /^[ \t]*(?:"[^"\r\n]{1,64}"|[A-Za-z_][\w.-]{0,63})[ \t]*([,;\t])[ \t]*(?:(?:"[^"\r\n]{1,64}"|[A-Za-z_][\w.-]{0,63})[ \t]*\1[ \t]*){0,62}(?:"[^"\r\n]{1,64}"|[A-Za-z_][\w.-]{0,63})[ \t]*\r?$/gm;
/** A cell of delimited text: its leading white space, its quote if quoted, its text, its trailing white space. */
const CELL = /^([ \t]*)(?:(")(.*)"|(.*?))([ \t\r]*)$/s;

/** Splits a line of delimited text at `delimiter`, except inside double quotes. */
function splitCells(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let quoted = false;
  let from = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === delimiter && !quoted) {
      cells.push(line.slice(from, i));
      from = i + 1;
    }
  }
  cells.push(line.slice(from));
  return cells;
}

/**
 * Delimited text (a CSV export or upload, a TSV): the cells of a column whose header names a
 * secret (`email,password` then `ada@example.com,hunter2`), in every row below that has as many
 * cells, up to a line that has not. At most 64 header lines are judged per text.
 */
function scrubDelimited(text: string, compiled: CompiledScrub): string {
  let out = '';
  let last = 0;
  CSV_HEADER.lastIndex = 0;
  for (let n = 0, m = CSV_HEADER.exec(text); m && n < 64; n++, m = CSV_HEADER.exec(text)) {
    const delimiter = m[1]!;
    const header = splitCells(m[0], delimiter).map((cell) => isSensitiveKeyWith(cellKey(cell), compiled));
    if (!header.includes(true)) continue;
    for (let at = m.index + m[0].length; text[at] === '\n'; ) {
      const next = text.indexOf('\n', at + 1);
      const end = next < 0 ? text.length : next;
      const cells = splitCells(text.slice(at + 1, end), delimiter);
      if (cells.length !== header.length) break;
      for (let i = 0; i < cells.length; i++) {
        if (!header[i] || cells[i]!.trim() === '') continue;
        const [, lead, quote = '', , , trail] = CELL.exec(cells[i]!)!;
        cells[i] = lead + quote + FILTERED + quote + trail;
      }
      out += text.slice(last, at + 1) + cells.join(delimiter);
      last = CSV_HEADER.lastIndex = at = end;
    }
  }
  return out + text.slice(last);
}

/**
 * Bytes written out in hex: 16 or more pairs apart (S3's `CanonicalRequestBytes`, which spell out
 * the signed request with its session token), or however many Node prints of a Buffer
 * (`<Buffer 70 77 3d ...>`).
 */
const HEX_BYTES =
  /\b(?:[\da-f]{2} ){15,}[\da-f]{2}\b|(?<=<Buffer )(?:[\da-f]{2} )*[\da-f]{2}(?=>| \.\.\. \d+ more byte)/gi;
/**
 * What the first form of {@link HEX_BYTES} holds, found fast (its first character is a space,
 * which the engine looks for alone), and the shortest text it can match (16 pairs and their
 * spaces): the full expression costs about 10 µs a kilobyte of text.
 */
const HEX_PAIRS = / [\dA-Fa-f]{2} [\dA-Fa-f]{2} [\dA-Fa-f]{2} /;
const MIN_HEX_RUN = 47;

/**
 * Base64 of text (a Kubernetes Secret's `data`, an environment variable holding a service
 * account's JSON or a kubeconfig): a run of 40+ base64 characters, not part of a word and not a
 * path (a run that starts with `/`).
 */
const BASE64_RUN = /(?<![\w+/.-])(?!\/)[A-Za-z\d+/]{40,16384}={0,2}(?![\w+/=-])/g;
const MIN_BASE64_RUN = 40;
/** Base64's characters, by character code. */
const BASE64_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')
  BASE64_CHAR[c.charCodeAt(0)] = 1;
/** Whether 40 base64 characters run somewhere in `text`: one pass over it (a pattern would retry from every character of a shorter run). */
function hasBase64Run(text: string): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 128 && BASE64_CHAR[code] === 1) {
      if (++run >= MIN_BASE64_RUN) return true;
    } else run = 0;
  }
  return false;
}

/**
 * Each base64 run (at most 8 in a text) that decodes to text (printable, as written by people and
 * programs) is judged decoded: filtered whole when the decoded text loses anything.
 */
function scrubBase64(text: string, compiled: CompiledScrub, keep?: KeepPair): string {
  let runs = 8;
  return text.replace(BASE64_RUN, (run, at: number) => {
    // Not an image or a font of a data URL, and not when the text has had its share.
    if (runs-- <= 0 || (run.length > 1024 && /;base64,$/.test(text.slice(Math.max(0, at - 8), at))))
      return run;
    let decoded: string;
    try {
      decoded = atob(run.length % 4 === 0 ? run : run + '='.repeat((4 - (run.length % 4)) % 4));
    } catch {
      return run;
    }
    if (!/^[\t\n\r\x20-\x7e]*$/.test(decoded)) return run;
    return scrubOnce(decoded, compiled, keep) === decoded ? run : FILTERED;
  });
}

/**
 * Bytes written out in decimal: a Buffer as JSON writes it (`{"type":"Buffer","data":[112,119,…]}`,
 * a Buffer inside what an app logs with `JSON.stringify`) and a `Uint8Array` as Node prints it
 * (`Uint8Array(9) [ 112, 119, … ]`).
 */
const DECIMAL_BYTES =
  /(?<=\\*"type\\*": ?\\*"Buffer\\*", ?\\*"data\\*": ?\[)\d{1,3}(?:, ?\d{1,3})*(?=\])|(?<=\bUint8(?:Clamped)?Array\(\d{1,9}\) \[)(?:\s*\d{1,3},)*\s*\d{1,3}(?=,?\s*(?:\.\.\. \d+ more items?\s*)?\])/g;

/**
 * A run of bytes (`bytes`, read from `run`), judged as the text they decode to: `run` is
 * filtered whole when that text holds anything to remove. Bytes that are not text (a digest,
 * binary data: control characters) are left as written.
 */
function scrubBytes(run: string, bytes: readonly number[], compiled: CompiledScrub, keep?: KeepPair): string {
  let text = '';
  for (const byte of bytes) {
    if (!(byte <= 0xff) || byte === 0x7f || (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d))
      return run;
    text += String.fromCharCode(byte);
  }
  return scrubOnce(text, compiled, keep) === text ? run : FILTERED;
}

/** Where a word split at whitespace, `<`, `>`, `&`, `?`, `#` and `;` has one of them: it was escaped. */
const ESCAPED_SEPARATOR = /[\s<>&?#;]/;

/**
 * A word with percent-escapes, judged decoded (`api%5Fkey=…`, `jane%40example.com`, a URL inside
 * a URL parameter, encoded up to three times), decoded once (a `%` of the text's own, as in
 * Samba's `-U user%ab12`, is lost past that) and as written; the form that filters the most
 * wins, then the one that masks the most (a URL password with an escaped space,
 * `postgres://app:a%20b@db/shop`, is one value as written or decoded once, and looks like an
 * e-mail address decoded). Decoded, an escaped space or `&` inside a value
 * (`password=Horse%20Battery`) would end the value there: a value followed by such a character
 * is filtered to the end of the word.
 */
function scrubEncodedWord(word: string, compiled: CompiledScrub, keep?: KeepPair): string {
  let decoded = word;
  for (let i = 0; i < 3 && /%[\da-f]{2}/i.test(decoded); i++) decoded = percentDecode(decoded);
  const once = percentDecode(word);
  let best = word;
  let score = -1;
  for (const form of decoded === once ? [decoded, word] : [decoded, once, word]) {
    const scrubbed =
      form === word ? scrubOnce(word, compiled, keep) : toWordEnd(scrubDecoded(form, compiled, keep));
    const masks = scrubbed === form ? 0 : countOf(scrubbed, FILTERED) * 1e4 + countOf(scrubbed, '[');
    if (masks > score) {
      best = masks === 0 ? word : scrubbed;
      score = masks;
    }
  }
  return best;
}

/** A decoded word as text: escaped for HTML or by Gson inside, or holding base64 of text, it is read as that too. */
function scrubDecoded(form: string, compiled: CompiledScrub, keep?: KeepPair): string {
  if (escaped(form)) return scrubUnescaped(form, compiled, keep);
  const judged =
    form.length >= MIN_BASE64_RUN && hasBase64Run(form) ? scrubBase64(form, compiled, keep) : form;
  return scrubOnce(judged, compiled, keep);
}

/** Each filtered value followed by a character that was escaped (a space, `&`) runs to the end of the word, or to a quote. */
function toWordEnd(scrubbed: string): string {
  let at = scrubbed.indexOf(FILTERED);
  while (at >= 0) {
    const end = at + FILTERED.length;
    if (ESCAPED_SEPARATOR.test(scrubbed.charAt(end))) {
      const quote = scrubbed.slice(end).search(/["']/);
      scrubbed = scrubbed.slice(0, end) + (quote < 0 ? '' : scrubbed.slice(end + quote));
    }
    at = scrubbed.indexOf(FILTERED, end);
  }
  return scrubbed;
}

const countOf = (text: string, part: string): number => text.split(part).length - 1;

/**
 * The first malformed entry of a `scrub` option, as one sentence naming it, or undefined. Bad
 * entries are left out and the built-in rules still apply (see {@link compileScrub}).
 */
export function scrubOptionsProblem(options: unknown): string | undefined {
  if (options === undefined) return;
  if (typeof options !== 'object' || !options) return 'option "scrub" must be an object';
  const { denyKeys, allowKeys, valuePatterns } = options as Record<string, unknown>;
  const list = (name: string, value: unknown, ok: (entry: any) => boolean, each: string, all: string) => {
    if (value === undefined) return;
    if (!Array.isArray(value)) return `option "scrub.${name}" must be an array of ${all}`;
    const bad = value.findIndex((entry) => !ok(entry));
    return bad < 0 ? undefined : `option "scrub.${name}[${bad}]" must be ${each}`;
  };
  return (
    list(
      'denyKeys',
      denyKeys,
      (e) => isString(e) || e instanceof RegExp,
      'a string or RegExp',
      'strings and RegExps',
    ) ??
    list('allowKeys', allowKeys, isString, 'a string', 'strings') ??
    list(
      'valuePatterns',
      valuePatterns,
      (e) => e?.pattern instanceof RegExp,
      'a { name, pattern: RegExp } object',
      '{ name, pattern: RegExp } objects',
    )
  );
}

/** Prepares scrub options; malformed entries are left out (reported at init by {@link scrubOptionsProblem}). */
export function compileScrub(options?: ScrubOptions): CompiledScrub {
  const o: any = options ?? {};
  const list = (value: unknown): any[] => (Array.isArray(value) ? value : []);
  const compiled: CompiledScrub = {
    pii: o.sendDefaultPii === true,
    deny: list(o.denyKeys)
      .map((entry) =>
        entry instanceof RegExp ? copyRegExp(entry, '') : isString(entry) && normalizeKey(entry),
      )
      .filter(Boolean) as CompiledScrub['deny'],
    allow: list(o.allowKeys).filter(isString).map(normalizeKey),
    patterns: list(o.valuePatterns)
      .filter((entry) => entry?.pattern instanceof RegExp)
      .map((entry) => [copyRegExp(entry.pattern, 'g'), FILTERED]),
    builtin: false,
  };
  compiled.builtin = !compiled.deny.length && !compiled.allow.length && !compiled.patterns.length;
  return compiled;
}
