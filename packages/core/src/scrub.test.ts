import { Console } from 'node:console';
import { createHash, createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileScrub,
  FILTERED,
  isSensitiveKey,
  isSensitiveKeyWith,
  scrubHeaders,
  scrubString,
  scrubStringWith,
  scrubUrl,
  scrubUrlWith,
  scrubValue,
} from './scrub.js';
import { luhnValid, scrubOptionsProblem } from './scrub-patterns.js';
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

  // Personal data and secrets of this kind in text, each case with what it becomes.
  it.each([
    // The user name in a path to a file under a home directory; a page's route and an account
    // that names no one stay.
    ['at main (/home/jdoe/api/src/server.js:10:5)', 'at main (/home/[user]/api/src/server.js:10:5)'],
    [
      "ENOENT: no such file or directory, open '/Users/jane.doe/app/config.json'",
      "ENOENT: no such file or directory, open '/Users/[user]/app/config.json'",
    ],
    [
      'at f (C:\\Users\\jdoe\\app\\index.js:1:1) {"p":"C:\\\\Users\\\\jdoe\\\\a.js"}',
      'at f (C:\\Users\\[user]\\app\\index.js:1:1) {"p":"C:\\\\Users\\\\[user]\\\\a.js"}',
    ],
    ['file:///C:/Users/jdoe/app/main.mjs:3:9', 'file:///C:/Users/[user]/app/main.mjs:3:9'],
    [
      'at x (/home/node/app/server.js:1:1) from /home/settings to /home/profile, cd /home/jdoe',
      'at x (/home/node/app/server.js:1:1) from /home/settings to /home/profile, cd /home/jdoe',
    ],
    [
      '/var/www/home/jdoe/x.php https://example.com/Users/jdoe/photo.jpg',
      '/var/www/home/jdoe/x.php https://example.com/Users/jdoe/photo.jpg',
    ],
    // A position's long beside its lat, a street address under addr, an e-mail escaped for
    // HTML, a phone after the 00 prefix.
    [
      'GET /stores?lat=37.7749&long=-122.4194 and /geo?addr=742+Evergreen+Terrace',
      `GET /stores?lat=${FILTERED}&long=${FILTERED} and /geo?addr=${FILTERED}`,
    ],
    ['Contact maria.lopez&#64;example.com or 0044 20 7946 0018', 'Contact [email] or [phone]'],
    [
      '{ long: true } id 0012 3456, пароль должен содержать 8 символов, ABCDE-FGHIJ-KLMNO-PQRST-UVWXY',
      '{ long: true } id 0012 3456, пароль должен содержать 8 символов, ABCDE-FGHIJ-KLMNO-PQRST-UVWXY',
    ],
    // Identity numbers after their name (with or without sendDefaultPii); phones as written in
    // their country; ids and versions stay.
    [
      'Social Security No. 219 09 9999; NINO JG103759A; NI AB 12 34 56 C',
      `Social Security No. ${FILTERED}; NINO ${FILTERED}; NI ${FILTERED}`,
    ],
    [
      'call 415.555.2897, 07700 900123, 06 12 34 56 78, 0151 23456789, 090-1234-5678 or 0412 345 678',
      'call [phone], [phone], [phone], [phone], [phone] or [phone]',
    ],
    [
      'order 0412345678, version 1.415.555.2897.1, took 0.755 s, ticket KN123456A',
      'order 0412345678, version 1.415.555.2897.1, took 0.755 s, ticket KN123456A',
    ],
    // A mailbox's name before its address; a street address in text; numbers and keys of data stay.
    [
      '550 5.1.1 "Ingrid Halvorsen" <ingrid.h@example.no>: rejected; author: Rafael Ortega <r@acme.io>',
      `550 5.1.1 "${FILTERED}" <[email]>: rejected; author: ${FILTERED} <[email]>`,
    ],
    [
      'Deliver to 742 Evergreen Terrace, Springfield, IL 62704 today; also 221B Baker Street',
      `Deliver to ${FILTERED} today; also ${FILTERED}`,
    ],
    [
      "Duplicate entry '42' for key 'orders.PRIMARY'; Processed 3 Items; Map<String, Object>",
      "Duplicate entry '42' for key 'orders.PRIMARY'; Processed 3 Items; Map<String, Object>",
    ],
    [
      'Failing row contains (7, null, 3.5, t, 2024-01-15).',
      'Failing row contains (7, null, 3.5, t, 2024-01-15).',
    ],
    // Escaped text keeps its escapes where something was filtered, and stays as it is otherwise.
    [
      'window.cfg = {&quot;apiKey&quot;:&quot;Kq7Vx2Zm9Lt4Wp8Rn3Hc&quot;}',
      `window.cfg = {&quot;apiKey&quot;:&quot;${FILTERED}&quot;}`,
    ],
    [
      'Tom &amp; Jerry &lt;b&gt;bold&lt;/b&gt; &quot;hi&quot; x \\u003d 1',
      'Tom &amp; Jerry &lt;b&gt;bold&lt;/b&gt; &quot;hi&quot; x \\u003d 1',
    ],
  ])('%j becomes %j', (text, out) => {
    expect(scrubString(text)).toBe(out);
  });

  it.each([
    'at main (/home/jdoe/api/server.js:1:1)',
    'author: Rafael Ortega <r@acme.io>, 742 Evergreen Terrace',
    'call 415.555.2897 or 07700 900123',
  ])('keeps personal data in %j with sendDefaultPii', (text) => {
    expect(scrubString(text, { sendDefaultPii: true })).toBe(text);
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
    // Phone numbers in international form, unless sendDefaultPii; not a date or a time zone.
    expect(scrubString('call +1 555 123 4567 or +44 20 7946 0018 (+1 (415) 555-2897)')).toBe(
      'call [phone] or [phone] ([phone])',
    );
    expect(scrubString('call +1 555 123 4567', { sendDefaultPii: true })).toBe('call +1 555 123 4567');
    // North American numbers as written there; a phone key's value with its digit groups.
    expect(scrubString('SMS to (415) 555-2897 failed; phone: 07700 900123, plan: pro')).toBe(
      `SMS to [phone] failed; phone: ${FILTERED}, plan: pro`,
    );
    expect(scrubString('call (415) 555-2897', { sendDefaultPii: true })).toBe('call (415) 555-2897');
    expect(scrubString('Calling customer at 415-555-2897 (or 1-415-555-2897)')).toBe(
      'Calling customer at [phone] (or [phone])',
    );
    // Not a part of an id, a year, or a number whose exchange starts with 1.
    expect(scrubString('order ORD-415-555-2897, 2024-555-1234, 415-155-2897')).toBe(
      'order ORD-415-555-2897, 2024-555-1234, 415-155-2897',
    );
    // A person's name beside their e-mail or phone, as data prints it.
    expect(scrubString("customer { name: 'Ada Lovelace', email: 'ada@example.org', plan: 'pro' }")).toBe(
      `customer { name: '${FILTERED}', email: '[email]', plan: 'pro' }`,
    );
    expect(scrubString('{"email":"ada@example.org","name":"Ada Lovelace"}')).toBe(
      `{"email":"[email]","name":"${FILTERED}"}`,
    );
    expect(scrubString('GET /customers?name=Ada+Lovelace&phone=%2B14155552897')).toBe(
      `GET /customers?name=${FILTERED}&phone=${FILTERED}`,
    );
    expect(scrubString("product { name: 'Widget', sku: 'W-1' }")).toBe(
      "product { name: 'Widget', sku: 'W-1' }",
    );
    expect(scrubString("{ name: 'Ada Lovelace', email: 'ada@example.org' }", { sendDefaultPii: true })).toBe(
      "{ name: 'Ada Lovelace', email: 'ada@example.org' }",
    );
    expect(scrubString('faxNumber: 020 7946 0018 sent')).toBe(`faxNumber: ${FILTERED} sent`);
    expect(scrubString('HTTP (500) 555-1234x, f(123) 456-7890')).toBe(
      'HTTP (500) 555-1234x, f(123) 456-7890',
    );
    expect(scrubString('released +2024-12-06 at 10:00 +0530, 1e+10')).toBe(
      'released +2024-12-06 at 10:00 +0530, 1e+10',
    );
  });

  it('filters a URL password up to the last @ of the authority, also percent-encoded', () => {
    expect(scrubString('postgres://app:p%40ss%23w0rd@db:5432/shop')).toBe(
      `postgres://app:${FILTERED}@db:5432/shop`,
    );
    expect(scrubString('redis://default:p@ss@cache:6379/0 for bob@example.org')).toBe(
      `redis://default:${FILTERED}@cache:6379/0 for [email]`,
    );
    expect(scrubString('https://u:pw@registry.example/@org/pkg@1.0.0')).toBe(
      `https://u:${FILTERED}@registry.example/@org/pkg@1.0.0`,
    );
    expect(scrubString('http://host:3000/@scope/pkg@1.2.3')).toBe('http://host:3000/@scope/pkg@1.2.3');
    const mb = 1 << 20;
    for (const text of [
      'https://u:@'.repeat(mb / 11),
      `https://u:${'@a'.repeat(mb / 2)}`,
      `a://u:@${'a'.repeat(mb)}`,
    ])
      expect(typeof scrubString(text)).toBe('string');
  });

  it('filters the value of a multipart form field with a sensitive name, and only it', () => {
    const part = (name: string, value: string) =>
      `--b\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    expect(
      scrubString(`${part('user', 'ada')}${part('password', 'two words')}${part('note', 'hi')}--b--`),
    ).toBe(`${part('user', 'ada')}${part('password', FILTERED)}${part('note', 'hi')}--b--`);
    const mb = 1 << 20;
    for (const text of ['name="password"\n\n'.repeat(mb / 18), `name="password"\n\n${'a'.repeat(mb)}`])
      expect(typeof scrubString(text)).toBe('string');
  });

  it('masks e-mail addresses with accented letters, and keeps the words around them', () => {
    // `Ung\u00fcltige E-Mail: j\u00fcrgen.m\u00fcller@b\u00e4ckerei-m\u00fcller.de`, `jos\u00e9@example.com`
    expect(scrubString('Ung\u00fcltige E-Mail: j\u00fcrgen.m\u00fcller@b\u00e4ckerei-m\u00fcller.de')).toBe(
      'Ung\u00fcltige E-Mail: [email]',
    );
    expect(scrubString('Fran\u00e7ois wrote to jos\u00e9@example.com')).toBe(
      'Fran\u00e7ois wrote to [email]',
    );
    expect(scrubString('caf\u00e9@home is not an address')).toBe('caf\u00e9@home is not an address');
  });

  it('masks an e-mail address escaped for a CSS selector (CSS.escape), as a browser error quotes it', () => {
    expect(
      scrubString(
        String.raw`Failed to execute 'querySelector' on 'Document': '#row-ada\@example\.org' is not a valid selector.`,
      ),
    ).toBe(`Failed to execute 'querySelector' on 'Document': '#[email]' is not a valid selector.`);
    expect(scrubString(String.raw`a\.b and path\@x`)).toBe(String.raw`a\.b and path\@x`);
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

  it('judges bytes written out in hex or decimal by the text they decode to', () => {
    // As Node prints a Buffer, in a log line or a message.
    const body = inspect(Buffer.from('grant_type=password&username=jane&password=hunter2-Rx9'));
    expect(body).toMatch(/^<Buffer 67 72 61 6e/);
    const logged = scrubString(`upstream rejected ${body}`);
    expect(logged).toMatch(/^upstream rejected <Buffer \[Filtered\] \.\.\. \d+ more bytes>$/);
    // S3 answers a bad signature with the request it signed, in hex too: with its session token.
    const token = 'IQoJb3JpZ2luX2VjEHoaCXVzLWVhc3QtMSJHMEUCIQDf8Yq1kJx2b9P0aZ4tT2Jq3nJ0h7oX3x9vQ3aL5yZk';
    const signed = `GET\n/reports/q3.csv\n\nhost:s3.amazonaws.com\nx-amz-date:20261207T093000Z\nx-amz-security-token:${token}\n\nhost;x-amz-date;x-amz-security-token\nUNSIGNED-PAYLOAD`;
    const bytes = Buffer.from(signed)
      .toString('hex')
      .replace(/..(?!$)/g, '$& ');
    const xml = `<Error><Code>SignatureDoesNotMatch</Code><StringToSignBytes>41 57 53 34 2d 48 4d 41 43 2d 53 48 41 32 35 36 0a</StringToSignBytes><CanonicalRequestBytes>${bytes}</CanonicalRequestBytes><RequestId>4442587FB7D0A2F9</RequestId></Error>`;
    expect(scrubString(xml)).toBe(
      `<Error><Code>SignatureDoesNotMatch</Code><StringToSignBytes>41 57 53 34 2d 48 4d 41 43 2d 53 48 41 32 35 36 0a</StringToSignBytes><CanonicalRequestBytes>${FILTERED}</CanonicalRequestBytes><RequestId>4442587FB7D0A2F9</RequestId></Error>`,
    );
    // The AWS SDK puts the same on the error it throws.
    const error = scrubValue({ Code: 'SignatureDoesNotMatch', CanonicalRequestBytes: bytes }) as Record<
      string,
      unknown
    >;
    expect(error).toEqual({ Code: 'SignatureDoesNotMatch', CanonicalRequestBytes: FILTERED });
    // A short Buffer, printed whole.
    const short = inspect(Buffer.from('pw=Rx9-h2'));
    expect(short).toBe('<Buffer 70 77 3d 52 78 39 2d 68 32>');
    expect(scrubString(`login ${short}`)).toBe(`login <Buffer ${FILTERED}>`);
    // In decimal: a Buffer inside what an app logs with JSON.stringify, and a Uint8Array as Node prints it.
    const json = JSON.stringify({ body: Buffer.from('user=jane&password=hunter2-Rx9') });
    expect(json).toMatch(/^\{"body":\{"type":"Buffer","data":\[117,115,101,114,/);
    expect(scrubString(`sent ${json}`)).toBe(`sent {"body":{"type":"Buffer","data":[${FILTERED}]}}`);
    expect(scrubString(JSON.stringify({ line: `sent ${json}` }))).not.toMatch(/117,115/);
    const typed = inspect({ raw: new Uint8Array(Buffer.from('password=hunter2-Rx9vQ')) });
    expect(typed).toMatch(/raw: Uint8Array\(22\) \[\n\s+112,/);
    expect(scrubString(typed)).toBe(`{\n  raw: Uint8Array(22) [${FILTERED}\n  ]\n}`);
  });

  it("removes a webhook's signature: as its verifier quotes it, and every one of a signature header", () => {
    const payload = '{"id":"evt_1","type":"invoice.paid"}';
    const hmac = (algorithm: string, encoding: 'hex' | 'base64') =>
      createHmac(algorithm, 'whsec_endpoint_secret').update(payload).digest(encoding);
    const sha256 = hmac('sha256', 'hex');
    const sha1 = hmac('sha1', 'hex');
    const base64 = hmac('sha256', 'base64');
    const cases = [
      [
        `Webhook signature mismatch: expected sha256=${sha256}, got sha256=00ff`,
        'Webhook signature mismatch: expected sha256=[Filtered], got sha256=00ff',
      ],
      [
        `Invalid signature. Expected: ${sha1} Received: deadbeef`,
        'Invalid signature. Expected: [Filtered] Received: deadbeef',
      ],
      [`HMAC mismatch (computed ${base64})`, 'HMAC mismatch (computed [Filtered])'],
      [`Stripe-Signature: t=1492774577,v1=${sha256},v0=${sha256}`, 'Stripe-Signature: [Filtered]'],
      [`webhook-signature: v1,${base64} v1,${base64}`, 'webhook-signature: [Filtered]'],
      [`X-Shopify-Hmac-Sha256: ${base64}`, 'X-Shopify-Hmac-Sha256: [Filtered]'],
      [`slack: v0=${sha256} != v0=${'0'.repeat(64)}`, 'slack: v0=[Filtered] != v0=[Filtered]'],
    ];
    for (const [text, expected] of cases) expect(scrubString(text as string)).toBe(expected);
  });

  it('keeps digests in text that speaks of no signature', () => {
    const commit = createHash('sha1').update('commit').digest('hex');
    const image = createHash('sha256').update('layer').digest('hex');
    for (const text of [`deployed commit ${commit} to production`, `pulled image sha256:${image}`])
      expect(scrubString(text)).toBe(text);
  });

  it('keeps bytes that are not text, or are text without a secret', () => {
    const digest = createHash('sha256').update('report').digest('hex');
    const dump = inspect(createHash('sha512').update('report').digest());
    const plain = inspect(Buffer.from('GET /health HTTP/1.1 from the load balancer'));
    const magic = inspect(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const short = inspect(Buffer.from('ok'));
    const pixels = inspect(new Uint8Array([0, 0, 0, 255, 12, 200, 31, 255]));
    const binary = JSON.stringify(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const word = JSON.stringify(Buffer.from('hello world'));
    for (const text of [
      `checksum ${digest}`,
      `read ${dump}`,
      `sent ${plain}`,
      `not an image: ${magic}`,
      `got ${short}`,
      `pixels ${pixels}`,
      `png ${binary}`,
      `said ${word}`,
    ])
      expect(scrubString(text)).toBe(text);
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
  it('scrubs 1 MB adversarial inputs without failing, keeping plain text', { timeout: 120_000 }, () => {
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
      '/token/'.repeat(mb / 7),
      `/reset/${'a1'.repeat(600)}.`.repeat(mb / 1208),
      `/${'a'.repeat(40)}`.repeat(mb / 41),
      `eyJ${'a'.repeat(5000)}.`.repeat(mb / 5004),
      'Cookie: '.repeat(mb / 8),
      `Cookie: ${'a=b; '.repeat(300)}\n`.repeat(mb / 1509),
      "'a' => ".repeat(mb / 7),
      'invalid token '.repeat(mb / 14),
      `token ${'a1'.repeat(600)} `.repeat(mb / 1207),
      `https://${'a1'.repeat(100)}`.repeat(mb / 208),
      '1234567890123456:A'.repeat(mb / 18),
      'a[]['.repeat(mb / 4),
      'mysql -p'.repeat(mb / 8),
      '-'.repeat(mb),
      ' --'.repeat(mb / 3),
      `mysql ${' '.repeat(600)}`.repeat(mb / 606),
      ' -u a:'.repeat(mb / 6),
      '?t[token]=&'.repeat(mb / 11),
      `M${'a'.repeat(24)}.`.repeat(mb / 26),
      'aaa1Q~'.repeat(mb / 6),
      'password is '.repeat(mb / 12),
      `password was ${'a!'.repeat(200)} `.repeat(mb / 414),
      'password:\n  '.repeat(mb / 12),
      'password:\\n  '.repeat(mb / 13),
      `password: |\n  ${'a'.repeat(20)}\n`.repeat(mb / 35),
      `secret: |\n${'  a\n'.repeat(300)}`.repeat(mb / 1212),
      `a:\n${' '.repeat(2000)}`.repeat(mb / 2004),
      '\\n\\n  '.repeat(mb / 8),
      `"token":{${'a'.repeat(12)}`.repeat(mb / 21),
      `"token":[${'a'.repeat(12)}`.repeat(mb / 21),
      `"token":${'{"a":'.repeat(mb / 5)}`,
      'postgres://u:'.repeat(mb / 13),
      `https://u:${'#/'.repeat(200)}`.repeat(mb / 410),
      '4111.'.repeat(mb / 5),
      'de89 '.repeat(mb / 5),
      'de89'.repeat(mb / 4),
      'sshpass -p '.repeat(mb / 11),
      `redis-cli ${' -a'.repeat(300)}`.repeat(mb / 910),
      `"--token","${'a'.repeat(12)}",`.repeat(mb / 25),
      '23bc46b1-71f6-4ed5-8c54-816aa4f8c502:'.repeat(mb / 37),
      'tskey-auth-'.repeat(mb / 11),
      '<password>'.repeat(mb / 10),
      `<password>${'a'.repeat(2000)}`.repeat(mb / 2010),
      '<a>'.repeat(mb / 3),
      "identified by '".repeat(mb / 15),
      'docker login -p '.repeat(mb / 16),
      'key="ApiKey" '.repeat(mb / 13),
      'name="password" value '.repeat(mb / 22),
      'htpasswd -b '.repeat(mb / 12),
      'htpasswd a -bn a\n'.repeat(mb / 17),
      `htpasswd ${'-b 10 '.repeat(300)}`.repeat(mb / 1809),
      `htpasswd -b ${'a'.repeat(300)} `.repeat(mb / 313),
      'config set '.repeat(mb / 11),
      'git config '.repeat(mb / 11),
      `configure ${'-a '.repeat(300)}`.repeat(mb / 910),
      `config set ${'a/'.repeat(100)}`.repeat(mb / 211),
      `config set -a -b -c ${'/:'.repeat(70)}token\n`.repeat(mb / 167),
      'password for '.repeat(mb / 13),
      'password for a b '.repeat(mb / 17),
      `password for ${'a'.repeat(60)} is `.repeat(mb / 77),
      "SET PASSWORD FOR 'a'@'%' = PASSWORD(".repeat(mb / 36),
      `name: secret\n${' '.repeat(2000)}value: `.repeat(mb / 2021),
      'mysql -p 1'.repeat(mb / 10),
      `redis-cli ${' -p 1'.repeat(300)}`.repeat(mb / 1210),
      `ldapsearch ${'a'.repeat(600)}`.repeat(mb / 611),
      `htpasswd -b a b ${' '.repeat(100)}`.repeat(mb / 116),
      `sshpass -p "${'a'.repeat(300)}`.repeat(mb / 312),
      `sshpass -p \\"${'a'.repeat(300)}\\`.repeat(mb / 314),
      'htpasswd -b a, b c '.repeat(mb / 19),
      'gh secret set '.repeat(mb / 14),
      `gh secret set ${'-b'.repeat(300)}`.repeat(mb / 614),
      `fly secrets set ${'a=bbbbbbbbbb '.repeat(100)}`.repeat(mb / 1316),
      `secrets set ${'"a'.repeat(600)}`.repeat(mb / 1212),
      `secrets set "${'a'.repeat(2000)}`.repeat(mb / 2013),
      `user-secrets set ${'\\"aaaaaaaaaaaa '.repeat(100)}`.repeat(mb / 1517),
      'create secret --from-literal='.repeat(mb / 29),
      'curl -u '.repeat(mb / 8),
      `curl ${' '.repeat(600)}`.repeat(mb / 606),
      'http -a "'.repeat(mb / 9),
      ' -u "a:'.repeat(mb / 7),
      ' -u :'.repeat(mb / 5),
      ' -u 1:1'.repeat(mb / 7),
      ` -u ${'\\'.repeat(300)}`.repeat(mb / 304),
      ' -U a%'.repeat(mb / 6),
      '7z a -p'.repeat(mb / 7),
      'zip -P '.repeat(mb / 7),
      'ssh-keygen -N '.repeat(mb / 14),
      `ssh-keygen ${' -P a'.repeat(300)}`.repeat(mb / 1511),
      `ssh-keygen ${' -P \\"\\"'.repeat(100)} -N a`.repeat(mb / 817),
      'openssl -k '.repeat(mb / 11),
      'rabbitmqctl add_user a '.repeat(mb / 23),
      `rabbitmqctl add_user a${' '.repeat(600)}`.repeat(mb / 623),
      'net use \\\\a '.repeat(mb / 11),
      `net use \\\\a ${'/a '.repeat(300)}`.repeat(mb / 912),
      'sqlplus a/'.repeat(mb / 10),
      `sqlplus ${'a/'.repeat(300)}`.repeat(mb / 608),
      'mysqladmin password '.repeat(mb / 20),
      `mysqladmin ${' -pa'.repeat(200)} password a`.repeat(mb / 823),
      '-U a%ab'.repeat(mb / 7),
      'net user a '.repeat(mb / 11),
      `net user a${' '.repeat(600)}`.repeat(mb / 611),
      'smbclient -a b //a '.repeat(mb / 19),
      `smbclient ${' -a b'.repeat(300)} //a a`.repeat(mb / 1518),
      'curl -u a: '.repeat(mb / 11),
      'A'.repeat(mb),
      'sl.'.repeat(mb / 3),
      'pat.'.repeat(mb / 4),
      'y0_'.repeat(mb / 3),
      "'a', ".repeat(mb / 5),
      "['a-b',\n".repeat(mb / 7),
      `[${"'x-token', ".repeat(200)}`.repeat(mb / 2401),
      'curl -u "a:'.repeat(mb / 11),
      'a_b '.repeat(mb / 4),
      'key: "password", a: {'.repeat(mb / 21),
      `key: "password", ${'value: {'.repeat(mb / 8)}`,
      `{"key":"api_key","value":"x"},`.repeat(mb / 30),
      'a:b:c:reset:'.repeat(mb / 12),
      ` ${'a'.repeat(60)}:`.repeat(mb / 62),
      ` session-token-reset-auth:${'a1'.repeat(200)}.`.repeat(mb / 427),
      '/s/'.repeat(mb / 3),
      `/t/${'aB1'.repeat(400)}`.repeat(mb / 1203),
      '?t='.repeat(mb / 3),
      '?t=t=t='.repeat(mb / 7),
      `&s=${'a1'.repeat(600)}%`.repeat(mb / 1204),
      '; a='.repeat(mb / 4),
      `; a=${'b1'.repeat(600)}`.repeat(mb / 1204),
      `${'a=b='.repeat(mb / 4)}; a=b`,
      `a=${'b1C'.repeat(20)}; `.repeat(mb / 64),
      ' -u a -p '.repeat(mb / 9),
      ` -u a${' b'.repeat(300)}`.repeat(mb / 605),
      `'-u', 'a', `.repeat(mb / 11),
      `"-u","a",${'"b",'.repeat(300)}`.repeat(mb / 1209),
      ` -u a -p '${'a'.repeat(300)}`.repeat(mb / 310),
    ];
    const compiled = compileScrub();
    for (const input of inputs) {
      const out = scrubStringWith(input, compiled);
      expect(out.length).toBeGreaterThan(0);
      // A short password becomes the longer `[Filtered]` (`sshpass -p sshpass -p …`): the text may
      // grow, but never more than twice.
      expect(out.length).toBeLessThanOrEqual(2 * input.length);
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
    'auth-token',
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
    'cc_number',
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
    // Environment variables that name a key, whatever service it is for.
    'STRIPE_KEY',
    'SSH_KEY',
    'OPENAI_KEY',
    'MAPBOX_ACCESS_KEY',
    // The same names in the other styles apps write them in: a last word `key` names a credential.
    'stripeKey',
    'stripe_key',
    'stripe-key',
    'StripeKey',
    'mailgunKey',
    'sendgrid_key',
    'twilioKey',
    'googleMapsKey',
    'firebaseServerKey',
    'webhookKey',
    'sshKey',
    'pusher_keys',
    'S3SecretKey',
    'OpenAIKey',
    // A word that also names a secret of its own is no index: Azure's storage account key, a stream key.
    'AZURE_STORAGE_KEY',
    'streamKey',
    'CONFIG_KEY',
    // A one-time code under what it is for (prose has the same words: `verification code 846746`).
    'verificationCode',
    'sms_code',
    'oneTimeCode',
    'one-time-code',
    'emailCode',
    'securityCode',
    'twoFactorPin',
    'invite_code',
    // A social security number spelled out, as `ssn` is.
    'socialSecurityNumber',
    // A wallet's recovery words, a card's verification value spelled out, a signed assertion used
    // as a credential, raw key material.
    'recoveryPhrase',
    'backup_phrase',
    'walletSeed',
    'seedWords',
    'cardVerificationValue',
    'clientAssertion',
    'samlAssertion',
    'keyMaterial',
    // A password's short forms, a pre-shared key, an anti-forgery token's cookie, a SAML
    // response (a signed login, posted as a form field), a bank account and a social insurance
    // number spelled out.
    'pswd',
    'userPsw',
    'DB_PSW',
    'pword',
    'wifi_psk',
    '.AspNetCore.Antiforgery.x2Jf',
    'SAMLResponse',
    // Redis's password directives, LDAP servers' and clients' passwords, Composer's tokens,
    // SonarQube's token, Artifactory's API key header, Vault's unseal keys.
    'requirepass',
    'masterauth',
    'rootpw',
    'ldap_default_authtok',
    'github-oauth',
    'sonar.login',
    'X-JFrog-Art-Api',
    'unseal_keys_b64',
    // A passkey, and a captcha's one-time answer.
    'x-passkey',
    'g-recaptcha-response',
    'cf-turnstile-response',
    // Tailscale's auth key, LDAP's bind password, a private key's file name as an environment
    // variable, envelope encryption's keys, a card code misspelled, links that log in.
    'TS_AUTHKEY',
    'secureKey',
    'bindpw',
    'ID_RSA',
    'id_ed25519',
    'KEK',
    'ccv',
    'magicLink',
    'password_reset_link',
    'bankAccount',
    'socialInsuranceNumber',
  ];
  const ordinary = [
    'user',
    'username',
    // Short forms of a password only as words of their own.
    'tipsWritten',
    'email',
    'id',
    'author',
    'classname',
    'message',
    'code',
    'status',
    'url',
    // A kind of authentication, not a credential (`npm login --auth-type=legacy`).
    'auth-type',
    'authType',
    'auth_method',
    'authSource',
    // What a key indexes, or the public half of a pair: in capitals too.
    'CACHE_KEY',
    'SORT_KEY',
    'DYNAMO_PARTITION_KEY',
    'RECAPTCHA_SITE_KEY',
    'SSH_PUBLIC_KEY',
    'cacheKey',
    'sort_key',
    // The same, written as apps and libraries write them: what a key indexes or names.
    'primaryKey',
    'foreign_key',
    'PartitionKey',
    'RowKey',
    'LastEvaluatedKey',
    'ExclusiveStartKey',
    'MaxKeys',
    'ParameterKey',
    'OutputKey',
    'TagKeys',
    'objectKey',
    's3Key',
    'kekule',
    'S3Key',
    'redisKey',
    'idempotencyKey',
    'idempotency-key',
    'i18nKey',
    'translationKey',
    'userCacheKey',
    'queryKey',
    'rowKey',
    'selectedKeys',
    'defaultActiveKey',
    'versionKey',
    'discriminatorKey',
    'publicKey',
    'sshPublicKey',
    'publishableKey',
    'stripePublishableKey',
    'recaptchaSiteKey',
    'hotKey',
    'keyboardKey',
    'UnprocessedKeys',
    'refreshKey',
    // Codes that are data.
    'countryCode',
    'statusCode',
    'error_code',
    'promoCode',
    'zip_code',
    // A seed for a random generator (faker, a test run) is data.
    'seed',
    'randomSeed',
    // A bare key is data: React's, a Map entry's, an S3 object's, an AWS tag's.
    'key',
    'Key',
    'keys',
    // Not a key at the end.
    'keyId',
    'keyName',
    'keyLength',
    'monkey',
  ];

  it.each(sensitive)('%s is sensitive', (key) => expect(isSensitiveKey(key)).toBe(true));
  it.each(ordinary)('%s is not', (key) => expect(isSensitiveKey(key)).toBe(false));

  it('removes a value without a shape of its own under a vendor-named key, in any style, and keeps what a key indexes', () => {
    // 24 random characters: no vendor prefix, no known length, so only the name gives it away.
    const secret = 'Zx8kq2LmN4pR7sT1vW3yB5cD';
    const config = {
      stripeKey: secret,
      mailgun_key: secret,
      cacheKey: 'user:42:profile',
      sortKey: 'createdAt',
    };
    expect(scrubValue(config)).toEqual({
      stripeKey: '[Filtered]',
      mailgun_key: '[Filtered]',
      cacheKey: 'user:42:profile',
      sortKey: 'createdAt',
    });
    const line = `boot: stripe_key=${secret} twilioKey: ${secret} cache_key=user:42 objectKey=uploads/a.png`;
    const out = scrubString(line);
    expect(out).not.toContain(secret);
    expect(out).toContain('cache_key=user:42');
    expect(out).toContain('objectKey=uploads/a.png');
    expect(scrubUrl(`https://api.example.com/v1/charge?stripeKey=${secret}&sortKey=name`)).toBe(
      'https://api.example.com/v1/charge?stripeKey=[Filtered]&sortKey=name',
    );
  });

  it('judges a key of up to 1,024 characters by its words, and a longer one as sensitive', () => {
    expect(isSensitiveKey('a'.repeat(1024))).toBe(false);
    expect(isSensitiveKey(`${'a'.repeat(1023)}_password`)).toBe(true);
    expect(isSensitiveKey('a'.repeat(1025))).toBe(true);
    expect(isSensitiveKey('x'.repeat(10_000_000))).toBe(true);
  });

  it('takes user deny and allow lists', () => {
    expect(isSensitiveKey('X-Tenant-Id', { denyKeys: ['tenant'] })).toBe(true);
    expect(isSensitiveKey('internal_ref', { denyKeys: [/^internal_/g] })).toBe(true);
    expect(isSensitiveKey('internal_ref', { denyKeys: [/^internal_/g] })).toBe(true);
    expect(isSensitiveKey('token_hint', { allowKeys: ['token-hint'] })).toBe(false);
    expect(isSensitiveKey('TokenHint', { allowKeys: ['token_hint'] })).toBe(false);
  });

  it('keeps keys that describe a credential without holding one', () => {
    for (const key of [
      'token_type',
      'PublicKeyToken',
      'minPasswordLength',
      'passwordPolicy',
      'passwordLastChanged',
      'signature_algorithm',
      'authDomain',
      'authProvider',
      'auth_url',
      'MessageSid',
      'AccountSid',
      // Data, not credentials: DynamoDB's sort key, a mail's copy list, a listing's page.
      'SK',
      'cc',
      'nextPageToken',
      'continuationToken',
    ])
      expect(isSensitiveKey(key), key).toBe(false);
    for (const key of [
      'connect.sid',
      'sid',
      'passwordResetToken',
      'authToken',
      'signature',
      'x-auth-token',
      'stripe_sk',
      'code_verifier',
      'device_code',
      'HASH_PEPPER',
      'aesKey',
      'GITHUB_PAT',
      'APP_KEYS',
      'x-access',
      'x-upstream-pat',
      'SSHPASS',
      'routing_number',
    ])
      expect(isSensitiveKey(key), key).toBe(true);
  });

  it('judges a key the same whichever options and URL flag judged it before', () => {
    const plain = compileScrub();
    const denied = compileScrub({ denyKeys: ['tenant'] });
    const allowed = compileScrub({ allowKeys: ['token_hint'] });
    for (let round = 0; round < 2; round++) {
      expect(isSensitiveKeyWith('x-tenant', plain)).toBe(false);
      expect(isSensitiveKeyWith('x-tenant', denied)).toBe(true);
      expect(isSensitiveKeyWith('token_hint', plain)).toBe(true);
      expect(isSensitiveKeyWith('token_hint', allowed)).toBe(false);
      // `code` names an OAuth code in a URL, not in other data.
      expect(isSensitiveKeyWith('code', plain, true)).toBe(true);
      expect(isSensitiveKeyWith('code', plain)).toBe(false);
      expect(isSensitiveKeyWith('api%5Fkey', plain)).toBe(true);
    }
    // Many distinct keys later, the verdicts still hold.
    for (let i = 0; i < 5000; i++) isSensitiveKeyWith(`field_${i}`, plain, i % 2 === 0);
    expect(isSensitiveKeyWith('password', plain)).toBe(true);
    expect(isSensitiveKeyWith('code', plain, true)).toBe(true);
    expect(isSensitiveKeyWith('field_1', plain)).toBe(false);
  });
});

describe('scrubUrl', () => {
  it('filters the password in userinfo and secret query and fragment parameters', () => {
    expect(scrubUrl('https://user:pass@host/path?token=abc&page=2#access_token=xyz&state=af0ifjsldkj')).toBe(
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

  it('filters the item after a sensitive flag in an argument list', () => {
    expect(
      scrubValue({ argv: ['node', 'app.js', '--db-password', 'S3cret', '-p', '3000', '--token'] }),
    ).toEqual({
      argv: ['node', 'app.js', '--db-password', FILTERED, '-p', '3000', '--token'],
    });
  });

  it('reads an argument list as the command line it is', () => {
    const args = {
      ssh: ['sshpass', '-p', 'hunter', 'ssh', 'deploy@host'],
      login: ['docker', 'login', '-u', 'ci', '-p', 'hunter', 'registry.example.com'],
      dump: ['mysqldump', '-uroot', '-pS3cret', 'shop'],
      curl: ['curl', '-u', 'bob:hunter', 'https://api.example.com'],
      digits: ['curl', '-u', 'admin:123456', 'https://api.example.com'],
      user: ['curl', '--user', 'admin:S3 cret', 'https://api.example.com'],
      zip7: ['7z', 'a', '-pS3cret', 'out.7z'],
      zip: ['zip', '-P', 'S3cret', 'x.zip'],
      unzip: ['unzip', '-P', 'S3cret', 'x.zip'],
      smb: ['smbclient', '//host/share', '-U', 'bob%S3cret'],
      keygen: ['ssh-keygen', '-t', 'ed25519', '-N', 'S3cret', '-f', 'key'],
      openssl: ['openssl', 'enc', '-aes-256-cbc', '-k', 'S3cret'],
      rabbit: ['rabbitmqctl', 'add_user', 'bob', 'S3cret'],
      admin: ['mysqladmin', '-u', 'root', 'password', 'hunter'],
      oracle: ['sqlplus', '-s', 'app/S3cret@db'],
      share: ['net', 'use', '\\\\host\\share', 'S3cret', '/user:bob'],
      // `-p` after a user given with `-u`, whatever the tool, also without it (a failed spawn's `spawnargs`).
      tool: ['backup-tool', '-u', 'admin', '-p', 'S3cr3t!pass', '--host', 'db'],
      spawned: ['-u', 'admin', '-p', 'S3cr3t!pass', '--host', 'db'],
      long: ['--username', 'admin', '--verbose', '-p', 'Tr0ub4dor'],
      // Kept: mysql's word after `-p ` is a database, a port is no password.
      db: ['mysql', '-u', 'root', '-p', 'shop'],
      serve: ['node', 'server.js', '-p', '3000', '-h', 'localhost'],
      // Kept: uid:gid, an empty passphrase, a kind of authentication, a word with a secret of its own.
      docker: ['docker', 'run', '-u', '1000:1000', 'node:20'],
      empty: ['ssh-keygen', '-N', '', '-f', 'key'],
      npm: ['npm', 'login', '--auth-type', 'legacy'],
      own: ['node', 'password=hunter2', 'x'],
      // Kept: a port, a port mapping, a priority after `-u`.
      port: ['-h', 'db', '-U', 'app', '-p', '5432', 'shop'],
      mapped: ['docker', 'run', '-u', 'node', '-p', '8080:80', 'app'],
      journal: ['journalctl', '-u', 'nginx', '-p', 'err'],
    };
    expect(scrubValue(args)).toEqual({
      ssh: ['sshpass', '-p', FILTERED, 'ssh', 'deploy@host'],
      login: ['docker', 'login', '-u', 'ci', '-p', FILTERED, 'registry.example.com'],
      dump: ['mysqldump', '-uroot', FILTERED, 'shop'],
      curl: ['curl', '-u', FILTERED, 'https://api.example.com'],
      digits: ['curl', '-u', FILTERED, 'https://api.example.com'],
      user: ['curl', '--user', FILTERED, 'https://api.example.com'],
      zip7: ['7z', 'a', FILTERED, 'out.7z'],
      zip: ['zip', '-P', FILTERED, 'x.zip'],
      unzip: ['unzip', '-P', FILTERED, 'x.zip'],
      smb: ['smbclient', '//host/share', '-U', FILTERED],
      keygen: ['ssh-keygen', '-t', 'ed25519', '-N', FILTERED, '-f', 'key'],
      openssl: ['openssl', 'enc', '-aes-256-cbc', '-k', FILTERED],
      rabbit: ['rabbitmqctl', 'add_user', 'bob', FILTERED],
      admin: ['mysqladmin', '-u', 'root', 'password', FILTERED],
      oracle: ['sqlplus', '-s', FILTERED],
      share: ['net', 'use', '\\\\host\\share', FILTERED, '/user:bob'],
      tool: ['backup-tool', '-u', 'admin', '-p', FILTERED, '--host', 'db'],
      spawned: ['-u', 'admin', '-p', FILTERED, '--host', 'db'],
      long: ['--username', 'admin', '--verbose', '-p', FILTERED],
      db: ['mysql', '-u', 'root', '-p', 'shop'],
      serve: ['node', 'server.js', '-p', '3000', '-h', 'localhost'],
      docker: ['docker', 'run', '-u', '1000:1000', 'node:20'],
      empty: ['ssh-keygen', '-N', '', '-f', 'key'],
      npm: ['npm', 'login', '--auth-type', 'legacy'],
      own: ['node', `password=${FILTERED}`, 'x'],
      port: ['-h', 'db', '-U', 'app', '-p', '5432', 'shop'],
      mapped: ['docker', 'run', '-u', 'node', '-p', '8080:80', 'app'],
      journal: ['journalctl', '-u', 'nginx', '-p', 'err'],
    });
  });

  it('filters the value after a sensitive header name in a list, and the second of a [name, value] pair', () => {
    expect(
      scrubValue({
        rawHeaders: [
          'Host',
          'api.example',
          'X-Api-Key',
          'k3y-9f8e',
          'Cookie',
          'a=1; b=2',
          'X-Request-Id',
          'r-1',
        ],
        pairs: [
          ['authorization', 'Token abc'],
          ['password', 'hunter'],
          ['accept', 'text/html'],
        ],
        allowedHeaders: ['Content-Type', 'Authorization', 'X-Api-Key', 'X-Request-Id'],
        fields: ['email', 'password', 'remember'],
      }),
    ).toEqual({
      rawHeaders: ['Host', 'api.example', 'X-Api-Key', FILTERED, 'Cookie', FILTERED, 'X-Request-Id', 'r-1'],
      pairs: [
        ['authorization', FILTERED],
        ['password', FILTERED],
        ['accept', 'text/html'],
      ],
      allowedHeaders: ['Content-Type', 'Authorization', 'X-Api-Key', 'X-Request-Id'],
      fields: ['email', 'password', 'remember'],
    });
    // A 1 MB header name or value (the name and value tests must stay linear).
    const mb = 1 << 20;
    for (const list of [
      ['X-Api-Key', 'a-'.repeat(mb / 2)],
      [`${'a-'.repeat(mb / 2)}key`, 'v1'],
      ['Cookie', `${'a'.repeat(mb)}!`],
    ])
      expect(scrubValue(list)).toHaveLength(2);
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

  it('scrubs any input itself, never through the "[Filtered]" fallback of an internal error', {
    timeout: 120_000,
  }, () => {
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

describe('text without punctuation (the patterns that need one are skipped)', () => {
  // No `-`, `.`, `:`, `=`, `@` or `%`: what most error messages look like.
  const plain = fc.string({
    unit: fc.constantFrom(
      ...'abcdefghijklmnopqrstuvwxyzAKIBDE0123456789 _/+~\t\n\'"()[]{}!?#&,;<>'.split(''),
    ),
    maxLength: 120,
  });
  const words = fc.array(
    fc.constantFrom(
      ...['Bearer', 'Basic', 'token', 'password', 'order', 'AKIA', 'DE89', '4111', '1111', 'ghp_'],
      ...['AKIAIOSFODNN7EXAMPLE', '4111111111111111', 'DE89370400440532013000', 'aB3dE5gH7jK9mN1pQ'],
    ),
    { maxLength: 8 },
  );

  it('is scrubbed as if every pattern ran', () => {
    // `\n=` after the text makes every pattern run, and can start no match of its own: what the
    // text gives with it is what every pattern gives for the text alone.
    fc.assert(
      fc.property(
        fc.oneof(
          plain,
          words.map((list) => list.join(' ')),
        ),
        fc.boolean(),
        (text, pii) => {
          for (const mode of ['text', 'code'] as const) {
            const compiled = compileScrub({ sendDefaultPii: pii, denyKeys: [/(?!)/] });
            expect(`${scrubStringWith(text, compiled, mode)}\n=`).toBe(
              scrubStringWith(`${text}\n=`, compiled, mode),
            );
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('still loses the secrets that need no punctuation', () => {
    const cases = [
      'using AKIAIOSFODNN7EXAMPLE for s3',
      'paid with 4111 1111 1111 1111 today',
      'amex 378282246310005 declined',
      'wire to DE89 3704 0044 0532 0130 00 failed',
      'sent Bearer mF9B5f41JqMx7Yz as header',
      `oauth ${['gho', '_'].join('')}16C7e42F292c6912E7710c838347Ae178B4a`,
    ];
    for (const text of cases) {
      expect(text).not.toMatch(/[-.:=@%]/);
      expect(scrubString(text)).toContain(FILTERED);
    }
    // With punctuation the rest apply as before.
    expect(scrubString('order 42 failed: password=hunter2')).toBe('order 42 failed: password=[Filtered]');
    expect(scrubString('from 203.0.113.42 by jane@example.com')).toBe('from [ip] by [email]');
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

describe('regressions: shapes real apps leak', () => {
  it.each([
    ['login failed: password=hunter2', 'hunter2'],
    ['request failed: api_key=abc123XYZ', 'abc123XYZ'],
    ['Error: secret=s3cr3t', 's3cr3t'],
    ['a=1 b=2 note: token=t0k3nVal', 't0k3nVal'],
    ['mytool --password=hunter2x', 'hunter2x'],
    ['mytool --token hunter2x --verbose', 'hunter2x'],
    ['mytool -p 3 --api-key=k3yk3yk3y', 'k3yk3yk3y'],
    ['{"msg":"login failed: password=hunter2"}', 'hunter2'],
    ['{\\"password\\":\\"pa ss\\"}', 'pa ss'],
    ['{\\\\\\"password\\\\\\":\\\\\\"deep1\\\\\\"}', 'deep1'],
    ['"line one\\npwd=hunter2"', 'hunter2'],
    ['GET /cb?api%5Fkey=zz9top', 'zz9top'],
    ['GET /cb?password%3Dhunter2', 'hunter2'],
    ['next=%2Fcb%3Fx%3D1%26token%3Dabc123', 'abc123'],
    ['IBAN DE89 3704 0044 0532 0130 00 on file', 'DE89 3704 0044 0532 0130 00'],
    ['IBAN DE89370400440532013000.', 'DE89370400440532013000'],
    ['pay to GB82 WEST 1234 5698 7654 32 USD', 'WEST 1234 5698 7654 32'],
    ['SSN 078-05-1120 on record', '078-05-1120'],
    ['credentials: https://user:pw@api.example.com/v1', 'pw@'],
    ['redis://:s3cret@cache:6379/0', 's3cret'],
    ['amqps://guest:gu3st@mq.example.com/vhost', 'gu3st'],
    ['mongodb+srv://app:p4ss@cluster0.example.net/db', 'p4ss'],
    ['Authorization: Digest username="bob", response="6629fae49393a05397450978507c4ef1"', '6629fae4'],
    [`key ${'A3T'}XABCDEFGHIJKLMNOP`, 'ABCDEFGHIJKLMNOP'],
    // A Telegram bot token cut short by the app (a check-in slug of 40 characters).
    ['[8361855687:AAFsDrjTlOvpFuQDGGBDt8lNoDsI', 'FuQDGGBDt8'],
    ['-----BEGIN X9 PRIVATE KEY-----\nMIIEow\n-----END X9 PRIVATE KEY-----', 'MIIEow'],
    // A `%` of the text's own, inside a percent-encoded URL (it reads as an escape once decoded).
    [`https://x.io/?q=${encodeURIComponent('smbclient -U bob%ab12cd3E //h/s')}`, 'ab12cd3E'],
  ])('%j loses %j', (text, secret) => {
    const out = scrubString(text);
    expect(out).not.toContain(secret);
    expect(out).toContain(FILTERED);
  });

  it.each([
    // Prose without a separator.
    ['password is hunter2-Xyz', 'password is [Filtered]'],
    ['the password was S3cr3t!', 'the password was [Filtered]'],
    ['pwd S3cr3t!', 'pwd [Filtered]'],
    // YAML values on the next line, block scalars, JSON objects under a sensitive key.
    ['db:\n  password:\n    s3cr3t\n  host: db', 'db:\n  password:\n    [Filtered]\n  host: db'],
    ['secret: |\n  line one\n  line "two"\nname: app', 'secret: [Filtered]\nname: app'],
    ['db:\n  password: >-\n    a b\n  host: db', 'db:\n  password: [Filtered]\n  host: db'],
    ['"db:\\n  password: |\\n    s3\\"cr3t\\n  host: db"', '"db:\\n  password: [Filtered]\\n  host: db"'],
    ['{"credentials":{"user":"a","pass":"b"},"ok":1}', '{"credentials":[Filtered],"ok":1}'],
    // URL passwords with an unencoded `#`, `/` or `?`, or an e-mail address as the user.
    ['postgres://user:pa#ss/word@db:5432/app', 'postgres://user:[Filtered]@db:5432/app'],
    ['https://u:p/ss@host/x', 'https://u:[Filtered]@host/x'],
    ['smtps://me@mail.test:pa55@smtp.mail.test', 'smtps://me@mail.test:[Filtered]@smtp.mail.test'],
    // Cards with dots, IBANs in lower case.
    ['card 4111.1111.1111.1111 ok', 'card [Filtered] ok'],
    ['iban de89 3704 0044 0532 0130 00 ok', 'iban [Filtered] ok'],
    ['iban de89370400440532013000', 'iban [Filtered]'],
    // Command lines and argument lists.
    ['mysql -p S3cret -h db', 'mysql -p [Filtered] -h db'],
    ['mysql --password S3cret -h db', 'mysql --password [Filtered] -h db'],
    ['PGPASSWORD=S3cret psql -h db', 'PGPASSWORD=[Filtered] psql -h db'],
    ['sshpass -p S3cret ssh host', 'sshpass -p [Filtered] ssh host'],
    ['redis-cli -a S3cret ping', 'redis-cli -a [Filtered] ping'],
    ['docker login -u ci -p S3cret', 'docker login -u ci -p [Filtered]'],
    // Digits-only passwords after each tool's own password flag; the port flag before it is kept.
    ['mysql -u root -p 123456 shop', 'mysql -u root -p [Filtered] shop'],
    ['mysqldump -u root -p20240101 shop', 'mysqldump -u root -p[Filtered] shop'],
    ['sshpass -p 20240101 ssh host', 'sshpass -p [Filtered] ssh host'],
    ['docker login -u bob -p 987654', 'docker login -u bob -p [Filtered]'],
    ['redis-cli -h cache -p 6379 -a 123456 ping', 'redis-cli -h cache -p 6379 -a [Filtered] ping'],
    ['htpasswd -b /etc/nginx/.htpasswd admin 123456', 'htpasswd -b /etc/nginx/.htpasswd admin [Filtered]'],
    ['htpasswd -bn admin 123456', 'htpasswd -bn admin [Filtered]'],
    // Quoted passwords, to the closing quote.
    ['sshpass -p "two words" ssh host', 'sshpass -p "[Filtered]" ssh host'],
    ["mysql -u root -p'hunter' shop", "mysql -u root -p'[Filtered]' shop"],
    ['docker login -u ci -p "hunter" registry', 'docker login -u ci -p "[Filtered]" registry'],
    ['htpasswd -b /etc/.htpasswd ada "two words"', 'htpasswd -b /etc/.htpasswd ada "[Filtered]"'],
    // More tools with a password flag of their own.
    ['mongosh -u admin -p S3cret', 'mongosh -u admin -p [Filtered]'],
    ['az login -u bob -p 2024S3cret', 'az login -u bob -p [Filtered]'],
    // A plain word: only mysql reads the word after `-p ` as a database.
    ['az login -u bob -p hunter', 'az login -u bob -p [Filtered]'],
    ['sshpass -p hunter ssh host', 'sshpass -p [Filtered] ssh host'],
    [
      'docker login -u ci -p hunter registry.example.com',
      'docker login -u ci -p [Filtered] registry.example.com',
    ],
    ['redis-cli -a hunter ping', 'redis-cli -a [Filtered] ping'],
    ['ldapsearch -x -D cn=admin -w S3cret -b dc=org', 'ldapsearch -x -D cn=admin -w [Filtered] -b dc=org'],
    // Publishing and admin tools' own flags, a token on standard input or as a word, a masked value.
    ['psexec \\\\host -u CORP\\bob -p S3cret cmd', 'psexec \\\\host -u CORP\\bob -p [Filtered] cmd'],
    ['tsql -S db -U sa -P S3cret', 'tsql -S db -U sa -P [Filtered]'],
    ['npx vsce publish -p S3cret', 'npx vsce publish -p [Filtered]'],
    ['dotnet nuget push a.nupkg -k S3cret -s feed', 'dotnet nuget push a.nupkg -k [Filtered] -s feed'],
    ['echo S3cret | gh auth login --with-token', 'echo [Filtered] | gh auth login --with-token'],
    ['cargo login S3cret', 'cargo login [Filtered]'],
    ['cargo login --help', 'cargo login --help'],
    [
      'mc config host add s3 http://minio:9000 admin S3cret',
      'mc config host add s3 http://minio:9000 admin [Filtered]',
    ],
    ['::add-mask::S3cret', '::add-mask::[Filtered]'],
    // A URL's password beside its user (the Subsonic API); a page number stays. Download links, `/p/`.
    ['GET /rest/ping?u=ada&p=S3cret!x&v=1.16.1', 'GET /rest/ping?u=ada&p=[Filtered]&v=1.16.1'],
    ['GET /list?p=2&q=shoes', 'GET /list?p=2&q=shoes'],
    ['GET /download/Zq8Lm2Xv7Np3Kd9W', 'GET /download/[Filtered]'],
    ['GET /download/report-2024-01-15.pdf', 'GET /download/report-2024-01-15.pdf'],
    ['GET /p/Zq8Lm2Xv7Np3Kd9W', 'GET /p/[Filtered]'],
    ['sqlcmd -S db -U sa -P 123456 -Q x', 'sqlcmd -S db -U sa -P [Filtered] -Q x'],
    ['keytool -list -storepass changeit', 'keytool -list -storepass [Filtered]'],
    // A client's `user:password` of digits (not uid:gid), or after a user that is no number.
    ['curl -u admin:123456 https://x', 'curl -u admin:[Filtered] https://x'],
    ['curl -s -u 1001:123456 https://x', 'curl -s -u 1001:[Filtered] https://x'],
    ['wget --user=1001:123456 https://x', 'wget --user=1001:[Filtered] https://x'],
    ['http -a admin:123456 POST https://x', 'http -a admin:[Filtered] POST https://x'],
    ['docker run -u app:123456 img', 'docker run -u app:[Filtered] img'],
    ['curl -u :S3cretPAT https://dev.azure.com', 'curl -u :[Filtered] https://dev.azure.com'],
    // A quoted `user:password`, to its closing quote.
    ['curl --user "admin:S3 cret" https://x', 'curl --user "admin:[Filtered]" https://x'],
    ["curl -u 'admin:two words' https://x", "curl -u 'admin:[Filtered]' https://x"],
    ['curl --user="admin:S3 cret" https://x', 'curl --user="admin:[Filtered]" https://x'],
    // An API key as the user, no password: the key goes; a plain user name stays.
    [
      'curl https://api.example.com/v1 -u 9f8e7d6c5b4a3f2e1d0c:',
      'curl https://api.example.com/v1 -u [Filtered]:',
    ],
    ['curl -u "Abc123def456:" https://x', 'curl -u "[Filtered]:" https://x'],
    // Samba's `user%password`, archivers, key generators, message brokers, Oracle, Windows shares.
    ['smbclient -U bob%S3cret //host/share', 'smbclient -U bob%[Filtered] //host/share'],
    ['smbclient //host/share -U bob%hunter', 'smbclient //host/share -U bob%[Filtered]'],
    ["smbclient //host/share -U 'bob%two words'", "smbclient //host/share -U 'bob%[Filtered]'"],
    ['7z a -pS3cret out.7z dir', '7z a -p[Filtered] out.7z dir'],
    ['7z x -p"two words" in.7z', '7z x -p"[Filtered]" in.7z'],
    ['zip -P hunter x.zip a.txt', 'zip -P [Filtered] x.zip a.txt'],
    ['unzip -P 123456 x.zip', 'unzip -P [Filtered] x.zip'],
    ['ssh-keygen -N hunter -f key', 'ssh-keygen -N [Filtered] -f key'],
    ['ssh-keygen -p -P old -N new -f key', 'ssh-keygen -p -P [Filtered] -N [Filtered] -f key'],
    ['rabbitmqctl add_user bob S3cret', 'rabbitmqctl add_user bob [Filtered]'],
    ['rabbitmqctl change_password bob hunter', 'rabbitmqctl change_password bob [Filtered]'],
    ['openssl enc -aes-256-cbc -k hunter -in a', 'openssl enc -aes-256-cbc -k [Filtered] -in a'],
    ['openssl enc -aes-256-cbc -pass pass:S3cret -in a', 'openssl enc -aes-256-cbc -pass [Filtered] -in a'],
    ['gpg --batch --passphrase hunter -d x.gpg', 'gpg --batch --passphrase [Filtered] -d x.gpg'],
    ['mysqladmin -u root password hunter', 'mysqladmin -u root password [Filtered]'],
    // No punctuation at all: the command's own words are what the rule is tried for.
    ['mysqladmin password hunter', 'mysqladmin password [Filtered]'],
    ['rabbitmqctl add_user bob hunter', 'rabbitmqctl add_user bob [Filtered]'],
    ['mysqladmin -u root -pOld1 password New2', 'mysqladmin -u root -p[Filtered] password [Filtered]'],
    ['psql "postgresql://app:hunter@db/shop"', 'psql "postgresql://app:[Filtered]@db/shop"'],
    ['sqlplus scott/tiger@orcl', 'sqlplus scott/[Filtered]@orcl'],
    ['sqlplus -s scott/tiger @run.sql', 'sqlplus -s scott/[Filtered] @run.sql'],
    ['net use \\\\host\\share hunter /user:bob', 'net use \\\\host\\share [Filtered] /user:bob'],
    ['net use Z: \\\\host\\share /user:bob hunter', 'net use Z: \\\\host\\share /user:bob [Filtered]'],
    ['net user bob hunter /add', 'net user bob [Filtered] /add'],
    // Header and argument lists written out (console.log(req.rawHeaders), JSON arrays), over lines too.
    [
      "[\n  'Host',\n  'api.example',\n  'X-Api-Key',\n  'k3y-0f-mine',\n  'X-Auth-Token',\n  'two words 9'\n]",
      "[\n  'Host',\n  'api.example',\n  'X-Api-Key',\n  '[Filtered]',\n  'X-Auth-Token',\n  '[Filtered]'\n]",
    ],
    ['["Host","api.example","X-Api-Key","k3y0fmine"]', '["Host","api.example","X-Api-Key","[Filtered]"]'],
    ['[\\"X-Api-Key\\",\\"k3y0fmine\\"]', '[\\"X-Api-Key\\",\\"[Filtered]\\"]'],
    [
      "[\n  'node',\n  '--db-password',\n  'hunter'\n]",
      "[\n  'node',\n  '--db-password',\n  '[Filtered]'\n]",
    ],
    ['smbclient //host/share hunter -U bob', 'smbclient //host/share [Filtered] -U bob'],
    [
      "smbclient -m SMB3 //host/share 'two words' -U bob",
      "smbclient -m SMB3 //host/share '[Filtered]' -U bob",
    ],
    ['ftp://bob:hunter@files.example.com/x', 'ftp://bob:[Filtered]@files.example.com/x'],
    // Commands that store secrets: every value they are given.
    ['dotnet user-secrets set "Db:Password" S3cret', 'dotnet user-secrets set "Db:Password" [Filtered]'],
    ['dotnet user-secrets set Db:Password hunter', 'dotnet user-secrets set Db:Password [Filtered]'],
    [
      'dotnet user-secrets set ConnectionStrings:Default "Server=db;User Id=sa;Password=x" --project src/App',
      'dotnet user-secrets set ConnectionStrings:Default "[Filtered]" --project src/App',
    ],
    ['gh secret set NAME --body S3cret', 'gh secret set NAME --body [Filtered]'],
    ['gh secret set NAME -b hunter --repo o/r', 'gh secret set NAME -b [Filtered] --repo o/r'],
    ['gh secret set NAME --body=S3cret', 'gh secret set NAME --body=[Filtered]'],
    ['gh secret set NAME --body "two words"', 'gh secret set NAME --body "[Filtered]"'],
    [
      'az keyvault secret set --name db --value hunter',
      'az keyvault secret set --name db --value [Filtered]',
    ],
    ['heroku config:set STRIPE_KEY=hunter -a shop', 'heroku config:set STRIPE_KEY=[Filtered] -a shop'],
    ['fly secrets set SMTP="a b" API=hunter', 'fly secrets set SMTP="[Filtered]" API=[Filtered]'],
    ['vault kv put secret/app api=hunter', 'vault kv put secret/app api=[Filtered]'],
    [
      'kubectl create secret generic x --from-literal=smtp=hunter',
      'kubectl create secret generic x --from-literal=smtp=[Filtered]',
    ],
    // XML elements, SQL that sets a password.
    ['<user>ada</user><password>S3 cr3t</password>', '<user>ada</user><password>[Filtered]</password>'],
    // A SOAP header's WS-Security token, its element named with a prefix and attributes.
    [
      '<wsse:UsernameToken><wsse:Username>ada</wsse:Username><wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">S3cr3t!x</wsse:Password></wsse:UsernameToken>',
      '<wsse:UsernameToken><wsse:Username>ada</wsse:Username><wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">[Filtered]</wsse:Password></wsse:UsernameToken>',
    ],
    [
      '<ns2:apiKey>k3y-v4lue</ns2:apiKey><ns2:id>7</ns2:id>',
      '<ns2:apiKey>[Filtered]</ns2:apiKey><ns2:id>7</ns2:id>',
    ],
    ['<label for="pw">Password</label><input id="pw">', '<label for="pw">Password</label><input id="pw">'],
    // A `[name, value]` pair written out: `Object.entries` inspected, a Python tuple; a list of
    // field names stays.
    ["[ [ 'apiKey', 'k3y-v4lue' ], [ 'user', 'bob' ] ]", "[ [ 'apiKey', '[Filtered]' ], [ 'user', 'bob' ] ]"],
    ["[('password', 'S3cr3t!'), ('user', 'bob')]", "[('password', '[Filtered]'), ('user', 'bob')]"],
    ["missing fields: ['password', 'email']", "missing fields: ['password', 'email']"],
    // An assignment to a subscript: Ruby's ENV and hashes, Python's os.environ.
    ['ENV["STRIPE_SECRET"] = "k3y-v4lue"', 'ENV["STRIPE_SECRET"] = "[Filtered]"'],
    ["os.environ['DB_PASS'] = 'S3cr3t!'", "os.environ['DB_PASS'] = '[Filtered]'"],
    ['config[:password] = "S3cr3t!"', 'config[:password] = "[Filtered]"'],
    ['if (tokens[i] == null) return', 'if (tokens[i] == null) return'],
    // A GitHub token as a URL's user; Go's MySQL data source name.
    [
      'https://k3yv4lue9xyz:x-oauth-basic@github.com/a/b.git',
      'https://[Filtered]:[Filtered]@github.com/a/b.git',
    ],
    ['root:S3cr3t!x@tcp(db:3306)/app?parseTime=true', 'root:[Filtered]@tcp(db:3306)/app?parseTime=true'],
    // Prisma's query event as apps log it; Joi's message for a rejected value.
    [
      'prisma:query UPDATE "User" SET "password" = $1 WHERE "id" = $2\nParams: ["S3cr3t!x",1]',
      'prisma:query UPDATE "User" SET "password" = [Filtered] WHERE "id" = $2\nParams: ["[Filtered]",1]',
    ],
    [
      '"password" with value "S3cr3t!x" fails to match the required pattern: /^[a-z]+$/',
      '"password" with value "[Filtered]" fails to match the required pattern: /^[a-z]+$/',
    ],
    [
      '"username" with value "bob" fails to match the required pattern',
      '"username" with value "bob" fails to match the required pattern',
    ],
    // A value quoted after `Received`, named by the argument or field before it (Node's argument
    // errors, validators); other names keep theirs.
    [
      "The argument 'password' is invalid. Received 'hunter2'",
      "The argument 'password' is invalid. Received '[Filtered]'",
    ],
    [
      'The "apiKey" argument must be of type number. Received type string (\'Zk3j9Lm2pQ8rT5vX\')',
      'The "apiKey" argument must be of type number. Received type string (\'[Filtered]\')',
    ],
    [
      '"token" must be a valid GUID. Received "k3j9l2m4n5b6"',
      '"token" must be a valid GUID. Received "[Filtered]"',
    ],
    [
      'The "name" argument must be of type string. Received \'bob\'',
      'The "name" argument must be of type string. Received \'bob\'',
    ],
    [
      'The "path" argument must be of type string. Received type number (42)',
      'The "path" argument must be of type string. Received type number (42)',
    ],
    [
      'prisma:query INSERT INTO "User" ("name","password") VALUES ($1,$2) ["Ada","S3cr3t!x"]',
      'prisma:query INSERT INTO "User" ("name","password") VALUES ($1,$2) ["[Filtered]","[Filtered]"]',
    ],
    ['SELECT * FROM items WHERE id IN ($1) ["x"]', 'SELECT * FROM items WHERE id IN ($1) ["x"]'],
    // A validation error's value before the field that names it (express-validator's errors as
    // JSON, inspected, or inside a JSON string); a field named in words, or in another object, stays.
    [
      '[{"type":"field","value":"S3cr3t!x","msg":"Invalid value","path":"password","location":"body"}]',
      '[{"type":"field","value":"[Filtered]","msg":"Invalid value","path":"password","location":"body"}]',
    ],
    [
      "[ { type: 'field', value: 'S3cr3t!x', msg: 'Too weak', path: 'password', location: 'body' } ]",
      "[ { type: 'field', value: '[Filtered]', msg: 'Too weak', path: 'password', location: 'body' } ]",
    ],
    [
      '{"message":"[{\\"value\\":\\"S3cr3t!x\\",\\"path\\":\\"password\\"}]"}',
      '{"message":"[{\\"value\\":\\"[Filtered]\\",\\"path\\":\\"password\\"}]"}',
    ],
    [
      '[{"value":"bob","path":"username"},{"value":"x"},{"path":"password"}]',
      '[{"value":"bob","path":"username"},{"value":"x"},{"path":"password"}]',
    ],
    ["{ to: 'ops', name: 'password reset' }", "{ to: 'ops', name: 'password reset' }"],
    // Zod's issues as JSON, the path a list; a name and its value with other members between
    // them in one object (AWS SSM's parameter).
    [
      '[{"code":"too_small","path":["user","password"],"received":"S3cr3t!x"}]',
      '[{"code":"too_small","path":["user","password"],"received":"[Filtered]"}]',
    ],
    [
      '{"Parameter": {"Name": "/prod/db/password", "Type": "SecureString", "Value": "S3cr3t!x"}}',
      '{"Parameter": {"Name": "/prod/db/password", "Type": "SecureString", "Value": "[Filtered]"}}',
    ],
    [
      '{"Parameter": {"Name": "/prod/db/host", "Type": "String", "Value": "db.internal"}}',
      '{"Parameter": {"Name": "/prod/db/host", "Type": "String", "Value": "db.internal"}}',
    ],
    [
      "{ name: 'password', note: 'x' }, { value: 'kept' }",
      "{ name: 'password', note: 'x' }, { value: 'kept' }",
    ],
    ['input[name="password"][value="S3cr3t!x"]', 'input[name="password"][value="[Filtered]"]'],
    ['input[name="q"][value="shoes"]', 'input[name="q"][value="shoes"]'],
    // Sequelize's statement with its bound values after a `;`; io-ts's rejected value before its path.
    [
      'Executing (default): INSERT INTO "users" ("plan","api_token") VALUES ($1,$2); "pro", "k3y-v4lue"',
      'Executing (default): INSERT INTO "users" ("plan","api_token") VALUES ($1,$2); "[Filtered]", "[Filtered]"',
    ],
    [
      'Executing (default): SELECT * FROM "items" WHERE "id" = $1; "x"',
      'Executing (default): SELECT * FROM "items" WHERE "id" = $1; "x"',
    ],
    [
      'Invalid value "S3cr3t!x" supplied to : LoginRequest/password: string',
      'Invalid value "[Filtered]" supplied to : LoginRequest/password: [Filtered]',
    ],
    [
      'Invalid value "free" supplied to : Account/plan: ("pro" | "team")',
      'Invalid value "free" supplied to : Account/plan: ("pro" | "team")',
    ],
    // A .pgpass line; Redis's AUTH as typed, as MONITOR prints it, in ioredis's debug log; redis.conf.
    ['db.example.com:5432:appdb:appuser:S3cr3t!x', 'db.example.com:5432:appdb:appuser:[Filtered]'],
    ['10:20:30:40:50', '10:20:30:40:50'],
    ['AUTH default S3cr3t!x', 'AUTH default [Filtered]'],
    [
      '1700000000.123456 [0 127.0.0.1:52144] "AUTH" "default" "S3cr3t!x"',
      '1700000000.123456 [0 127.0.0.1:52144] "AUTH" "default" "[Filtered]"',
    ],
    [
      "ioredis:redis write command[127.0.0.1:6379]: 0 -> auth([ 'S3cr3t!x' ])",
      "ioredis:redis write command[127.0.0.1:6379]: 0 -> auth([ '[Filtered]' ])",
    ],
    ['bind 127.0.0.1\nrequirepass S3cr3t!x\nport 6379', 'bind 127.0.0.1\nrequirepass [Filtered]\nport 6379'],
    // A password line, then another secret's line, inside one inspected or JSON string: the
    // password ends at the escaped line break.
    [
      "{ stdout: 'password: hunter2-Blue!\\ntoken: Zq8Lm2Xv7Np3Kd9W\\n' }",
      "{ stdout: 'password: [Filtered]\\ntoken: [Filtered]\\n' }",
    ],
    ['"password: hunter2\\tpin: 1234"', '"password: [Filtered]\\tpin: [Filtered]"'],
    // ioredis's reply error as console.error prints it: the command's name names its arguments.
    [
      "Error [ReplyError]: WRONGPASS invalid username-password pair {\n  command: { name: 'auth', args: [ 'default', 'hunter2-Blue!' ] }\n}",
      "Error [ReplyError]: WRONGPASS invalid username-password pair {\n  command: { name: 'auth', args: [Filtered] }\n}",
    ],
    // Tokens under URL parameters and path segments that say less than a credential's name,
    // when they read as random; flags and slugs stay.
    [
      'GET /api/session?refresh=Zq8Lm2Xv7Np3Kd9W&rt=Hk4Lp9Qz2Wx7Vb3N',
      'GET /api/session?refresh=[Filtered]&rt=[Filtered]',
    ],
    ['GET /feed?refresh=true&access=public', 'GET /feed?refresh=true&access=public'],
    ['https://a.example/forgot/Zq8Lm2Xv7Np3Kd9W', 'https://a.example/forgot/[Filtered]'],
    ['https://a.example/register/new-account-form', 'https://a.example/register/new-account-form'],
    // SQL: MySQL's SET PASSWORD FOR, T-SQL's Unicode literal; a .netrc entry with a plain word;
    // PowerShell's plain-text secure string; curl's proxy credentials; PHP's define.
    ["SET PASSWORD FOR 'bob'@'%' = 'butterscotch'", "SET PASSWORD FOR 'bob'@'%' = '[Filtered]'"],
    ["ALTER LOGIN sa WITH PASSWORD = N'S3cr3t!x'", "ALTER LOGIN sa WITH PASSWORD = N'[Filtered]'"],
    [
      'machine api.example.com login bob password butterscotch',
      'machine api.example.com login bob password [Filtered]',
    ],
    [
      "$p = ConvertTo-SecureString 'S3cr3t!x' -AsPlainText -Force",
      "$p = ConvertTo-SecureString '[Filtered]' -AsPlainText -Force",
    ],
    ['ConvertTo-SecureString $plain -AsPlainText', 'ConvertTo-SecureString $plain -AsPlainText'],
    [
      'curl --proxy-user bob:S3cr3t!x https://example.com',
      'curl --proxy-user bob:[Filtered] https://example.com',
    ],
    ["define( 'DB_PASSWORD', 'butterscotch' );", "define( 'DB_PASSWORD', '[Filtered]' );"],
    ["['API_KEY', 'SECRET']", "['API_KEY', 'SECRET']"],
    // A source line that compares a secret with a literal, or falls back to one.
    [
      "if (req.headers['x-api-key'] !== 'k3yv4lue9') return;",
      "if (req.headers['x-api-key'] !== '[Filtered]') return;",
    ],
    ["if (req.body.password === 'S3cr3t!x') login();", "if (req.body.password === '[Filtered]') login();"],
    [
      "const stripe = new Stripe(process.env.STRIPE_KEY || 'k3yv4lue9');",
      "const stripe = new Stripe(process.env.STRIPE_KEY || '[Filtered]');",
    ],
    ["app.use(cookieParser('S3cr3t!x'));", "app.use(cookieParser('[Filtered]'));"],
    ["if (type !== 'password') return;", "if (type !== 'password') return;"],
    // A password's new value in prose.
    ['User jane changed password to hunter2-Blue!', 'User jane changed password to [Filtered]'],
    ['token was changed to 9f8e7d6c5b4a39281716', 'token was changed to [Filtered]'],
    ['password reset to default', 'password reset to default'],
    // A test runner's verdict is no password.
    ['--- PASS: TestLogin (0.00s)', '--- PASS: TestLogin (0.00s)'],
    // A Symbol-named key as util.inspect prints it.
    ["{ user: 'bob', [Symbol(password)]: 'S3cr3t!' }", "{ user: 'bob', [Symbol(password)]: '[Filtered]' }"],
    ["ALTER USER app WITH PASSWORD 'S3cret'", "ALTER USER app WITH PASSWORD '[Filtered]'"],
    ["CREATE USER app IDENTIFIED BY 'S3cret'", "CREATE USER app IDENTIFIED BY '[Filtered]'"],
    [
      "[ 'node', 'app.js', '--db-password', 'S3cret' ]",
      "[ 'node', 'app.js', '--db-password', '[Filtered]' ]",
    ],
    // An OpenWhisk API key in free text (the uuid is kept).
    [
      'auth 23bc46b1-71f6-4ed5-8c54-816aa4f8c502:123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP failed',
      'auth 23bc46b1-71f6-4ed5-8c54-816aa4f8c502:[Filtered] failed',
    ],
  ])('%j becomes %j', (text, expected) => {
    const out = scrubString(text, { sendDefaultPii: true });
    expect(out).toBe(expected);
    expect(scrubString(out, { sendDefaultPii: true })).toBe(out);
    // Without sendDefaultPii the same, e-mail addresses masked too.
    expect(scrubString(text)).toBe(scrubString(expected));
  });

  it('keeps prose, config and commands that only look like the shapes above', () => {
    for (const text of [
      'password is required',
      'the token was expired',
      'the password was changed 2 days ago',
      'pwd /home/app2',
      'password:\n  min_length: 8',
      'Unexpected token:\n    }',
      'Error: invalid token:\n    at verify (/app/src/auth.js:10:5)',
      'mysql -h db -u root -p shop',
      'mysql -u root -p -h db',
      'curl -u admin: https://example.com/status',
      'net user bob /delete',
      'zip -P is insecure, use -e',
      'the sshpass -p option is unsafe: sshpass -p and a password show in ps',
      "missing fields: ['password', 'email']",
      '{"type":"token","value":"x"}',
      "allowedHeaders: ['X-Api-Key', 'Content-Type']",
      "['Access-Control-Allow-Headers', 'X-Api-Key, Content-Type']",
      'net user bob *',
      'smbclient //host/share -N',
      'smbclient //host/share -U bob',
      'htpasswd -b is insecure, use -i',
      'htpasswd -b is insecure; prefer -i',
      'mysql -p is insecure, use a config file',
      'redis-cli -h cache -p 6379 ping',
      'docker login registry.example.com && docker run -p 8080:80 app',
      'ls -p 3',
      'port -p 8080',
      'docker run -u 1000:1000 node:20',
      'docker run --user=1000:1000 node:20 && curl -s https://x',
      'docker run -e URL=http://x -u 1000:1000 node:20',
      'curl -u bob: https://x',
      'git push -u origin main',
      'rpm -U http://x/pkg.rpm',
      'rsync -a host:/src /dst',
      'smbclient -U bob //host/share',
      '7z a -p archive.7z dir',
      'zip -r out.zip dir',
      'ssh-keygen -t ed25519 -N "" -f key',
      "ssh-keygen -t rsa -N '' -f key",
      '{"cmd":"ssh-keygen -N \\"\\" -f key"}',
      'openssl enc -d -aes-256-cbc -kfile pw.txt -in a',
      'rabbitmqctl list_users',
      'mysqladmin: [Warning] Using a password on the command line interface can be insecure.',
      'sqlplus / as sysdba',
      'sqlplus -s /nolog @run.sql',
      'net use \\\\host\\share * /user:bob',
      'net use \\\\host\\share /delete',
      'npm login --auth-type=legacy',
      'npm login --auth-type legacy',
      'gh variable set NAME --body visible',
      'gh secret set NAME < secret.txt',
      'gh secret list --repo o/r',
      'vercel env add API_TOKEN production',
      'dotnet user-secrets list --project src/App',
      'the secret set is empty',
      "Access denied for user 'root'@'localhost' (using password: YES)",
      'https://registry.npmjs.org:443/@scope/pkg',
      'http://localhost:3000/@vite/client',
      'build 4111.1111.1111.1112',
      'trace ab12cd34ef56ab78cd90ef12ab34cd56',
    ]) {
      expect(scrubString(text, { sendDefaultPii: true })).toBe(text);
    }
  });

  it('leaves no debris where rules overlap and keeps the text around a PGP block', () => {
    expect(scrubString('credentials: https://user:pw@api.example.com/v1 failed')).toBe(
      `credentials: ${FILTERED} failed`,
    );
    expect(
      scrubString(
        `a -----BEGIN PGP ${'PRIVATE'} KEY BLOCK-----\nlQOYBF\n-----END PGP ${'PRIVATE'} KEY BLOCK----- after`,
      ),
    ).toBe(`a ${FILTERED} after`);
  });

  it('keeps product versions, stack positions and IDs that look like addresses or cards', () => {
    for (const text of [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      'at getToken (/app/src/auth/token.js:42:17)',
      'at C:\\app\\password-reset.js:5:1',
      'MAC 00:1a:2b:3c:4d:5e, time 12:30:45',
      'ab::cd::ef',
    ]) {
      expect(scrubString(text)).toBe(text);
    }
    expect(scrubString('from http://10.1.2.3/x and 10.1.2.3:80')).toBe('from http://[ip]/x and [ip]:80');
  });

  it('filters an AWS secret access key written on the line of its access key id, before or after it', () => {
    const id = ['AKIA', 'Q3EGRFRXQ2M7ZP4N'].join('');
    const secret = ['wJalrXUtnFEMI/K7MDENG', '/bPxRfiCYEXAMPLEKEY'].join('');
    expect(scrubString(`aws configured with ${id} ${secret} for eu-west-1`)).toBe(
      `aws configured with ${FILTERED} ${FILTERED} for eu-west-1`,
    );
    expect(scrubString(`User,${id},${secret}\nnext line`)).toBe(`User,${FILTERED},${FILTERED}\nnext line`);
    expect(scrubString(`secret ${secret} (id ${id})`)).toBe(`secret ${FILTERED} (id ${FILTERED})`);
    // A hex digest or a 40-letter word beside an id is no key; a key on another line is not paired.
    const sha = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
    expect(scrubString(`${id} commit ${sha}`)).toBe(`${FILTERED} commit ${sha}`);
    expect(scrubString(`${id}\n${secret.replace(/[^a-z]/gi, 'x')}`)).toContain('\n');
  });

  it('masks an IP address that is a segment of a URL path unless sendDefaultPii', () => {
    expect(scrubString('http://127.0.0.1:3000/users/81.139.134.228/fail')).toBe(
      'http://127.0.0.1:3000/users/[ip]/fail',
    );
    expect(scrubString('GET /geo/81.84.240.138?lang=en')).toBe('GET /geo/[ip]?lang=en');
    expect(scrubString('/geo/81.84.240.138', { sendDefaultPii: true })).toBe('/geo/81.84.240.138');
  });

  it('filters a URL value to its end when it holds an escaped space, tab or &', () => {
    expect(scrubString('https://x.io/a?password=Horse7Battery%20Staple9Correct&page=2')).toBe(
      `https://x.io/a?password=${FILTERED}&page=2`,
    );
    expect(scrubString('https://x.io/a?token=A1b2C3%09D4e5F6')).toBe(`https://x.io/a?token=${FILTERED}`);
    expect(scrubString('https://x.io/a?secret=k3y%26x%3DStaple9Correct')).toBe(
      `https://x.io/a?secret=${FILTERED}`,
    );
    expect(scrubString('https://x.io/a?next=%2Fcb%3Fpassword%3DA1%2520Staple9Correct')).toBe(
      `https://x.io/a?next=/cb?password=${FILTERED}`,
    );
    expect(scrubString('db down: postgres://app:Horse7Battery%20Staple9Correct@db.internal/shop')).toBe(
      `db down: postgres://app:${FILTERED}@db.internal/shop`,
    );
    // Other escaped text stays as written; a quoted value inside an escaped JSON parameter keeps its quotes.
    expect(scrubString('https://x.io/s?q=hello%20world&page=2')).toBe(
      'https://x.io/s?q=hello%20world&page=2',
    );
    expect(
      scrubString('https://x.io/s?data=%7B%22password%22%3A%22a%20b%22%2C%22user%22%3A%22bob%22%7D'),
    ).toBe(`https://x.io/s?data={"password":"${FILTERED}","user":"bob"}`);
  });

  it('masks percent-encoded e-mail addresses unless sendDefaultPii', () => {
    expect(scrubString('/search?q=jane%40example.com')).toBe('/search?q=[email]');
    expect(scrubString('/search?q=jane%40example.com', { sendDefaultPii: true })).toBe(
      '/search?q=jane%40example.com',
    );
  });

  it('filters URL-only parameter names only in URLs', () => {
    expect(scrubString('https://x.io/cb?code=abc&page=2#access_token=xyz&state=af0ifjsldkj')).toBe(
      `https://x.io/cb?code=${FILTERED}&page=2#access_token=${FILTERED}&state=${FILTERED}`,
    );
    expect(scrubString('next=/login?token=abc123')).toBe(`next=/login?token=${FILTERED}`);
    expect(scrubString('code=42 key=name')).toBe('code=42 key=name');
  });

  it('filters single-quoted values whole', () => {
    expect(scrubString('secret=\'it is "x"\'')).toBe(`secret='${FILTERED}'`);
  });

  it('is idempotent on the new shapes', () => {
    for (const text of [
      'mytool --token hunter2x',
      'IBAN DE89 3704 0044 0532 0130 00',
      'GET /cb?api%5Fkey=zz9top',
    ]) {
      const once = scrubString(text);
      expect(scrubString(once)).toBe(once);
    }
  });
});

describe('leaks found end to end (packages/node/test/leak-adversary.test.ts)', () => {
  const j = (...parts: string[]) => parts.join('');
  it.each([
    // Header lines: every cookie, and the credential of any auth scheme.
    ['Cookie: theme=dark; remember_me=rm9Zq81xKpT', 'rm9Zq81xKpT'],
    ['GET / HTTP/1.1\r\nCookie: a=1; b=sEcr3tCook1e\r\nHost: x', 'sEcr3tCook1e'],
    ['set-cookie: connect.sid=s%3Aabc123DEF456; Path=/; HttpOnly', 'abc123DEF456'],
    ['Authorization: NTLM TlRMTVNTUAABAAAAB4IIogAAAAAA', 'TlRMTVNTUAABAAAAB4II'],
    ['authorization: Negotiate YIIHJwYGKwYBBQUCoIIH', 'YIIHJwYGKwYBBQUCoIIH'],
    ['Authorization: SSWS 00QCjAl4MlV-WPXM8b3kq2Rz', '00QCjAl4MlV-WPXM8b3kq2Rz'],
    ['"GET /x HTTP/1.1\\r\\nAuthorization: Key fal9Zk2Qw81\\r\\n"', 'fal9Zk2Qw81'],
    // Schemes whose credential is a quoted parameter (Hawk, MAC), also inside a JSON string.
    [
      'Authorization: Hawk id="dh37fgj492je", ts="1353832234", nonce="j4h3g2", mac="6R4rV5iE+NPoym+WwjeHzjAGXUtLNIxmo1vpMofpLAE="',
      'NPoym+WwjeHzjAGX',
    ],
    [
      '{"line":"Authorization: MAC id=\\"h480djs93hd8\\", mac=\\"bhCQXTVyfj5cmA9uKkPFx1zeOXM=\\""}',
      'bhCQXTVyfj5cmA9u',
    ],
    // A list under a name that is also a word of prose (`auth`, `session`), as `inspect` prints it.
    ["{ auth: [ 'q8Zr4Lm2Xv7Np3Kd9Ws6' ], user: 'ada' }", 'q8Zr4Lm2Xv7Np3Kd'],
    // `key => value`: inspected Maps, Ruby and PHP hashes.
    ["Map(1) { 'password' => 'hunter2xyz' }", 'hunter2xyz'],
    ['{:password => "hunter2xyz"}', 'hunter2xyz'],
    // Bracketed keys of nested query strings and forms (`qs`, Rails, PHP).
    ['GET /signup?user[password]=hunter2xyz&user[name]=ada', 'hunter2xyz'],
    ['GET /x?api_key[]=k3yk3yk3y&page=2', 'k3yk3yk3y'],
    // Tokens in URL paths, after a segment that names them; a token as the user of a URL.
    ['https://app.example.com/reset-password/6fcd2b89e745a3016fcd2b89e745a3016fcd2b89', '6fcd2b89e745a301'],
    ['POST /api/v1/tokens/czyPUT0XuJIrUVEHKbGV/revoke', 'czyPUT0XuJIrUVEHKbGV'],
    ['GET /invite/9f8e7d6c5b4a39281706abcd?lang=en', '9f8e7d6c5b4a39281706abcd'],
    // Private feeds and join links: a calendar's secret address, a feed's token, an invitation to join.
    [
      'GET /calendar/ical/team%40group.calendar.google.com/private-9f8e7d6c5b4a39281706f5e4d3c2b1a0/basic.ics',
      '9f8e7d6c5b4a3928',
    ],
    ['GET https://app.example.com/private/q8Zr4Lm2Xv7Np3Kd9Ws6Tb/calendar.ics', 'q8Zr4Lm2Xv7Np3Kd'],
    ['GET /ical/q8Zr4Lm2Xv7Np3Kd9Ws6Tb.ics', 'q8Zr4Lm2Xv7Np3Kd'],
    ['GET /join/q8Zr4Lm2Xv7Np3Kd9Ws6Tb', 'q8Zr4Lm2Xv7Np3Kd'],
    ['git clone https://4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a@github.com/o/r', '4f9a8b7c6d5e4f3a2b1c'],
    // Credentials named in prose.
    ['Error: invalid token pQPYFe5S503sdwLYHe5ExOx0dM78', 'pQPYFe5S503sdwLYHe5ExOx0dM78'],
    ['invalid API key: ElMnkzmBolyPUHWhGTY5qD4xa', 'ElMnkzmBolyPUHWhGTY5qD4xa'],
    [
      'Incorrect API key provided: pQPYFe5S503sdwLYHe5ExOx0. You can find your API key at https://example.com',
      'pQPYFe5S503sdwLYHe5E',
    ],
    ['token expired: 001yzUpgPWPMnUFEVejCJIJyp0', '001yzUpgPWPMnUFEVejC'],
    ['session id 9f8e7d6c5b4a39281706f5e4d3c2b1a0 not found', '9f8e7d6c5b4a39281706'],
    ['Redis key session:9f8e7d6c5b4a3928 expired', '9f8e7d6c5b4a3928'],
    // A value longer than a read goes to its end (an STS session token in a presigned URL); an
    // `&` outside a query string is part of a value.
    [
      `GET /k?X-Amz-Security-Token=${'IQoJb3JpZ2luX2Vj'.repeat(80)}Zq8Lm2Xv7Np3Kd9W&X-Amz-Date=20240101`,
      'Zq8Lm2Xv7Np3Kd9W',
    ],
    [`{"refresh_token":"${'0.AXEA'.repeat(220)}Zq8Lm2Xv7Np3Kd9W","expires_in":3600}`, 'Zq8Lm2Xv7Np3Kd9W'],
    ['Server=db;User Id=sa;Password=Sw0rd&Sh1eld;Encrypt=true;', 'Sh1eld'],
    ['login user=bob password=Tr0ub&4dor-x9 host=db', '4dor-x9'],
    // A duplicate key's value, when its constraint, index or table names a secret (SQL Server,
    // MySQL's primary key of a sessions table, MongoDB); a row's texts in Postgres's detail.
    [
      "Violation of UNIQUE KEY constraint 'UQ_users_api_key'. Cannot insert duplicate key in object 'dbo.users'. The duplicate key value is (Hk7Pq2Wz9Xm4Lt8Rv3Ns6Yb).",
      'Hk7Pq2Wz9Xm4Lt8Rv3Ns6Yb',
    ],
    [
      "Cannot insert duplicate key row in object 'dbo.api_keys' with unique index 'IX_api_keys_value'. The duplicate key value is (Dk4Vq9Xm2Lz7Tp3Wn8Rb5Hc).",
      'Dk4Vq9Xm2Lz7Tp3Wn8Rb5Hc',
    ],
    ["Duplicate entry 'Ys3Kd8Vq1Np6Zr4Lx9Tm2Wb' for key 'sessions.PRIMARY'", 'Ys3Kd8Vq1Np6Zr4Lx9Tm2Wb'],
    [
      'E11000 duplicate key error collection: app.sessions index: _id_ dup key: { _id: "Pz4Lw9Qc2Hx7Tm5Rb8Vn1Ks" }',
      'Pz4Lw9Qc2Hx7Tm5Rb8Vn1Ks',
    ],
    [
      'DETAIL: Failing row contains (42, ops@acme.io, Ops Bot, null, q3Zr8KpX1vNw7LmT4sYc9HbE2uJfA6dG, t).',
      'q3Zr8KpX1vNw',
    ],
    // Secrets given to calls in source lines sent as context.
    ["const driver = neo4j.driver(url, neo4j.auth.basic('neo4j', 'letmein!23'))", 'letmein!23'],
    ["new cassandra.auth.PlainTextAuthProvider('app', 'Cass!2024');", 'Cass!2024'],
    ["client.bind('cn=admin,dc=example,dc=org', 'LdapBind!24', (err) => {", 'LdapBind!24'],
    ["twilio(process.env.TWILIO_ACCOUNT_SID, 'a3f9c1e7b5d24f6a8c0e2b4d6f8a0c2e')", 'a3f9c1e7b5d24f6a'],
    [
      "new ethers.Wallet('0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318')",
      '4c0883a691029',
    ],
    ["Parse.initialize('myAppId', 'jsKeyJ4k2L9', 'mK7vQ2xR9pLw4ZtB8nYc');", 'mK7vQ2xR9pLw4ZtB8nYc'],
    ["const key = new TextEncoder().encode('cc7e0d44fd473002f1c42167');", 'cc7e0d44fd473002'],
    ["Cookies.set('auth_token', '7794a6ec3c97c374efc30eac4f5f5cda', { expires: 7 })", '7794a6ec3c97c374'],
    ["headers: { Authorization: 'Basic ' + btoa('deploy:Mv8qZ2wKx') }", 'Mv8qZ2wKx'],
    ["const cko = new Checkout('sk_sbox_4wkfz768ajx07jhnskn3g4vb1mj');", '4wkfz768ajx07jhn'],
    // A session in an ASP.NET path, an RTMP stream key, an Ably key's secret, a code before what
    // it is, a token after a bare auth, signed-URL parameters.
    ['GET /(S(lit3py55t21z5v55vlm25s55))/default.aspx', 'lit3py55t21z5v55'],
    ['ffmpeg -f flv rtmp://live.twitch.tv/app/live_123456789_AbCdEfGhIjKlMnOpQrStUvWxYz', 'AbCdEfGhIjKlMnOp'],
    [
      'Ably: unable to connect with key aB3cD4.eF5gH6:Rk8Tq3Vx9Lm2Zp7Wn4Bc1Hd6Jf0Gs5Ya2Xe8Qu3Io',
      'Rk8Tq3Vx9Lm2Zp7W',
    ],
    ['body="G-482913 is your Acme verification code."', '482913'],
    ['*730164* is your verification code.', '730164'],
    ['auth 8f14e45fceea167a5a36dedd4bea2543', '8f14e45fceea167a'],
    ['GET /router/rest?method=x&sign_method=md5&sign=9f86d081884c7d659a2feaa0c55ad015', '9f86d081884c7d65'],
    ['GET /lesson-1.mp4?md5=AUEnXC7KjyFNdvvFnArw3w&expires=2147483647', 'AUEnXC7KjyFNdvvF'],
    // Node's errors for a header value and an argument of the wrong type, named by the header or
    // the argument; calls that take a password or a key; a Mandrill and a Ghost key; an OVH
    // consumer key; a Vercel deploy hook; IMAP's LOGIN and FTP's PASS.
    [
      'TypeError [ERR_HTTP_INVALID_HEADER_VALUE]: Invalid value "34c2553dd86dd22f039ec15baeec1018\r\n" for header "X-Api-Key"',
      '34c2553dd86dd22f',
    ],
    [
      'The "password" argument must be of type string or an instance of Buffer. Received type number (20240101)',
      '20240101',
    ],
    ["CALL dbms.security.changePassword('N3o4j!Pw')", 'N3o4j!Pw'],
    ['db.changeUserPassword("reporting", "N3wMongoPw!")', 'N3wMongoPw!'],
    ["CryptoJS.AES.decrypt(ciphertext, 'secret key 123').toString(CryptoJS.enc.Utf8)", 'secret key 123'],
    [
      "asana.Client.create().useAccessToken('2/7281355808669299/7627686825133823:5a62e289')",
      '7627686825133823',
    ],
    ['{"key":"md-sZmcL8EcYUzS7Q1SW605gU","message":{}}', 'md-sZmcL8EcYUzS7Q1SW605gU'],
    [
      "key: '3228d363fbf82b00371cc12a:27d74c75ae23e437c681a8123fdf0b1f38ec57ae3ce11775c6b0f9fd3939dec9'",
      '27d74c75ae23e437',
    ],
    ['> X-Ovh-Consumer: Lhf9N82xOiw1XZkPWu6L35xqPIQWqTAI', 'Lhf9N82xOiw1XZkP'],
    [
      'POST https://api.vercel.com/v1/integrations/deploy/prj_FLTDN8pHZI5igaY4tny2jf6UqSnx/uMEYglz0ja 404',
      'uMEYglz0ja',
    ],
    [`=> 'A1 LOGIN "support@example.com" "ImapLogin!9"'`, 'ImapLogin!9'],
    [
      '> USER backup\n< 331 Please specify the password.\n> PASS FtpPass2024\n< 230 Login successful.',
      'FtpPass2024',
    ],
    ["app.use(basicAuth({ users: { admin: 'Wq8rT3vZpK' }, challenge: true }));", 'Wq8rT3vZpK'],
    // Commands that set an environment variable or log a CLI in with a token.
    ['cf set-env billing-api DB_PASSWORD CfEnvPass7', 'CfEnvPass7'],
    ['netlify env:set DATABASE_PASSWORD NetlifyEnv5 --context production', 'NetlifyEnv5'],
    ['setx DB_PASSWORD "SetxPass!3" /M', 'SetxPass!3'],
    ['set -Ux DB_PASSWORD FishPass42', 'FishPass42'],
    ['launchctl setenv NPM_TOKEN 5444a8ec-793b-4d00-a984-4579299c1d4e', '5444a8ec-793b-4d00'],
    ['wandb login fbd0b3deeb3d3460f3a62df7d4ba9e3d2268e125', 'fbd0b3deeb3d3460'],
    ['ngrok config add-authtoken 2X86NExxt0KNxBcybk8lnRfTvvt_sfYIRlaS6bX7lYfMMOj4U', '2X86NExxt0KNxBcy'],
    // A password in prose in other languages; base64 of text that holds a secret.
    ['Ihr neues Passwort lautet: Sommer2024!', 'Sommer2024!'],
    ['Passwort für bob lautet Sommer2024!', 'Sommer2024!'],
    ['mot de passe « Soleil2024 » refusé', 'Soleil2024'],
    ['неверный пароль Qwerty123 для пользователя bob', 'Qwerty123'],
    ['您的初始密码为Abc12345，请登录后及时修改。', 'Abc12345'],
    ['仮パスワードは「Tokyo2024!」です。', 'Tokyo2024!'],
    ['임시 비밀번호는 Seoul!2024 입니다.', 'Seoul!2024'],
    ['data: { "db-url": "cG9zdGdyZXM6Ly9hcHA6VHIwdWI0ZG9yOTlAZGIvcHJvZA==" }', 'cG9zdGdyZXM6Ly9hcHA6'],
    [
      'KUBE_CONFIG_DATA=dXNlcnM6Ci0gbmFtZTogY2kKICB1c2VyOgogICAgdG9rZW46IGtxOFpyMlh2N0xtNFRuN1dwM1lzNkhiMUpkNUZjMEdhCg==',
      'dXNlcnM6Ci0gbmFtZTog',
    ],
    // A value GraphQL's reason quotes again; an Ably key with a longer key id; MySQL's rejected
    // value of a sensitive column; a licence key; an e-mail escaped for HTML.
    [
      'Variable "$otp" got invalid value "48a913"; Int cannot represent non-integer value: "48a913"',
      '48a913',
    ],
    ["new Ably.Realtime('xVLyHw.A-pwh7w:Nl4z6oBeqbSKzZTHTmBU1VW8nq5w_WvDjK4tGL2nOzQ')", 'Nl4z6oBeqbSKzZTH'],
    ["Incorrect integer value: '73a9k1' for column 'pin' at row 1", '73a9k1'],
    ['license 7QKXW-2MBRT-9VHNP-4GCZD-8YJLF', '7QKXW-2MBRT'],
    // JSON escaped for HTML (an attribute, an inline config) and by Gson.
    [
      'data-props="{&quot;user&quot;:&quot;bob&quot;,&quot;password&quot;:&quot;Hunter42xyz&quot;}"',
      'Hunter42xyz',
    ],
    ['window.__CONFIG__ = {&quot;apiKey&quot;:&quot;Kq7Vx2Zm9Lt4Wp8Rn3Hc&quot;}', 'Kq7Vx2Zm9Lt4Wp8Rn3Hc'],
    ['&lt;password&gt;Sn0wfall77&lt;/password&gt;', 'Sn0wfall77'],
    [
      '{"resetUrl":"https://app.example.com/reset?token\\u003dGq5Xz8Kv2Lm7Tp4Wn9Rc\\u0026lang\\u003den"}',
      'Gq5Xz8Kv2Lm7Tp4Wn9Rc',
    ],
    // GraphQL's and yup's errors for a rejected value, named by the variable or the path.
    [
      'Variable "$password" got invalid value "GqlPass!23"; String must be at least 12 characters.',
      'GqlPass!23',
    ],
    ['Variable "$otp" got invalid value "48a913"; Expected type "Int".', '48a913'],
    ['pin must be a `number` type, but the final value was: `NaN` (cast from the value `"49a7"`).', '49a7'],
    // Validation errors as JSON: Spring's rejectedValue, FastAPI's input beside its loc.
    ['{"errors":[{"field":"password","rejectedValue":"Galaxy7Horse"}]}', 'Galaxy7Horse'],
    [
      '{"detail":[{"loc":["body","api_key"],"input":"Kx4Vq9Zm2Lt7Wp3Rn8","msg":"bad"}]}',
      'Kx4Vq9Zm2Lt7Wp3Rn8',
    ],
    // Log intakes and heartbeats whose URL is the credential.
    [
      'POST https://http-intake.logs.datadoghq.com/v1/input/9f3e2d1c0b4a59687f6e5d4c3b2a1908',
      '9f3e2d1c0b4a5968',
    ],
    [
      'POST https://logs-01.loggly.com/inputs/3f9c2a7e-5b1d-4c8e-9f6a-2d4b8e1c7a90/tag/http/',
      '3f9c2a7e-5b1d',
    ],
    [
      'POST https://endpoint4.collection.sumologic.com/receiver/v1/http/ZaVnC4dhaV2ZdcOdwQHRc1Y4QB==',
      'ZaVnC4dhaV2ZdcOd',
    ],
    ['GET https://hc-ping.com/d7c1f8a2-93b4-4e6a-8f21-5c0e9b7a3d64/fail', 'd7c1f8a2-93b4'],
    ['GET https://status.example.com/api/push/Xk3mP9qL2vR7?status=down', 'Xk3mP9qL2vR7'],
    ['POST https://uptime.betterstack.com/api/v1/heartbeat/pQ7mZx2kL9vN4rT8wY3s/fail', 'pQ7mZx2kL9vN4rT8'],
    ['POST https://hook.eu1.make.com/7fk2nq9xw4bz1h8mvl3c6tp5rj0dsy', '7fk2nq9xw4bz1h8m'],
    ['POST https://eo2x9kq7m3vz1tb.m.pipedream.net/', 'eo2x9kq7m3vz1tb'],
    ['GET /cb?state=Zq8Lm2Xv7Np3Kd9WHk4Lp9Qz', 'Zq8Lm2Xv7Np3Kd9WHk4L'],
    ['no sessionId q8Zr4Lm2Xv7Np3Kd9Ws6Tb in store', 'q8Zr4Lm2Xv7Np3Kd9Ws6'],
    ['okta token 001yzUpgPWPMnUFEVejCJIJyp0nKbWh6JWPu7g345u', '001yzUpgPWPMnUFEVejC'],
    // Base64 JSON (`{"` is `eyJ`) and five-part JWEs.
    ['registry eyJhdXRocyI6eyJyZWdpc3RyeSI6eyJhdXRoIjoiYWJjIn19fQ==', 'eyJhdXRocyI6eyJyZWdp'],
    [
      'eyJhbGciOiJSU0EtT0FFUCJ9.rCnWVAH6PSjq3idydwno.SRqHaFAnghotCNSP.e745a3016fcd2b89e745a.Xk9qBYpqNoJmxu',
      'e745a3016fcd2b89e745a',
    ],
    // Webhooks and vendor shapes.
    [
      'https://contoso.webhook.office.com/webhookb2/0aa9e3f1-aaaa-bbbb-cccc-9d8e7f6a5b4c@1b2c3d4e-1111-2222-3333-444455556666/IncomingWebhook/d2b89e745a3016fcd2b89e745a3016fc/6fcd2b89-1111-2222-3333-444455556666',
      'd2b89e745a3016fcd2b89e745a3016fc',
    ],
    [
      j('POST https://api.telegram.org/bot', '123456789:AA', 'G1Ez6ZAHmDI1st2tE903MNwzknChCj8tx/sendMessage'),
      'G1Ez6ZAHmDI1st2tE903',
    ],
    [j('twilio ', 'S', 'Kfcd2b89e745a3016fcd2b89e745a3016'), 'fcd2b89e745a3016fcd2b'],
    [j('stripe ', 'wh', 'sec_zKdGJ0nWNKXKb6bCXMrQvu5sv6XeDUpk'), 'zKdGJ0nWNKXKb6bCXMrQ'],
    [j('sk', '_prod_', 'az61Of6De9cnkLQ3YXyZ2VyV'), 'az61Of6De9cnkLQ3YXyZ'],
    [j('dp', '.st.dev.', 'Be9mTkzuvOhqJ0fUZiV8ZgRYb4pal8nGdyJUH41S'), 'Be9mTkzuvOhqJ0fUZiV8'],
    [j('mailgun ', 'key', '-89e745a3016fcd2b89e745a3016fcd2b'), '89e745a3016fcd2b89e7'],
    [j('mc ', '16fcd2b89e745a3016fcd2b89e745a30', '-us14'), '16fcd2b89e745a3016fc'],
    // Passwords on command lines (a cron job's command is reported).
    ['mysqldump -u root -pS3cretPw shop > /backup/shop.sql', 'S3cretPw'],
    ['curl -u admin:Pa55wordC https://x', 'Pa55wordC'],
    ['curl --user=admin:Pa55wordC https://x', 'Pa55wordC'],
    // More key names.
    ['Ocp-Apim-Subscription-Key: 89e745a3016fcd2b89e745a3016fcd2b', '89e745a3016fcd2b89e7'],
    ['DB_PW=Sup3rS3cret', 'Sup3rS3cret'],
    ['HMAC_KEY=fcd2b89e745a3016fcd2b89e', 'fcd2b89e745a3016fcd2b89e'],
    ['SUPABASE_SERVICE_KEY=VKZSrCFODCfMTGnovgnO', 'VKZSrCFODCfMTGnovgnO'],
    ['cookies: theme=dark; _gitlab_session=9f8e7d6c5b4a39281706abcdef123456', '9f8e7d6c5b4a39281706'],
    ['{"laravel_session":"abc123def456ghi789"}', 'abc123def456ghi789'],
  ])('%j loses %j', (text, secret) => {
    for (const sendDefaultPii of [false, true]) {
      const out = scrubString(text, { sendDefaultPii });
      expect(out).not.toContain(secret);
      expect(out).toContain(FILTERED);
      expect(scrubString(out, { sendDefaultPii })).toBe(out);
    }
  });

  it('filters a literal fallback after code that is kept as code', () => {
    const code = (line: string) => scrubStringWith(line, compileScrub(), 'code');
    expect(code("const secret = process.env.JWT_SECRET || 'dev-secret-change-me';")).toBe(
      `const secret = process.env.JWT_SECRET || '${FILTERED}';`,
    );
    expect(code('const password = opts.password ?? "Fallback-Pa55";')).toBe(
      `const password = opts.password ?? "${FILTERED}";`,
    );
    expect(code('  password: process.env.DB_PASSWORD,')).toBe('  password: process.env.DB_PASSWORD,');
    expect(code("const role = user.role || 'admin';")).toBe("const role = user.role || 'admin';");
    // A comparison is no pair.
    expect(code('if (socket.session == null && cookies.length === 1) {')).toBe(
      'if (socket.session == null && cookies.length === 1) {',
    );
  });

  it('filters a header line to its end and no further', () => {
    expect(scrubString('Cookie: a=1; b=2\r\nHost: example.com')).toBe(
      `Cookie: ${FILTERED}\r\nHost: example.com`,
    );
    expect(scrubString('{"cookie":"a=1; b=2","host":"example.com"}')).toBe(
      `{"cookie":"${FILTERED}","host":"example.com"}`,
    );
    expect(scrubString('cookie: expired')).toBe('cookie: expired');
    expect(scrubStringWith("  cookies: { theme: 'dark' },", compileScrub(), 'code')).toBe(
      `  cookies: ${FILTERED},`,
    );
  });

  it('keeps token counts, while a count key with another sensitive word is still filtered', () => {
    expect(
      scrubValue({
        usage: { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42, cache_read_input_tokens: 3 },
        max_tokens: 4096,
        token_count: 5,
        tokens: 'opaque',
        input_token: 'opaque',
        secret_max_tokens: 7,
      }),
    ).toEqual({
      usage: { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42, cache_read_input_tokens: 3 },
      max_tokens: 4096,
      token_count: 5,
      tokens: FILTERED,
      input_token: FILTERED,
      secret_max_tokens: FILTERED,
    });
    expect(scrubString('max_tokens=4096 token_count: 5')).toBe('max_tokens=4096 token_count: 5');
    expect(scrubStringWith('  const tokenCount = 5;', compileScrub(), 'code')).toBe(
      '  const tokenCount = 5;',
    );
  });

  it('judges a last word `session` or `sess` as a session cookie, and `iban` as a word only', () => {
    for (const key of [
      'laravel_session',
      '_gitlab_session',
      'koa:sess',
      'rack.session',
      'userSession',
      'ibanNumber',
    ]) {
      expect(isSensitiveKey(key), key).toBe(true);
    }
    for (const key of ['session_count', 'session_start', 'sessions', 'possession', 'kibana']) {
      expect(isSensitiveKey(key), key).toBe(false);
    }
  });

  it('keeps paths, ids and prose that only look like the new shapes', () => {
    for (const text of [
      'GET /api/v1/tokens/42',
      'GET /static/js/reset.8f9a2b3c4d5e6f70.js',
      'at verifyToken (/app/src/auth/verify-token/index.js:10:5)',
      'https://cdn.example.com/invite/landing-page',
      'Duplicate key value violates unique constraint "users_email_key"',
      'invalid token provided for user 42',
      'Map(2) { "a" => 1, "b" => 2 }',
      'git+ssh://git@github.com/org/repo.git',
      'SKU-12345-ABCDE-67890',
      'mysql -h db -P 3306 -u root -p shop',
      'docker run -u 1000:1000 node:20',
      'node app.js | pino-http-send -u http://localhost:8080/logs',
      '[auth]: login failed for user 42',
      '[kibana]: https://www.elastic.co/products/kibana',
    ]) {
      expect(scrubString(text, { sendDefaultPii: true })).toBe(text);
    }
  });
});

describe('tables printed as text', () => {
  // What Node's console.table prints (through console.log) for a list of objects and for one object.
  const list = inspectTable([
    { user: 'ada', password: 'Hunter2!xyz', plan: 'pro' },
    { user: 'bob', password: 'S3cret-pass', plan: 'free' },
  ]);
  const object = inspectTable({ region: 'eu-west-1', apiKey: 'q8Zr4Lm2Xv7Np3Kd9Ws6', retries: 3 });

  it('a column headed by a sensitive name loses its cells; a row named by one, its values', () => {
    expect(scrubString(list)).toBe(
      list.replace("'Hunter2!xyz'", '[Filtered]   ').replace("'S3cret-pass'", '[Filtered]   '),
    );
    expect(scrubString(object)).toBe(object.replace("'q8Zr4Lm2Xv7Np3Kd9Ws6'", '[Filtered]            '));
  });

  it('also as Markdown, inside a JSON string, escaped twice, and percent-encoded', () => {
    const markdown = '| name | value |\n|---|:--|\n| DB_PASSWORD | Hunter2!xyz |\n| PORT | 8080 |';
    expect(scrubString(markdown)).toBe(markdown.replace('Hunter2!xyz', '[Filtered] '));
    for (const text of [
      JSON.stringify({ message: list }),
      JSON.stringify(JSON.stringify({ message: object })),
      JSON.stringify({ message: markdown }),
      `https://app.example.com/report?q=${encodeURIComponent(list)}`,
    ]) {
      const out = scrubString(text);
      for (const secret of ['Hunter2', 'S3cret-pass', 'q8Zr4Lm2Xv7Np3Kd'])
        expect(decodeURIComponent(out)).not.toContain(secret);
    }
  });

  it('leaves tables without secrets, pipes and alternatives as they are', () => {
    for (const text of [
      inspectTable([{ id: 1, status: 'paid', total: 42.5 }]),
      '| key | hits |\n|---|---|\n| cart:42 | 7 |\n| token_count | 12 |',
      'cat access.log | grep password | wc -l',
      'const value = a || b || c;',
      '| 1 | 2 |',
    ])
      expect(scrubString(text)).toBe(text);
  });
});

describe('a password named in another language', () => {
  const words = [
    'contraseña',
    'Passwort',
    'parola',
    'lozinka',
    'лозинка',
    'geslo',
    'kodeord',
    'гасло',
    'contrasenya',
    'mật khẩu',
    'kata_sandi',
    'kataLaluan',
    'סיסמה',
    'كلمة المرور',
    'पासवर्ड',
    'รหัสผ่าน',
  ];

  it.each(words)('as a key: %s', (word) => {
    expect(scrubValue({ [word]: 'Hunter2!xyz', user: 'ada' })).toEqual({ [word]: FILTERED, user: 'ada' });
  });

  it.each(words)('in text: %s', (word) => {
    expect(scrubString(`login failed, ${word}: Hunter2!xyz`)).toBe(`login failed, ${word}: ${FILTERED}`);
  });

  it('in text written in Chinese or Japanese, an English name before a full-width colon too', () => {
    expect(scrubString('登录失败 密码：Hunter2!xyz')).toBe(`登录失败 密码：${FILTERED}`);
    expect(scrubString('登录失败 password：Hunter2!xyz, token： k3y-v4lue')).toBe(
      `登录失败 password：${FILTERED}, token： ${FILTERED}`,
    );
    expect(scrubString('时间：12:00 用户：ada')).toBe('时间：12:00 用户：ada');
  });

  it('leaves words that only contain one', () => {
    expect(scrubValue({ parolee: 'case 42', parole_board: 'north' })).toEqual({
      parolee: 'case 42',
      parole_board: 'north',
    });
  });
});

describe('password hashes, which can be cracked offline', () => {
  it.each([
    [
      'root:$6$rounds=5000$Xq9Lm2Kd$F7Np3Kd9Ws6q8Zr4Lm2XvF7Np3Kd9Ws6q8Zr4Lm2Xv:19000:0:99999:7:::',
      'F7Np3Kd9Ws6q',
    ],
    ['admin:$apr1$9Ki3Nl2x$F7Np3Kd9Ws6q8Zr4Lm2Xv.', 'F7Np3Kd9Ws6q'],
    ['bob:$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7:19000::', 'X3DX6M94c7o'],
    ['pbkdf2_sha256$600000$6ZnlD9Lq$gOZ1bVr3n0sXk2YpCbq1yJw8m1V9j0s3d2C0Q=', 'gOZ1bVr3n0sX'],
  ])('%s', (text, secret) => {
    expect(scrubString(text)).not.toContain(secret);
  });

  it('leaves prices and other dollar signs', () => {
    for (const text of ['price $5$ and $6$ deals', 'cost: $1$ each, total $5$10', 'echo $HOME$PATH'])
      expect(scrubString(text)).toBe(text);
  });
});

describe('values inside wrappers and CDATA', () => {
  it.each([
    ['Config { password: Some("Hunter2!xyz"), user: "bob" }', 'Hunter2!xyz'],
    ['array(1) { ["password"]=> string(11) "Hunter2!xyz" }', 'Hunter2!xyz'],
    ['<password><![CDATA[Hunter2!xyz]]></password>', 'Hunter2!xyz'],
    ['<Password><![CDATA[p<ss]Hunter2]]></Password>', 'Hunter2'],
  ])('%s', (text, secret) => {
    expect(scrubString(text)).not.toContain(secret);
    expect(scrubString(text)).toContain('[Filtered]');
  });
});

describe('delimited text: CSV and TSV', () => {
  it('filters the cells of a column whose header names a secret, in every row below', () => {
    const upload = [
      'email,password,role',
      'ada@example.com,Hunter2!xyz,admin',
      'bob@example.com,"p,ss w0rd",user',
      ',,guest',
      '',
      'total,3',
    ].join('\r\n');
    expect(scrubString(upload, { sendDefaultPii: true })).toBe(
      [
        'email,password,role',
        'ada@example.com,[Filtered],admin',
        'bob@example.com,"[Filtered]",user',
        ',,guest',
        '',
        'total,3',
      ].join('\r\n'),
    );
  });

  it('reads semicolons, tabs, quoted headers and a header after other lines', () => {
    expect(scrubString('Export of 2 users:\nid;Name;Passwort\n1;Ada;geheim123\n2;Bob;"x;y"')).toBe(
      'Export of 2 users:\nid;Name;Passwort\n1;Ada;[Filtered]\n2;Bob;"[Filtered]"',
    );
    expect(scrubString('user\tapi_key\tplan\nada\tk3yv4lue9\tpro')).toBe(
      'user\tapi_key\tplan\nada\t[Filtered]\tpro',
    );
    expect(scrubString('"Name","Secret Key"\n"Ada","abc123"')).toBe(
      '"Name","Secret Key"\n"Ada","[Filtered]"',
    );
  });

  it('stops at a row with another number of cells, and leaves tables without secrets and prose', () => {
    expect(scrubString('user,token\nada,t0k3n\nnote: ada, bob, carol')).toBe(
      'user,token\nada,[Filtered]\nnote: ada, bob, carol',
    );
    for (const text of ['id,name,plan\n1,Ada,pro\n2,Bob,free', 'Hello, World\nfoo, bar', 'a,b\n1,2,3'])
      expect(scrubString(text)).toBe(text);
  });
});

/** The text Node's console.table writes for `data`, without a terminal's colors. */
function inspectTable(data: unknown): string {
  let out = '';
  const stdout = new Writable({
    write(chunk, _encoding, done) {
      out += String(chunk);
      done();
    },
  });
  new Console({ stdout, colorMode: false }).table(data);
  return out.trimEnd();
}

describe('scrubOptionsProblem', () => {
  it('names the first malformed entry, and the scrubber keeps its built-in rules and the valid entries', () => {
    expect(scrubOptionsProblem(undefined)).toBeUndefined();
    expect(
      scrubOptionsProblem({
        denyKeys: ['a', /b/],
        allowKeys: ['c'],
        valuePatterns: [{ name: 'x', pattern: /x/ }],
      }),
    ).toBeUndefined();
    expect(scrubOptionsProblem('token')).toBe('option "scrub" must be an object');
    expect(scrubOptionsProblem({ allowKeys: 'token' })).toBe(
      'option "scrub.allowKeys" must be an array of strings',
    );
    expect(scrubOptionsProblem({ denyKeys: ['ok', 3] })).toBe(
      'option "scrub.denyKeys[1]" must be a string or RegExp',
    );
    expect(scrubOptionsProblem({ valuePatterns: [{ name: 'x', pattern: 'TCK-\\d+' }] })).toBe(
      'option "scrub.valuePatterns[0]" must be a { name, pattern: RegExp } object',
    );
    const bad = {
      allowKeys: 'password',
      denyKeys: ['tenant', 3],
      valuePatterns: [{ pattern: 'x' }],
    } as never;
    expect(scrubString('password=hunter2 tenant=acme', bad)).toBe(`password=${FILTERED} tenant=${FILTERED}`);
  });
});
