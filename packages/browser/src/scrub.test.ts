import { describe, expect, it } from 'vitest';
import { NEAR_MISSES, SECRET_CASES } from '../../core/src/test-secrets.js';
import { FILTERED, isSensitiveKey, luhnValid, scrubText } from './scrub.js';

const PERSONAL = ['email', 'ipv4', 'ipv6'];

describe('scrubText: the shared corpus of secrets and near misses', () => {
  it.each(SECRET_CASES)('removes $name', ({ text, secret }) => {
    const out = scrubText(text);
    expect(out).not.toContain(secret);
    expect(out).toMatch(/\[Filtered\]|\[email\]|\[ip\]/);
  });

  it.each(SECRET_CASES.filter((c) => !PERSONAL.includes(c.name)))(
    'removes $name even with sendDefaultPii',
    ({ text, secret }) => {
      expect(scrubText(text, { sendDefaultPii: true })).not.toContain(secret);
    },
  );

  it.each(NEAR_MISSES)('keeps %j', (text) => {
    expect(scrubText(text)).toBe(text);
  });

  it('is idempotent', () => {
    for (const { text } of SECRET_CASES) {
      const once = scrubText(text);
      expect(scrubText(once)).toBe(once);
    }
  });
});

describe('scrubText', () => {
  it('only touches the secret, leaving the text around it', () => {
    expect(scrubText('paid with 4111 1111 1111 1111 today')).toBe(`paid with ${FILTERED} today`);
    expect(scrubText('connect postgres://admin:pw1@db:5432/app')).toBe(
      `connect postgres://admin:${FILTERED}@db:5432/app`,
    );
    expect(scrubText('{"password":"x1","user":"bob"}')).toBe(`{"password":"${FILTERED}","user":"bob"}`);
    expect(scrubText('Authorization: Bearer abc.DEF.123')).toBe(`Authorization: ${FILTERED}`);
    expect(scrubText('mail jane@example.com from 10.1.2.3')).toBe('mail [email] from [ip]');
  });

  it('keeps e-mail and IP addresses with sendDefaultPii', () => {
    const text = 'mail jane@example.com from 10.1.2.3 and fe80::1ff:fe23:4567:890a';
    expect(scrubText(text, { sendDefaultPii: true })).toBe(text);
  });

  it('filters secret URL parameters, also inside the value of an ordinary one', () => {
    expect(scrubText('https://x.io/cb?code=abc&page=2#access_token=xyz&state=1')).toBe(
      `https://x.io/cb?code=${FILTERED}&page=2#access_token=${FILTERED}&state=${FILTERED}`,
    );
    expect(scrubText('next=/login?token=abc123')).toBe(`next=/login?token=${FILTERED}`);
    expect(scrubText('next=token=abc123')).toBe(`next=token=${FILTERED}`);
    // Outside a URL, `code` and `key` are ordinary words.
    expect(scrubText('code=42 key=name')).toBe('code=42 key=name');
  });

  it('filters escaped and single-quoted values whole', () => {
    expect(scrubText('{\\"password\\":\\"a b\\"}')).toBe(`{\\"password\\":\\"${FILTERED}\\"}`);
    expect(scrubText('secret=\'it is "x"\'')).toBe(`secret='${FILTERED}'`);
  });

  it('applies user value patterns', () => {
    const options = { valuePatterns: [{ name: 'ticket', pattern: /TCK-\d{6}/ }] };
    expect(scrubText('see TCK-123456 and TCK-654321', options)).toBe(`see ${FILTERED} and ${FILTERED}`);
  });

  it('card numbers must pass Luhn', () => {
    expect(luhnValid('4111 1111 1111 1111')).toBe(true);
    expect(luhnValid('4242424242424242')).toBe(true);
    expect(luhnValid('5105105105105101')).toBe(false);
    expect(luhnValid('4111111111111112')).toBe(false);
  });

  it('stays fast on 1 MB adversarial inputs', () => {
    const mb = 1 << 20;
    const inputs = [
      'a'.repeat(mb),
      'eyJaaaa.'.repeat(mb / 8),
      '4 '.repeat(mb / 2),
      '1.'.repeat(mb / 2),
      `${'a'.repeat(60)}@`.repeat(mb / 61),
      'ab12::'.repeat(mb / 6),
      'https://u:'.repeat(mb / 10),
      'password='.repeat(mb / 9),
      '"a":"'.repeat(mb / 5),
      'Bearer '.repeat(mb / 7),
      '-----BEGIN RSA PRIVATE KEY-----'.repeat(mb / 31),
      'sk_live_'.repeat(mb / 8),
      '?a=&'.repeat(mb / 4),
    ];
    for (const input of inputs) expect(typeof scrubText(input)).toBe('string');
  });
});

describe('isSensitiveKey', () => {
  const sensitive = [
    'authorization',
    'Proxy-Authorization',
    'Set-Cookie',
    'user_password',
    'pwd',
    'client_secret',
    'clientSecret',
    'accessToken',
    'auth',
    'authKey',
    'apiKey',
    'X-API-KEY',
    'session',
    'PHPSESSID',
    'connect.sid',
    'x-csrf-token',
    'cardNumber',
    'cc',
    'cvv',
    'private_key',
    'dsn',
    'credentials',
    'signature',
  ];
  const ordinary = ['user', 'username', 'email', 'id', 'author', 'classname', 'message', 'code', 'url'];

  it.each(sensitive)('%s is sensitive', (key) => expect(isSensitiveKey(key)).toBe(true));
  it.each(ordinary)('%s is not', (key) => expect(isSensitiveKey(key)).toBe(false));

  it('adds URL parameter names in query strings', () => {
    expect(isSensitiveKey('code', {}, true)).toBe(true);
    expect(isSensitiveKey('state', {}, true)).toBe(true);
    expect(isSensitiveKey('page', {}, true)).toBe(false);
  });

  it('takes user deny and allow lists', () => {
    expect(isSensitiveKey('X-Tenant-Id', { denyKeys: ['tenant'] })).toBe(true);
    expect(isSensitiveKey('internal_ref', { denyKeys: [/^internal_/g] })).toBe(true);
    expect(isSensitiveKey('internal_ref', { denyKeys: [/^internal_/g] })).toBe(true);
    expect(isSensitiveKey('MaxTokens', { allowKeys: ['max_tokens'] })).toBe(false);
  });
});
