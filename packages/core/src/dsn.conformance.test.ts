/** Checks our DSN handling against the official SDK's (`@sentry/core`, a dev dependency used only here). */
import { getEnvelopeEndpointWithUrlEncodedAuth, makeDsn } from '@sentry/core';
import { describe, expect, it, vi } from 'vitest';
import { envelopeUrlWithAuth, parseDsn } from './dsn.js';

const valid = [
  'https://abc123@o1.ingest.us.sentry.io/42',
  'http://public@127.0.0.1:9000/1',
  'https://k@host/sentry/ingest/42',
  'http://k:secret@[::1]:8080/3',
  'https://k:@host/5',
];
const invalid = ['ftp://k@host/1', 'https://k@host:abc/1', 'https://k@host/abc', 'not a dsn'];

describe('parseDsn agrees with @sentry/core', () => {
  it.each(valid)('parses %s to the same parts', (input) => {
    const ours = parseDsn(input);
    const theirs = makeDsn(input);
    if (!ours.ok || !theirs) throw new Error(`both should parse ${input}`);
    expect({
      protocol: theirs.protocol,
      publicKey: theirs.publicKey,
      secretKey: theirs.pass || undefined,
      host: theirs.host,
      port: theirs.port || undefined,
      path: theirs.path ? `/${theirs.path}` : '',
      projectId: theirs.projectId,
    }).toEqual({ secretKey: undefined, port: undefined, ...ours.dsn });
  });

  it.each(valid)('builds the same query-auth endpoint for %s', (input) => {
    const ours = parseDsn(input);
    const theirs = makeDsn(input);
    if (!ours.ok || !theirs) throw new Error(`both should parse ${input}`);
    expect(envelopeUrlWithAuth(ours.dsn, 'faultline.browser/1.2.3')).toBe(
      getEnvelopeEndpointWithUrlEncodedAuth(theirs, undefined, {
        name: 'faultline.browser',
        version: '1.2.3',
      }),
    );
  });

  it.each(invalid)('rejects %s', (input) => {
    // @sentry/core reports an invalid DSN on console.error; keep the test output clean.
    const silence = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(makeDsn(input)).toBeUndefined();
    } finally {
      silence.mockRestore();
    }
    expect(parseDsn(input).ok).toBe(false);
  });
});
