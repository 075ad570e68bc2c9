/**
 * DSN parsing (https://develop.sentry.dev/sdk/foundations/transport/authentication/):
 * `{scheme}://{public_key}@{host}[:{port}]{/path}/{project_id}`, read with the page's `URL`.
 */
import type { Dsn } from '@faultline/core';

/** What can be wrong, in the order it is checked. */
const PROBLEMS = [
  'not a URL',
  'scheme not http(s)',
  'no public key',
  'has a query or fragment',
  'no numeric project id',
];

/** Parses a DSN; returns the parsed DSN, or the sentence that says what is wrong. Never throws. */
export function parseDsn(input: string): Dsn | string {
  let problem = 0;
  try {
    const url = new URL(input);
    const [, path = '', projectId] = /^(.*)\/(\d+)\/?$/.exec(url.pathname) ?? [];
    problem = !/^https?:$/.test(url.protocol)
      ? 1
      : !url.username
        ? 2
        : /[?#]/.test(input)
          ? 3
          : projectId
            ? -1
            : 4;
    if (problem < 0)
      return {
        protocol: url.protocol.slice(0, -1) as Dsn['protocol'],
        publicKey: url.username,
        host: url.hostname,
        path,
        projectId: projectId!,
        ...(url.port && { port: url.port }),
      };
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
