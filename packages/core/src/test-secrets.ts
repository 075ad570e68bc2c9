/**
 * Test corpus of fake credentials in their real formats, and of near misses that must
 * survive scrubbing. Vendor prefixes are assembled at runtime so that secret scanners do not
 * flag this file.
 */

export interface SecretCase {
  name: string;
  /** The text as it would appear in a message, a URL, a body. */
  text: string;
  /** The part that must not appear in any output. */
  secret: string;
}

const join = (...parts: string[]) => parts.join('');
const alnum = (length: number, seed = 7) => {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < length; i++) out += chars[(i * seed + 11) % chars.length];
  return out;
};

const jwt = join(
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
  '.',
  'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ',
  '.',
  'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
);
const pemBody = 'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw';
const pem = join(
  '-----BEGIN RSA ',
  'PRIVATE KEY-----\n',
  pemBody,
  '\n7wj9ZkR3nC0sDqFvS1wq1oKx3gL+ZyQ7R2bE9hY0uE1zXcVbNm==\n',
  '-----END RSA ',
  'PRIVATE KEY-----',
);
const awsSecret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const stripeLive = join('sk_', 'live_', '4eC39HqLyjWDarjtT1zdp7dc');
const stripeRestricted = join('rk_', 'live_', '51HxRqLAbCdEfGhIjKlMnOp');
const stripeTest = join('sk_', 'test_', 'BQokikJOvBiI2HlWgH4olfQ2');
const ghp = join('gh', 'p_', alnum(36));
const gho = join('gh', 'o_', alnum(36, 5));
const ghs = join('gh', 's_', alnum(36, 3));
const ghPat = join('github', '_pat_', '11ABCDEFG0', alnum(12), '_', alnum(59, 5));
const xoxb = join('xo', 'xb-', '123456789012-1234567890123-', alnum(24));
const xoxp = join('xo', 'xp-', '123456789012-123456789012-123456789012-', alnum(32, 5));
const slackHookPath = join('T0', '0000000/B00000000/', alnum(24, 3));
const googleKey = join('AI', 'za', 'SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY');

export const SECRET_CASES: SecretCase[] = [
  { name: 'visa card, spaced', text: 'paid with 4111 1111 1111 1111 today', secret: '4111 1111 1111 1111' },
  { name: 'visa card, plain', text: 'card=4242424242424242', secret: '4242424242424242' },
  { name: 'mastercard, dashed', text: 'cc: 5555-5555-5555-4444.', secret: '5555-5555-5555-4444' },
  { name: 'amex', text: 'amex 378282246310005 declined', secret: '378282246310005' },
  { name: 'jwt', text: `session ${jwt} expired`, secret: jwt.split('.')[2] as string },
  { name: 'jwt payload', text: `got ${jwt}`, secret: jwt.split('.')[1] as string },
  { name: 'bearer header', text: 'Authorization: Bearer mF_9.B5f-4.1JqM', secret: 'mF_9.B5f-4.1JqM' },
  {
    name: 'bearer in prose',
    text: 'sent Bearer abcDEF123456ghiJKL to upstream',
    secret: 'abcDEF123456ghiJKL',
  },
  {
    name: 'basic credentials',
    text: 'auth header was Basic dXNlcjpwYXNzd29yZA==',
    secret: 'dXNlcjpwYXNzd29yZA',
  },
  { name: 'aws access key id', text: 'using AKIAIOSFODNN7EXAMPLE for s3', secret: 'AKIAIOSFODNN7EXAMPLE' },
  { name: 'aws session key id', text: 'key ASIAY34FZKBOKMUTVV7A', secret: 'ASIAY34FZKBOKMUTVV7A' },
  { name: 'aws secret, ini', text: `aws_secret_access_key = ${awsSecret}`, secret: awsSecret },
  { name: 'aws secret, env', text: `export AWS_SECRET_ACCESS_KEY="${awsSecret}"`, secret: awsSecret },
  { name: 'stripe live key', text: `stripe error for ${stripeLive}`, secret: stripeLive },
  { name: 'stripe restricted key', text: `key=${stripeRestricted}`, secret: stripeRestricted },
  { name: 'stripe test key', text: `(${stripeTest})`, secret: stripeTest },
  { name: 'github ghp', text: `git clone https://${ghp}@github.com/o/r`, secret: ghp },
  { name: 'github gho', text: `oauth ${gho}`, secret: gho },
  { name: 'github ghs', text: `GITHUB_TOKEN=${ghs}`, secret: ghs },
  { name: 'github fine-grained', text: `pat ${ghPat} used`, secret: ghPat },
  { name: 'slack bot token', text: `slack ${xoxb}`, secret: xoxb },
  { name: 'slack user token', text: `"${xoxp}"`, secret: xoxp },
  {
    name: 'slack webhook',
    text: `POST https://hooks.slack.com/services/${slackHookPath} failed`,
    secret: slackHookPath,
  },
  { name: 'google api key', text: `maps key ${googleKey}`, secret: googleKey },
  { name: 'pem private key', text: `config: ${pem} end`, secret: pemBody },
  {
    name: 'password in url',
    text: 'connect ECONNREFUSED postgres://admin:s3cr3tP4ss@db.internal:5432/app',
    secret: 's3cr3tP4ss',
  },
  {
    name: 'token query',
    text: 'GET https://api.example.com/v1?token=tok9Xy2abc&page=2',
    secret: 'tok9Xy2abc',
  },
  { name: 'password query', text: '/login?user=bob&password=correcthorse', secret: 'correcthorse' },
  { name: 'api_key query', text: 'https://x.io/a?api_key=key77QQ11', secret: 'key77QQ11' },
  { name: 'access_token query', text: 'cb?access_token=at55ZZ00x', secret: 'at55ZZ00x' },
  { name: 'sig query', text: 'https://cdn.example.com/f.png?exp=1&sig=s1gN4tUr3', secret: 's1gN4tUr3' },
  { name: 'signature query', text: 'u?signature=abcSIG999', secret: 'abcSIG999' },
  { name: 'secret query', text: 'u?secret=shhh12345', secret: 'shhh12345' },
  {
    name: 'oauth code query',
    text: 'https://app.example.com/callback?code=4/P7q7W91a&state=x',
    secret: '4/P7q7W91a',
  },
  { name: 'form body password', text: 'username=bob&password=hunter2!x', secret: 'hunter2!x' },
  { name: 'json password', text: '{"user":"bob","password":"pa ss word"}', secret: 'pa ss word' },
  { name: 'client secret', text: 'client_secret: cs_9f8e7d6c5b4a', secret: 'cs_9f8e7d6c5b4a' },
  {
    name: 'email',
    text: 'user jane.doe+test@example.co.uk signed up',
    secret: 'jane.doe+test@example.co.uk',
  },
  { name: 'ipv4', text: 'request from 203.0.113.42:51234', secret: '203.0.113.42' },
  {
    name: 'ipv6',
    text: 'client [2001:db8:85a3::8a2e:370:7334] connected',
    secret: '2001:db8:85a3::8a2e:370:7334',
  },
];

/** Texts that contain nothing secret and must come out exactly as they went in. */
export const NEAR_MISSES: string[] = [
  'Order 1234567812345678 shipped',
  'Order 5105105105105101 shipped',
  'Order #4111111111111112 failed',
  'the token expired, please sign in again',
  'Unexpected token } in JSON at position 0',
  'Unexpected token: }',
  'Invalid token provided',
  // A state of something in a URL; a namespaced name (a Redis key, a debug channel).
  'GET /repos/acme/api/deployments/42/statuses?state=inactive 200',
  'Redis key session:count incremented; debug auth:login, cookie:consent',
  'Variable "$limit" got invalid value "ten"; Int cannot represent non-integer value',
  'POST /api/push/subscribe 200',
  'auth failed for user 42; OAuth 2 flow; server.bind(port, host); fn.bind(this, "x")',
  'Order 12345 is your order number',
  'TypeError [ERR_HTTP_INVALID_HEADER_VALUE]: Invalid value "undefined" for header "Content-Type"',
  '--- PASS: TestLogin (0.00s)',
  'Installed firmware 2.1.0.15 on device; release: 4.2.1.7',
  'setx PATH "C:\\bin" /M; set -x PATH /usr/bin',
  'retry 3 of 5 after 1500 ms on port 8080',
  'version 1.2.3 (v10.15.3, node v20.11.1)',
  'id 550e8400-e29b-41d4-a716-446655440000',
  'commit 9fceb02d0ae598e95dc970b74767f19372d61af8 (a1b2c3d)',
  'at 2024-01-15T12:30:45.123Z and 2024-01-15 12:30:45',
  'GET https://example.com/api/users/42?page=2&sort=name#section',
  'Basic authentication required',
  'Bearer authentication failed',
  'timestamp 1700000000000',
  'std::vector<int> at 12:30:45',
  'at Object.<anonymous> (/home/app/src/index.js:10:5)',
  'installed @faultline/core@0.1.0',
  'random 0.4242424242424242',
  'call ext. 4567 or room 555-1234',
  'localhost 127.0.0.1 and ::1',
  'the secret sauce',
  'Error: ECONNREFUSED',
  'password must be at least 8 characters',
];
