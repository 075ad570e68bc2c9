import { describe, expect, it } from 'vitest';
import { dsnToString, envelopeUrl, parseDsn } from './dsn.js';

describe('DSN', () => {
  it('parses a DSN, with port and path prefix, into the envelope URL with query auth', () => {
    const dsn = parseDsn('https://abc123@sentry.example.com:8443/sentry/42');
    expect(dsn).toEqual({
      protocol: 'https',
      publicKey: 'abc123',
      host: 'sentry.example.com',
      port: '8443',
      path: '/sentry',
      projectId: '42',
    });
    if (typeof dsn === 'string') throw new Error(dsn);
    expect(envelopeUrl(dsn, 'faultline.browser/1.0.0')).toBe(
      'https://sentry.example.com:8443/sentry/api/42/envelope/?sentry_version=7&sentry_key=abc123&sentry_client=faultline.browser%2F1.0.0',
    );
    expect(dsnToString(dsn)).toBe('https://abc123@sentry.example.com:8443/sentry/42');
  });

  it('drops the secret key of an old-style DSN', () => {
    const dsn = parseDsn('http://pub:secret@[::1]:9000/7/');
    if (typeof dsn === 'string') throw new Error(dsn);
    expect(dsn).toMatchObject({ protocol: 'http', publicKey: 'pub', host: '[::1]', projectId: '7' });
    expect(dsnToString(dsn)).toBe('http://pub@[::1]:9000/7');
  });

  it.each([
    ['', 'not a URL'],
    ['just words', 'not a URL'],
    ['ftp://key@host/1', 'scheme not http(s)'],
    ['https://host/1', 'no public key'],
    ['https://key@host/1?x=1', 'has a query or fragment'],
    ['https://key@host/', 'no numeric project id'],
    ['https://key@host/abc', 'no numeric project id'],
    ['https://key@host:99999/1', 'not a URL'],
  ])('rejects %j with a message naming the problem', (input, problem) => {
    const result = parseDsn(input);
    expect(typeof result).toBe('string');
    expect(result).toContain(problem);
    expect(result).toMatch(/^Invalid DSN: /);
  });

  it('does not repeat a secret key in the message', () => {
    expect(parseDsn('ftp://pub:hunter2@host/1')).not.toContain('hunter2');
  });
});
