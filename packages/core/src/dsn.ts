/**
 * DSN parsing and the ingest URLs derived from it.
 *
 * Grammar (https://develop.sentry.dev/sdk/foundations/transport/authentication/):
 * `{PROTOCOL}://{PUBLIC_KEY}[:{SECRET_KEY}]@{HOST}[:{PORT}]{PATH}/{PROJECT_ID}`.
 * The project id is the last path segment; any path before it is kept, because self-hosted
 * installs behind a reverse proxy serve ingest under a prefix (`https://k@host/sentry/42`).
 *
 * One regular expression rather than `URL`, which core cannot assume (ES2022 lib only) and
 * which would silently normalise things a DSN must not contain.
 */

/** A parsed DSN. Every part is a string, exactly as written in the DSN. */
export interface Dsn {
  protocol: 'http' | 'https';
  publicKey: string;
  /** Deprecated by the protocol; kept only so it can be sent back when a DSN carries one. */
  secretKey?: string;
  /** Host name or IP; an IPv6 address keeps its brackets (`[::1]`). */
  host: string;
  port?: string;
  /** Path prefix before the project id: `''` or `'/sentry'` (leading slash, no trailing slash). */
  path: string;
  projectId: string;
}

/**
 * scheme, public key, secret key, host, port, path prefix, project id; one trailing slash
 * tolerated. Letters of either case spelled out rather than the `i` flag: V8 compiles an `i`
 * pattern with case tables for every class in it, which took a cold process 0.25 ms at `init`.
 */
const DSN =
  /^([hH][tT][tT][pP][sS]?):\/\/([^\s/?#@:]+)(?::([^\s/?#@:]*))?@(\[[\da-fA-F:.]+(?:%[\w.~-]+)?\]|[\w.-]+)(?::(\d+))?((?:\/[^\s/?#]+)*)\/(\d+)\/?$/;

/**
 * Parses a DSN string. Never throws: a malformed DSN yields `{ ok: false, error }` with a
 * message naming what is wrong (a secret key in it shows as `***`).
 * @example
 * const result = parseDsn('https://abc123@o1.ingest.sentry.io/42');
 * if (result.ok) result.dsn.projectId; // '42'
 */
export function parseDsn(input: string): { ok: true; dsn: Dsn } | { ok: false; error: string } {
  const text = typeof input === 'string' ? input.trim() : '';
  const [, protocol, publicKey, secretKey, host, port, path, projectId] = DSN.exec(text) ?? [];
  if (host && !(+port! < 1 || +port! > 65535)) {
    const dsn: Dsn = {
      protocol: protocol!.toLowerCase() as Dsn['protocol'],
      publicKey: publicKey!,
      host,
      path: path!,
      projectId: projectId!,
    };
    if (secretKey) dsn.secretKey = secretKey;
    if (port) dsn.port = port;
    return { ok: true, dsn };
  }
  // The first check the DSN fails names the problem.
  const problem = !/^https?:\/\//i.test(text)
    ? 'expected http(s)://publickey@host/projectid'
    : !/^\w+:\/\/[^\s/?#@:]+(:[^\s/?#@:]*)?@/.test(text)
      ? 'missing or invalid public key'
      : /[?#]/.test(text)
        ? 'no query or fragment allowed'
        : /\/\d+\/?$/.test(text)
          ? 'invalid host, port (1-65535) or path'
          : 'missing or non-numeric project id (the last path segment)';
  return {
    ok: false,
    error: `Invalid DSN "${text.replace(/(:\/\/[^:@/]*:)[^@/]*@/, '$1***@')}": ${problem}`,
  };
}

/** `{protocol}://[{key}@]{host}[:{port}]{path}`. */
const base = (dsn: Dsn, key = '') =>
  `${dsn.protocol}://${key}${dsn.host}${dsn.port ? `:${dsn.port}` : ''}${dsn.path}`;

/** Formats a DSN back to a string without its secret key, safe for an envelope header or a log line. */
export const dsnToString = (dsn: Dsn): string => `${base(dsn, `${dsn.publicKey}@`)}/${dsn.projectId}`;

/** `{protocol}://{host}[:{port}]{path}/api/{projectId}/envelope/` */
export const envelopeEndpoint = (dsn: Dsn): string => `${base(dsn)}/api/${dsn.projectId}/envelope/`;

/** Value of the `X-Sentry-Auth` header. `sdkClient` is `name/version`, e.g. `faultline.node/1.2.3`. */
export const authHeader = (dsn: Dsn, sdkClient: string): string =>
  `Sentry sentry_version=7, sentry_client=${sdkClient}, sentry_key=${dsn.publicKey}${dsn.secretKey ? `, sentry_secret=${dsn.secretKey}` : ''}`;

/**
 * The envelope endpoint with authentication in the query string, for clients that cannot set
 * headers (a browser avoiding a CORS preflight). The secret key is never put in a URL.
 */
export const envelopeUrlWithAuth = (dsn: Dsn, sdkClient: string): string =>
  `${envelopeEndpoint(dsn)}?sentry_version=7&sentry_key=${encodeURIComponent(dsn.publicKey)}&sentry_client=${encodeURIComponent(sdkClient)}`;
