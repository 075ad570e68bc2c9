/**
 * DSN parsing (https://develop.sentry.dev/sdk/foundations/transport/authentication/):
 * `{scheme}://{public_key}@{host}[:{port}]{/path}/{project_id}`, read with the page's `URL`.
 */
import type { Dsn } from '@faultline/core';

/**
 * Parses a DSN; returns the parsed DSN, or the sentence that says what is wrong. Never throws.
 * The message does not repeat the DSN, so a secret key (`https://public:secret@…`) never shows.
 */
export function parseDsn(input: string): Dsn | string {
  let problem = 'not a URL';
  try {
    const url = new URL(input);
    const [, path = '', projectId] = /^(.*)\/(\d+)\/?$/.exec(url.pathname) ?? [];
    problem = !/^https?:$/.test(url.protocol)
      ? 'scheme not http(s)'
      : !url.username
        ? 'no public key'
        : /[?#]/.test(input)
          ? 'has a query or fragment'
          : projectId
            ? ''
            : 'no numeric project id';
    if (!problem)
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
  return `Invalid DSN: ${problem}`;
}

/** `{scheme}://[{key}@]{host}[:{port}]{/path}`. */
const base = (dsn: Dsn, key = '') =>
  `${dsn.protocol}://${key}${dsn.host}${dsn.port ? `:${dsn.port}` : ''}${dsn.path}`;

/** The envelope endpoint, with the public key as query auth, so a browser sends it without a CORS preflight. */
export const envelopeUrl = (dsn: Dsn, sdkClient: string) =>
  `${base(dsn)}/api/${dsn.projectId}/envelope/?${new URLSearchParams({ sentry_version: '7', sentry_key: dsn.publicKey, sentry_client: sdkClient })}`;

/** The DSN without its secret key, for the envelope header. */
export const dsnToString = (dsn: Dsn) => `${base(dsn, `${dsn.publicKey}@`)}/${dsn.projectId}`;
