/**
 * DSN parsing and the ingest URLs derived from it.
 *
 * Grammar (https://develop.sentry.dev/sdk/foundations/transport/authentication/):
 * `{PROTOCOL}://{PUBLIC_KEY}[:{SECRET_KEY}]@{HOST}[:{PORT}]{PATH}/{PROJECT_ID}`.
 * The project id is the last path segment; any path before it is kept, because self-hosted
 * installs behind a reverse proxy serve ingest under a prefix (`https://k@host/sentry/42`).
 *
 * Written as a small hand parser rather than on top of `URL`, which core cannot assume
 * (ES2022 lib only) and which would silently normalise things a DSN must not contain.
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

type ParseDsnResult = { ok: true; dsn: Dsn } | { ok: false; error: string };

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s;
const HOSTNAME = /^[A-Za-z0-9_.-]+$/;
const IPV6 = /^\[[0-9A-Fa-f:.]+(?:%[A-Za-z0-9_.~-]+)?\]$/;
const KEY = /^[^\s/?#@:]+$/;
const DIGITS = /^\d+$/;

function fail(input: string, reason: string): ParseDsnResult {
  return { ok: false, error: `Invalid DSN ${JSON.stringify(redact(input))}: ${reason}` };
}

/** Hides a secret key in error messages: `https://pub:secret@…` → `https://pub:***@…`. */
function redact(input: string): string {
  return input.replace(/^([^:/]*:\/\/[^:@/]*:)[^@/]*@/, '$1***@');
}

/**
 * Parses a DSN string. Never throws: a malformed DSN yields `{ ok: false, error }` with a
 * message naming what is wrong.
 * @example
 * const result = parseDsn('https://abc123@o1.ingest.sentry.io/42');
 * if (result.ok) result.dsn.projectId; // '42'
 */
export function parseDsn(input: string): { ok: true; dsn: Dsn } | { ok: false; error: string } {
  if (typeof input !== 'string')
    return { ok: false, error: `Invalid DSN: expected a string, got ${typeof input}` };
  const text = input.trim();
  if (text === '') return { ok: false, error: 'Invalid DSN: it is empty' };

  const scheme = SCHEME.exec(text);
  if (!scheme) return fail(text, 'not a URL (expected scheme://publickey@host/projectid)');
  const protocol = (scheme[1] ?? '').toLowerCase();
  if (protocol !== 'http' && protocol !== 'https') {
    return fail(text, `unknown scheme "${scheme[1]}" (expected http or https)`);
  }
  const rest = scheme[2] ?? '';
  if (/[?#]/.test(rest)) return fail(text, 'a DSN must not contain a query string or fragment');

  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const pathPart = slash === -1 ? '' : rest.slice(slash);

  const at = authority.lastIndexOf('@');
  if (at === -1) return fail(text, 'missing public key (expected publickey@ before the host)');
  const userinfo = authority.slice(0, at);
  const hostPort = authority.slice(at + 1);

  const colon = userinfo.indexOf(':');
  const publicKey = colon === -1 ? userinfo : userinfo.slice(0, colon);
  const secretKey = colon === -1 ? undefined : userinfo.slice(colon + 1);
  if (publicKey === '') return fail(text, 'missing public key');
  if (!KEY.test(publicKey)) return fail(text, 'the public key contains invalid characters');
  if (secretKey !== undefined && secretKey !== '' && !KEY.test(secretKey)) {
    return fail(text, 'the secret key contains invalid characters');
  }

  let host: string;
  let portText: string | undefined;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close === -1) return fail(text, 'unterminated IPv6 host (missing "]")');
    host = hostPort.slice(0, close + 1);
    const after = hostPort.slice(close + 1);
    if (after !== '' && !after.startsWith(':'))
      return fail(text, `unexpected "${after}" after the IPv6 host`);
    portText = after === '' ? undefined : after.slice(1);
    if (!IPV6.test(host)) return fail(text, `invalid IPv6 host "${host}"`);
  } else {
    const portColon = hostPort.indexOf(':');
    host = portColon === -1 ? hostPort : hostPort.slice(0, portColon);
    portText = portColon === -1 ? undefined : hostPort.slice(portColon + 1);
    if (host === '') return fail(text, 'missing host');
    if (!HOSTNAME.test(host)) return fail(text, `invalid host "${host}"`);
  }
  if (portText !== undefined) {
    if (!DIGITS.test(portText)) return fail(text, `port "${portText}" is not a number`);
    const port = Number(portText);
    if (port < 1 || port > 65535) return fail(text, `port ${portText} is out of range (1-65535)`);
  }

  // Tolerate one trailing slash (`…/42/`), a common copy-paste slip.
  const trimmedPath = pathPart.endsWith('/') ? pathPart.slice(0, -1) : pathPart;
  const lastSlash = trimmedPath.lastIndexOf('/');
  const projectId = lastSlash === -1 ? '' : trimmedPath.slice(lastSlash + 1);
  const path = lastSlash === -1 ? '' : trimmedPath.slice(0, lastSlash);
  if (projectId === '') return fail(text, 'missing project id (expected it as the last path segment)');
  if (!DIGITS.test(projectId)) return fail(text, `project id "${projectId}" is not numeric`);
  if (path.split('/').some((segment, i) => i > 0 && segment === '')) {
    return fail(text, 'the path contains an empty segment');
  }

  const dsn: Dsn = { protocol, publicKey, host, path, projectId };
  if (secretKey) dsn.secretKey = secretKey;
  if (portText !== undefined) dsn.port = portText;
  return { ok: true, dsn };
}

function origin(dsn: Dsn): string {
  return `${dsn.protocol}://${dsn.host}${dsn.port ? `:${dsn.port}` : ''}`;
}

/**
 * Formats a DSN back to a string. The secret key is left out unless `withSecret` is true,
 * so the result is safe to put in an envelope header or a log line.
 * @default withSecret false
 */
export function dsnToString(dsn: Dsn, withSecret = false): string {
  const secret = withSecret && dsn.secretKey ? `:${dsn.secretKey}` : '';
  return `${dsn.protocol}://${dsn.publicKey}${secret}@${dsn.host}${dsn.port ? `:${dsn.port}` : ''}${dsn.path}/${dsn.projectId}`;
}

/** `{protocol}://{host}[:{port}]{path}/api/{projectId}/envelope/` */
export function envelopeEndpoint(dsn: Dsn): string {
  return `${origin(dsn)}${dsn.path}/api/${dsn.projectId}/envelope/`;
}

/** Value of the `X-Sentry-Auth` header. `sdkClient` is `name/version`, e.g. `faultline.node/1.2.3`. */
export function authHeader(dsn: Dsn, sdkClient: string): string {
  const parts = ['sentry_version=7', `sentry_client=${sdkClient}`, `sentry_key=${dsn.publicKey}`];
  if (dsn.secretKey) parts.push(`sentry_secret=${dsn.secretKey}`);
  return `Sentry ${parts.join(', ')}`;
}

/**
 * The envelope endpoint with authentication in the query string, for clients that cannot set
 * headers (a browser avoiding a CORS preflight). The secret key is never put in a URL.
 */
export function envelopeUrlWithAuth(dsn: Dsn, sdkClient: string): string {
  const query = [
    'sentry_version=7',
    `sentry_key=${encodeURIComponent(dsn.publicKey)}`,
    `sentry_client=${encodeURIComponent(sdkClient)}`,
  ].join('&');
  return `${envelopeEndpoint(dsn)}?${query}`;
}
