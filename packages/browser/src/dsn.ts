/**
 * DSN parsing (https://develop.sentry.dev/sdk/foundations/transport/authentication/):
 * `{scheme}://{public_key}@{host}[:{port}]{/path}/{project_id}`, read with the page's `URL`.
 */
import type { Dsn } from '@faultline/core';

/** What can be wrong, in the order it is checked. */
const PROBLEMS = [
  'not a URL (expected scheme://publickey@host/projectid)',
  'the scheme must be http or https',
  'missing public key (expected publickey@ before the host)',
  'a DSN must not contain a query string or fragment',
  'missing or non-numeric project id (expected it as the last path segment)',
];

/** Parses a DSN; returns the parsed DSN, or the sentence that says what is wrong. Never throws. */
export function parseDsn(input: string): Dsn | string {
  let problem = 0;
  try {
    const url = new URL(input);
    const [, path = '', projectId = ''] = /^(.*)\/(\d+)\/?$/.exec(url.pathname) ?? [];
    problem =
      [/^https?:$/.test(url.protocol), url.username, !/[?#]/.test(input), projectId].findIndex((ok) => !ok) +
      1;
    if (!problem) {
      const dsn: Dsn = {
        protocol: url.protocol.slice(0, -1) as Dsn['protocol'],
        publicKey: url.username,
        host: url.hostname,
        path,
        projectId,
      };
      if (url.port) dsn.port = url.port;
      return dsn;
    }
  } catch {
    // Not a URL.
  }
  // A secret key (`https://public:secret@…`) is not repeated in the message.
  return `Invalid DSN ${JSON.stringify(input.replace(/(\/\/[^:@/]*:)[^@/]*@/, '$1***@'))}: ${PROBLEMS[problem]}`;
}

/** `{scheme}://[{key}@]{host}[:{port}]{/path}`. */
const base = (dsn: Dsn, key = '') =>
  `${dsn.protocol}://${key}${dsn.host}${dsn.port ? `:${dsn.port}` : ''}${dsn.path}`;

/** The envelope endpoint, with the public key as query auth, so a browser sends it without a CORS preflight. */
export const envelopeUrl = (dsn: Dsn, sdkClient: string) =>
  `${base(dsn)}/api/${dsn.projectId}/envelope/?sentry_version=7&sentry_key=${encodeURIComponent(dsn.publicKey)}&sentry_client=${encodeURIComponent(sdkClient)}`;

/** The DSN without its secret key, for the envelope header. */
export const dsnToString = (dsn: Dsn) => `${base(dsn, `${dsn.publicKey}@`)}/${dsn.projectId}`;
