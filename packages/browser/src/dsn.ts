/**
 * DSN parsing (https://develop.sentry.dev/sdk/foundations/transport/authentication/):
 * `{scheme}://{public_key}[:{secret}]@{host}[:{port}]{/path}/{project_id}`. A bad DSN is told
 * apart by a short table of checks, each with the sentence the user sees.
 */
import type { Dsn } from '@faultline/core';

const DSN =
  /^(https?):\/\/([^\s/?#@:]+)(?::[^\s/?#@]*)?@([\w.-]+|\[[\d A-Fa-f:.]+\])(?::([1-9]\d{0,4}))?((?:\/[^\s/?#]+)*)\/(\d+)\/?$/i;

/** What is wrong, tested in order: the first check whose pattern does not match names it. */
const CHECKS: Array<[RegExp, string]> = [
  [/^\w[\w+.-]*:\/\//, 'not a URL (expected scheme://publickey@host/projectid)'],
  [/^https?:/i, 'the scheme must be http or https'],
  [/^[^?#]*$/, 'a DSN must not contain a query string or fragment'],
  [/^[^/]*\/\/[^/@:]+(?::[^/@]*)?@/, 'missing public key (expected publickey@ before the host)'],
  [/@(?:[\w.-]+|\[[\d A-Fa-f:.]+\])(?::\d+)?(?:\/|$)/, 'invalid host'],
  [/\/\d+\/?$/, 'missing or non-numeric project id (expected it as the last path segment)'],
];

/** Parses a DSN; returns the parsed DSN, or the sentence that says what is wrong. Never throws. */
export function parseDsn(input: unknown): Dsn | string {
  const text = typeof input === 'string' ? input.trim() : '';
  const m = DSN.exec(text);
  if (!m || +(m[4] ?? 0) > 65535) {
    const [, problem = 'the port must be a number from 1 to 65535'] =
      CHECKS.find(([check]) => !check.test(text)) ?? [];
    return `Invalid DSN ${JSON.stringify(text.replace(/(\/\/[^:@/]*:)[^@/]*@/, '$1***@'))}: ${text ? problem : 'it is empty'}`;
  }
  const [, protocol, publicKey, host, port, path, projectId] = m;
  const dsn = { protocol: protocol!.toLowerCase(), publicKey, host, path, projectId } as Dsn;
  if (port) dsn.port = port;
  return dsn;
}

/** The envelope endpoint, with the public key as query auth, so a browser sends it without a CORS preflight. */
export function envelopeUrl(dsn: Dsn, sdkClient: string): string {
  return `${dsn.protocol}://${dsn.host}${dsn.port ? `:${dsn.port}` : ''}${dsn.path}/api/${dsn.projectId}/envelope/?sentry_version=7&sentry_key=${encodeURIComponent(dsn.publicKey)}&sentry_client=${encodeURIComponent(sdkClient)}`;
}

/** The DSN without its secret key, for the envelope header. */
export const dsnToString = (dsn: Dsn) =>
  `${dsn.protocol}://${dsn.publicKey}@${dsn.host}${dsn.port ? `:${dsn.port}` : ''}${dsn.path}/${dsn.projectId}`;
