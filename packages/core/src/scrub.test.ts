import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileScrub,
  FILTERED,
  isSensitiveKey,
  scrubHeaders,
  scrubString,
  scrubStringWith,
  scrubUrl,
  scrubUrlWith,
  scrubValue,
} from './scrub.js';
import { luhnValid } from './scrub-patterns.js';
import { NEAR_MISSES, SECRET_CASES } from './test-secrets.js';

describe('scrubString: secrets by value', () => {
  it.each(SECRET_CASES)('removes $name', ({ text, secret }) => {
    const out = scrubString(text);
    expect(out).not.toContain(secret);
    expect(out).toMatch(/\[Filtered\]|\[email\]|\[ip\]/);
  });

  it.each(SECRET_CASES.filter((c) => !['email', 'ipv4', 'ipv6'].includes(c.name)))(
    'removes $name even with sendDefaultPii',
    ({ text, secret }) => {
      expect(scrubString(text, { sendDefaultPii: true })).not.toContain(secret);
    },
  );

  it.each(NEAR_MISSES)('keeps %j', (text) => {
    expect(scrubString(text)).toBe(text);
  });

  it('only touches the secret, leaving the text around it', () => {
    expect(scrubString('paid with 4111 1111 1111 1111 today')).toBe(`paid with ${FILTERED} today`);
    expect(scrubString('connect postgres://admin:pw1@db:5432/app')).toBe(
      `connect postgres://admin:${FILTERED}@db:5432/app`,
    );
    expect(scrubString('https://user:pass@host/x')).toBe(`https://user:${FILTERED}@host/x`);
    expect(scrubString('{"password":"x1","user":"bob"}')).toBe(`{"password":"${FILTERED}","user":"bob"}`);
    expect(scrubString('Authorization: Bearer abc.DEF.123')).toBe(`Authorization: ${FILTERED}`);
    expect(scrubString('mail jane@example.com from 10.1.2.3')).toBe('mail [email] from [ip]');
  });

  it('keeps e-mail and IP addresses with sendDefaultPii', () => {
    const text = 'mail jane@example.com from 10.1.2.3 and fe80::1ff:fe23:4567:890a';
    expect(scrubString(text, { sendDefaultPii: true })).toBe(text);
  });

  it('test card numbers pass Luhn and the near-miss order ids do not', () => {
    expect(luhnValid('4111 1111 1111 1111')).toBe(true);
    expect(luhnValid('4242424242424242')).toBe(true);
    expect(luhnValid('5105105105105101')).toBe(false);
    expect(luhnValid('4111111111111112')).toBe(false);
  });

  it('is idempotent', () => {
    for (const { text } of SECRET_CASES) {
      const once = scrubString(text);
      expect(scrubString(once)).toBe(once);
    }
  });

  it('applies user value patterns', () => {
    const options = { valuePatterns: [{ name: 'ticket', pattern: /TCK-\d{6}/ }] };
    expect(scrubString('see TCK-123456 and TCK-654321', options)).toBe(`see ${FILTERED} and ${FILTERED}`);
  });

  it('in code mode only filters quoted literals, so source lines stay readable', () => {
    const compiled = compileScrub();
    expect(scrubStringWith('  const token = getToken(req);', compiled, 'code')).toBe(
      '  const token = getToken(req);',
    );
    expect(scrubStringWith('  const password = "hunter2";', compiled, 'code')).toBe(
      `  const password = "${FILTERED}";`,
    );
    expect(scrubStringWith(`  key: '${'AKIA'}IOSFODNN7EXAMPLE',`, compiled, 'code')).not.toContain(
      'IOSFODNN7',
    );
  });

  // How long these take is measured by the benchmarks; here each must be scrubbed by the scrubber
  // itself (the uncaught form: an internal error or a stack overflow fails the test instead of
  // becoming the "[Filtered]" fallback), and text with no secret must come back unchanged.
  it('scrubs 1 MB adversarial inputs without failing, keeping plain text', () => {
    const mb = 1 << 20;
    const inputs = [
      'a'.repeat(mb),
      'eyJ'.repeat(mb / 3),
      'eyJaaaa.'.repeat(mb / 8),
      '4'.repeat(mb),
      '4 '.repeat(mb / 2),
      '1.'.repeat(mb / 2),
      'a@'.repeat(mb / 2),
      `${'a'.repeat(60)}@`.repeat(mb / 61),
      `a@${'b.'.repeat(100)}`.repeat(mb / 202),
      ':'.repeat(mb),
      'a:'.repeat(mb / 2),
      'ab12::'.repeat(mb / 6),
      'https://'.repeat(mb / 8),
      'https://u:'.repeat(mb / 10),
      'password='.repeat(mb / 9),
      'a=b='.repeat(mb / 4),
      '"a":"'.repeat(mb / 5),
      'token: '.repeat(mb / 7),
      'Bearer '.repeat(mb / 7),
      `Bearer ${'x'.repeat(5000)} `.repeat(mb / 5008),
      '-----BEGIN RSA PRIVATE KEY-----'.repeat(mb / 31),
      '-----BEGIN'.repeat(mb / 10),
      'AKIA'.repeat(mb / 4),
      'sk_live_'.repeat(mb / 8),
      'xoxb-'.repeat(mb / 5),
      '?a=&'.repeat(mb / 4),
    ];
    const compiled = compileScrub();
    for (const input of inputs) {
      const out = scrubStringWith(input, compiled);
      expect(out.length).toBeGreaterThan(0);
      expect(out.length).toBeLessThanOrEqual(input.length + FILTERED.length);
    }
    for (const plain of ['a'.repeat(mb), ':'.repeat(mb), 'a:'.repeat(mb / 2), '-----BEGIN'.repeat(mb / 10)]) {
      expect(scrubStringWith(plain, compiled) === plain).toBe(true);
    }
    const url = `https://x.io/?${'a=b&'.repeat(mb / 4)}`;
    expect(scrubUrlWith(url, compiled) === url).toBe(true);
  });
});

describe('isSensitiveKey', () => {
  const sensitive = [
    'authorization',
    'Proxy-Authorization',
    'cookie',
    'Set-Cookie',
    'password',
    'PASSWORD',
    'user_password',
    'passwd',
    'pwd',
    'mysql_pwd',
    'secret',
    'client_secret',
    'clientSecret',
    'token',
    'access_token',
    'accessToken',
    'refresh-token',
    'id_token',
    'auth',
    'x-auth',
    'authKey',
    'api_key',
    'apikey',
    'apiKey',
    'x-api-key',
    'X-API-KEY',
    'session',
    'sessionid',
    'session_id',
    'PHPSESSID',
    'JSESSIONID',
    'connect.sid',
    'csrf',
    'x-csrf-token',
    'xsrf-token',
    'card number',
    'cardNumber',
    'card_number',
    'cc',
    'cvv',
    'cvc',
    'ssn',
    'private_key',
    'privateKey',
    'dsn',
    'credentials',
    'aws_secret_access_key',
    'x-amz-security-token',
    'signature',
    'jwt',
  ];
  const ordinary = [
    'user',
    'username',
    'email',
    'id',
    'author',
    'classname',
    'message',
    'code',
    'status',
    'url',
  ];

  it.each(sensitive)('%s is sensitive', (key) => expect(isSensitiveKey(key)).toBe(true));
  it.each(ordinary)('%s is not', (key) => expect(isSensitiveKey(key)).toBe(false));

  it('takes user deny and allow lists', () => {
    expect(isSensitiveKey('X-Tenant-Id', { denyKeys: ['tenant'] })).toBe(true);
    expect(isSensitiveKey('internal_ref', { denyKeys: [/^internal_/g] })).toBe(true);
    expect(isSensitiveKey('internal_ref', { denyKeys: [/^internal_/g] })).toBe(true);
    expect(isSensitiveKey('max_tokens', { allowKeys: ['max-tokens'] })).toBe(false);
    expect(isSensitiveKey('MaxTokens', { allowKeys: ['max_tokens'] })).toBe(false);
  });
});

describe('scrubUrl', () => {
  it('filters the password in userinfo and secret query and fragment parameters', () => {
    expect(scrubUrl('https://user:pass@host/path?token=abc&page=2#access_token=xyz&state=1')).toBe(
      `https://user:${FILTERED}@host/path?token=${FILTERED}&page=2#access_token=${FILTERED}&state=${FILTERED}`,
    );
  });

  it('decodes parameters before judging them', () => {
    const out = scrubUrl('https://x.io/cb?next=https%3A%2F%2Fu%3Asecretpw%40h.io%2F&access%5Ftoken=zz9');
    expect(out).not.toContain('secretpw');
    expect(out).not.toContain('zz9');
  });

  it('leaves ordinary URLs alone', () => {
    for (const url of [
      'https://example.com/a/b?page=2&sort=-name',
      'http://127.0.0.1:3000/users/42',
      '/x?q=a+b',
    ]) {
      expect(scrubUrl(url)).toBe(url);
    }
  });
});

describe('scrubValue', () => {
  it('filters values under sensitive keys at any depth and scrubs strings', () => {
    const out = scrubValue({
      user: { name: 'bob', password: 'hunter2', nested: [{ apiKey: 'k', ok: 'fine' }] },
      note: 'card 4111111111111111',
      amount: 4111111111111111,
      headers: { Authorization: 'Basic abc' },
      token: null,
      hasPassword: true,
    });
    expect(out).toEqual({
      user: { name: 'bob', password: FILTERED, nested: [{ apiKey: FILTERED, ok: 'fine' }] },
      note: `card ${FILTERED}`,
      amount: FILTERED,
      headers: { Authorization: FILTERED },
      token: null,
      hasPassword: true,
    });
  });

  it('filters a whole object under a sensitive key', () => {
    expect(scrubValue({ credentials: { user: 'a', pass: 'b' } })).toEqual({ credentials: FILTERED });
  });

  it('scrubs keys that are themselves secrets and never lets __proto__ change a prototype', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "AKIAIOSFODNN7EXAMPLE": 1}');
    const out = scrubValue(input) as Record<string, unknown>;
    expect(JSON.stringify(out)).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('survives cycles and never throws', () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = a;
    expect(() => scrubValue(a)).not.toThrow();
  });
});

describe('scrubHeaders', () => {
  it('filters credentials and cookies, flattens arrays, drops undefined', () => {
    expect(
      scrubHeaders({
        authorization: 'Bearer abc123',
        'Proxy-Authorization': 'Basic Zm9vOmJhcg==',
        cookie: 'sid=1',
        'set-cookie': ['a=1', 'b=2'],
        'x-api-key': 'k',
        accept: ['text/html', 'application/json'],
        'user-agent': 'curl/8.0',
        'x-forwarded-for': '203.0.113.9',
        'x-missing': undefined,
      }),
    ).toEqual({
      authorization: FILTERED,
      'Proxy-Authorization': FILTERED,
      cookie: FILTERED,
      'set-cookie': FILTERED,
      'x-api-key': FILTERED,
      accept: 'text/html, application/json',
      'user-agent': 'curl/8.0',
      'x-forwarded-for': '[ip]',
    });
  });
});

describe('scrub properties', () => {
  const secretText = fc.constantFrom(...SECRET_CASES.filter((c) => c.name !== 'json password'));
  const filler = fc.string({ maxLength: 40 }).map((s) => s.replace(/[^a-z ]/g, ' '));

  it('no planted secret survives inside arbitrary prose', () => {
    fc.assert(
      fc.property(filler, secretText, filler, (before, { text, secret }, after) => {
        const out = scrubString(`${before} ${text} ${after}`);
        expect(out).not.toContain(secret);
      }),
      { numRuns: 2000 },
    );
  });

  it('scrubs any input itself, never through the "[Filtered]" fallback of an internal error', () => {
    const compiled = compileScrub();
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        // The uncaught forms throw where the public functions would fall back.
        expect(scrubString(text)).toBe(scrubStringWith(text, compiled));
        expect(scrubUrl(text)).toBe(scrubUrlWith(text, compiled));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('repeated strings', () => {
  it('give the same result the second time, for every secret and near miss', () => {
    const texts = [...SECRET_CASES.map((c) => c.text), ...NEAR_MISSES];
    for (const mode of ['text', 'code'] as const) {
      for (const pii of [false, true]) {
        const compiled = compileScrub({ sendDefaultPii: pii });
        const first = texts.map((t) => scrubStringWith(t, compiled, mode));
        expect(texts.map((t) => scrubStringWith(t, compiled, mode))).toEqual(first);
      }
    }
  });

  it('never carry one setting’s result over to another', () => {
    const email = 'contact ada@example.com now';
    expect(scrubString(email)).not.toContain('ada@example.com');
    expect(scrubString(email, { sendDefaultPii: true })).toContain('ada@example.com');
    expect(scrubString(email)).not.toContain('ada@example.com');

    const pair = 'tenant=acme-eu-7';
    expect(scrubString(pair)).toBe(pair);
    expect(scrubString(pair, { denyKeys: ['tenant'] })).toBe(`tenant=${FILTERED}`);
    expect(scrubString(pair, { valuePatterns: [{ name: 'acme', pattern: /acme-\w+-\d/ }] })).toBe(
      `tenant=${FILTERED}`,
    );
    expect(scrubString('password=hunter2', { allowKeys: ['password'] })).toBe('password=hunter2');
    expect(scrubString('password=hunter2')).toBe(`password=${FILTERED}`);
    expect(scrubString(pair)).toBe(pair);
  });

  it('stay correct after thousands of distinct strings pass through', () => {
    const compiled = compileScrub();
    const secret = 'Authorization: Bearer mF_9.B5f-4.1JqM';
    expect(scrubStringWith(secret, compiled)).not.toContain('mF_9.B5f-4.1JqM');
    for (let i = 0; i < 5000; i++) scrubStringWith(`plain message number ${i}`, compiled);
    expect(scrubStringWith(secret, compiled)).not.toContain('mF_9.B5f-4.1JqM');
    expect(scrubStringWith('plain message number 7', compiled)).toBe('plain message number 7');
  });
});
