import { describe, expect, it } from 'vitest';
import { authHeader, type Dsn, dsnToString, envelopeEndpoint, envelopeUrlWithAuth, parseDsn } from './dsn.js';

function parsed(input: string): Dsn {
  const result = parseDsn(input);
  if (!result.ok) throw new Error(`expected ${input} to parse: ${result.error}`);
  return result.dsn;
}

function error(input: string): string {
  const result = parseDsn(input);
  if (result.ok) throw new Error(`expected ${input} to be rejected`);
  return result.error;
}

describe('parseDsn', () => {
  it('parses a SaaS DSN', () => {
    expect(parsed('https://abc123@o1.ingest.us.sentry.io/42')).toEqual({
      protocol: 'https',
      publicKey: 'abc123',
      host: 'o1.ingest.us.sentry.io',
      path: '',
      projectId: '42',
    });
  });

  it('parses secret key, port and path prefix', () => {
    expect(parsed('http://pub:sec@localhost:9000/sentry/ingest/7')).toEqual({
      protocol: 'http',
      publicKey: 'pub',
      secretKey: 'sec',
      host: 'localhost',
      port: '9000',
      path: '/sentry/ingest',
      projectId: '7',
    });
  });

  it('accepts an empty secret after the colon', () => {
    const dsn = parsed('https://pub:@host/1');
    expect(dsn.publicKey).toBe('pub');
    expect(dsn.secretKey).toBeUndefined();
  });

  it('accepts bracketed IPv6 hosts with and without port', () => {
    expect(parsed('http://k@[::1]:8080/3')).toMatchObject({ host: '[::1]', port: '8080', projectId: '3' });
    expect(parsed('http://k@[2001:db8::1]/3')).toMatchObject({ host: '[2001:db8::1]', projectId: '3' });
    expect(parsed('http://k@[2001:db8::1]/3').port).toBeUndefined();
    expect(parsed('http://k@[2001:DB8::A1]/3')).toMatchObject({ host: '[2001:DB8::A1]' });
  });

  it('is case-insensitive in the scheme, trims whitespace, tolerates one trailing slash', () => {
    expect(parsed('  HTTPS://k@host/5/\n')).toMatchObject({ protocol: 'https', projectId: '5', path: '' });
    expect(parsed('hTtP://k@host/5')).toMatchObject({ protocol: 'http' });
  });

  it.each([
    ['', /expected http\(s\):\/\/publickey@host\/projectid/],
    ['   ', /expected http/],
    ['not a dsn', /expected http/],
    ['host/42', /expected http/],
    ['ftp://k@host/1', /expected http\(s\)/],
    ['https://host/1', /missing or invalid public key/],
    ['https://@host/1', /missing or invalid public key/],
    ['https://:secret@host/1', /missing or invalid public key/],
    ['https://k@host', /missing or non-numeric project id/],
    ['https://k@host/', /missing or non-numeric project id/],
    ['https://k@host/abc', /missing or non-numeric project id/],
    ['https://k@host/1?x=1', /no query or fragment/],
    ['https://k@host/1#top', /fragment/],
    ['https://k@/1', /invalid host, port/],
    ['https://k@host:abc/1', /invalid host, port/],
    ['https://k@host:/1', /invalid host, port/],
    ['https://k@host:70000/1', /invalid host, port \(1-65535\)/],
    ['https://k@host:0/1', /invalid host, port/],
    ['https://k@[::1/1', /invalid host, port/],
    ['https://k@[::1]x/1', /invalid host, port/],
    ['https://k@ho st/1', /invalid host, port/],
    ['https://k@host//1', /or path/],
  ])('rejects %j, naming the problem', (input, message) => {
    expect(error(input)).toMatch(message);
    expect(error(input)).toMatch(/^Invalid DSN /);
  });

  it('never throws on non-string input', () => {
    expect(parseDsn(undefined as unknown as string)).toEqual({
      ok: false,
      error: 'Invalid DSN "": expected http(s)://publickey@host/projectid',
    });
    expect(parseDsn(42 as unknown as string).ok).toBe(false);
  });

  it('parses port and path prefix together, and a trailing slash after a secret key and IPv6 host', () => {
    expect(parsed('https://abc123@sentry.example.com:8443/sentry/42')).toEqual({
      protocol: 'https',
      publicKey: 'abc123',
      host: 'sentry.example.com',
      port: '8443',
      path: '/sentry',
      projectId: '42',
    });
    expect(dsnToString(parsed('http://pub:secret@[::1]:9000/7/'))).toBe('http://pub@[::1]:9000/7');
  });

  it('never echoes the secret key in an error message', () => {
    const message = error('ftp://pub:topsecret@host/1');
    expect(message).not.toContain('topsecret');
    expect(message).toContain('pub:***@');
  });
});

describe('dsnToString', () => {
  it('round-trips without the secret key', () => {
    const input = 'http://pub:sec@[::1]:9000/prefix/7';
    const dsn = parsed(input);
    expect(dsnToString(dsn)).toBe('http://pub@[::1]:9000/prefix/7');
    expect(dsnToString(parsed('https://k@host/1'))).toBe('https://k@host/1');
  });
});

describe('endpoints and auth', () => {
  it('builds the envelope endpoint keeping the path prefix', () => {
    expect(envelopeEndpoint(parsed('https://k@host/sentry/42'))).toBe('https://host/sentry/api/42/envelope/');
    expect(envelopeEndpoint(parsed('http://k@127.0.0.1:8000/1'))).toBe(
      'http://127.0.0.1:8000/api/1/envelope/',
    );
    expect(envelopeEndpoint(parsed('http://k@[::1]:8000/1'))).toBe('http://[::1]:8000/api/1/envelope/');
  });

  it('builds the X-Sentry-Auth header', () => {
    expect(authHeader(parsed('https://abc@host/1'), 'faultline.node/1.0.0')).toBe(
      'Sentry sentry_version=7, sentry_client=faultline.node/1.0.0, sentry_key=abc',
    );
    expect(authHeader(parsed('https://abc:xyz@host/1'), 'faultline.node/1.0.0')).toBe(
      'Sentry sentry_version=7, sentry_client=faultline.node/1.0.0, sentry_key=abc, sentry_secret=xyz',
    );
  });

  it('builds the query-string auth form like the official JS SDK, without the secret', () => {
    expect(
      envelopeUrlWithAuth(parsed('https://abc123:sec@o1.ingest.sentry.io/42'), 'faultline.browser/0.0.1'),
    ).toBe(
      'https://o1.ingest.sentry.io/api/42/envelope/?sentry_version=7&sentry_key=abc123&sentry_client=faultline.browser%2F0.0.1',
    );
  });
});
