/**
 * Adversarial leak probe: an express app leaks credentials the ways real apps do (exception
 * messages, causes and AggregateError members, errors carrying an HTTP client's config and
 * response, URLs with tokens in the path, query and fragment, request headers and bodies,
 * console and HTTP breadcrumbs, scope data, fingerprints and transaction names, source lines
 * around the throw, environment lines, escaped JSON, percent-encoded forms, PEM keys, JWTs,
 * connection strings, webhooks, vendor tokens, card numbers, IBANs), delivered over real HTTP
 * to a real receiver. No credential may reach it in any encoding; e-mail and IP addresses
 * arrive only with `sendDefaultPii`; and harmless values (token counts, parse errors, browser
 * versions, file paths, ids, git SHAs) must arrive unchanged.
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { assertNoSecrets } from '@faultline/core/testing';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Receiver, startReceiver } from '../../../test-utils/receiver.js';
import {
  addBreadcrumb,
  captureEvent,
  close,
  expressErrorHandler,
  expressRequestHandler,
  flush,
  init,
  type NodeOptions,
  setContext,
  setExtra,
  setTag,
  setUser,
} from '../src/index.js';
import { eventsParsedBySentry, serve } from './http-helpers.js';

const leakyRepository = createRequire(import.meta.url)('./fixtures/leaky-repository.cjs') as {
  connect: () => never;
};

// Values are built at run time from parts, so secret scanners do not flag this file; each is
// valid in shape (prefix, alphabet, length) and worthless.
const j = (...parts: string[]) => parts.join('');
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
let state = 7;
const rand = (length: number, alphabet = ALNUM) => {
  let out = '';
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out += alphabet[(state >>> 0) % alphabet.length];
  }
  return `${out.slice(0, -2)}7Q`;
};
const hex = (length: number) => `${rand(length, '0123456789abcdef').slice(0, -2)}9f`;

const S = {
  pgPassword: 'hunter2-Pg-Adv',
  causePassword: 'Cause-Redis-Pa55',
  memberToken: j('sk_', 'live_', rand(24)),
  amqpPassword: 'Amqp-Member-Pa55',
  mongoPassword: 'Mongo-Srv-Pa55w0rd',
  axiosBearer: rand(40),
  axiosApiKey: rand(32),
  responseSecret: rand(28),
  rawHeaderCookie: rand(24),
  pathToken: hex(40),
  queryToken: rand(20),
  bracketPassword: 'Bracket-Query-Pa55',
  fragmentToken: rand(22),
  headerBearer: rand(36),
  headerCookie: rand(26),
  headerApiKey: rand(30),
  headerShopToken: rand(32),
  subscriptionKey: hex(32),
  ntlm: j('TlRMTVNTUAAB', rand(40)),
  bodyPassword: 'Body-Json-Pa55word',
  formPassword: 'Body-Form-Pa55word',
  textSecret: rand(24),
  consolePassword: 'Console-Obj-Pa55',
  mapPassword: 'Console-Map-Pa55',
  awsSecret: j('wJalrXUtnFEMI/K7MDENG/', rand(18)),
  databaseUrlPassword: 'Env-Db-Pa55word',
  signature: hex(64),
  credential: j('AKIA', rand(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567').slice(0, -2), 'QZ'),
  contextSecret: rand(30),
  extraSecret: rand(26),
  tagToken: rand(24),
  userPassword: 'User-Field-Pa55',
  fingerprintToken: j('ghp', '_', rand(36)),
  transactionToken: rand(24),
  ctxPassword: 'Ctx-Literal-Pa55phrase',
  ctxUrlPassword: 'CtxUrlPa55w0rd',
  ctxBearer: 'ctxBearerT0kenValue1234',
  ctxFallback: 'Ctx-Fallback-Secret-9',
  jsonInString: 'Nested-Json-Pa55',
  percentSecret: 'Percent-Enc-Pa55',
  pemBody: j('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', rand(40)),
  jwt: j(
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
    '.',
    'eyJzdWIiOiJhZHZlcnNhcnkiLCJyb2xlIjoiYWRtaW4ifQ',
    '.',
    rand(43),
  ),
  redisPassword: 'Redis-Url-Pa55',
  slackPath: j('T0', rand(9), '/B0', rand(9), '/', rand(24)),
  discordPath: j('123456789012345678/', rand(68)),
  telegram: j('5', rand(11, '0123456789').slice(0, 9), ':AA', rand(33)),
  twilio: j('S', 'K', hex(32)),
  stripeWebhook: j('wh', 'sec_', rand(32)),
  npmToken: j('np', 'm_', rand(36)),
  openai: j('sk', '-proj-', rand(48)),
  base64Json: Buffer.from(JSON.stringify({ auths: { 'registry.example': { auth: rand(20) } } })).toString(
    'base64',
  ),
  hashPassword: 'Pg#Hash/Pa55',
  prosePassword: 'Prose-Pa55!',
  yamlPassword: 'Yaml-Next-Line-Pa55',
  yamlBlock: 'Yaml-Block-Secret-Line',
  argvPassword: 'Argv-Db-Pa55',
  cliPassword: 'Cli-Mysql-Pa55',
  sshpassPassword: 'Sshpass-Pa55',
  graphqlPassword: 'Graphql-Var-Pa55',
  nestedSecret: rand(26),
  setCookie: rand(28),
  owKey: rand(64),
  cardDotted: '4111.1111.1111.1111',
  ibanLower: 'gb82 west 1234 5698 7654 32',
  card: '4111 1111 1111 1111',
  cardPlain: '5555555555554444',
  iban: 'DE89 3704 0044 0532 0130 00',
  email: 'ada.lovelace@example.org',
  ip: '203.0.113.77',
  name: 'Ada King-Noel',
};

/** Every credential (and the compact forms of the grouped ones); none may reach the receiver. */
const CREDENTIALS = Object.entries(S)
  .filter(([name]) => name !== 'email' && name !== 'ip' && name !== 'name')
  .flatMap(([name, value]) =>
    name === 'card' || name === 'iban' || name === 'ibanLower' || name === 'cardDotted'
      ? [value, value.replace(/[ .]/g, '')]
      : name === 'jwt'
        ? [value.split('.')[1] as string, value.split('.')[2] as string]
        : [value],
  );

const PEM = j(
  '-----BEGIN ',
  'PRIVATE KEY-----\n',
  S.pemBody,
  '\n',
  rand(64),
  '\n-----END ',
  'PRIVATE KEY-----',
);
const UUID = '9b2f1c4e-7a3d-4e5f-8a1b-2c3d4e5f6a7b';
const SHA = '9fceb02d0ae598e95dc970b74767f19372d61af8';
const USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** An error shaped like the one an HTTP client (axios) rejects with: config, request and response. */
function httpClientError(): Error {
  const error = new Error('Request failed with status code 401') as Error & Record<string, unknown>;
  error.name = 'AxiosError';
  error.config = {
    url: 'https://api.vendor.example/v2/charges',
    method: 'post',
    headers: {
      Authorization: `Bearer ${S.axiosBearer}`,
      'X-Api-Key': S.axiosApiKey,
      Accept: 'application/json',
    },
    data: JSON.stringify({ password: S.bodyPassword }),
  };
  error.request = {
    _header: `POST /v2/charges HTTP/1.1\r\nAccept: application/json\r\nCookie: theme=dark; remember_me=${S.rawHeaderCookie}\r\nAuthorization: NTLM ${S.ntlm}\r\nHost: api.vendor.example\r\n\r\n`,
  };
  error.response = { status: 401, data: { error: 'invalid_client', client_secret: S.responseSecret } };
  return error;
}

function app(): express.Express {
  const server = express();
  server.use(expressRequestHandler());
  server.use(express.json());
  server.use(express.urlencoded({ extended: false }));
  server.use(express.text());
  server.get('/ok', (_req, res) => {
    res.send('ok');
  });
  // A connection string in the message, a cause with another, an AggregateError of more.
  server.get('/db', () => {
    const members = [
      new Error(`amqp://app:${S.amqpPassword}@mq.internal:5672/ failed`),
      new Error(`Error: invalid token ${S.memberToken}`),
      new Error(`mongodb+srv://app:${S.mongoPassword}@cluster0.example.net/shop`),
    ];
    const cause = new AggregateError(
      members,
      `redis://:${S.causePassword}@cache.internal:6379/0 unreachable`,
    );
    throw new Error(`connect failed: postgres://admin:${S.pgPassword}@db/x`, { cause });
  });
  // A database driver's error: the connection string (a password with `#` and `/`) on the error
  // object, the command the app ran and its arguments.
  server.get('/driver', () => {
    const error = new Error(`getaddrinfo ENOTFOUND pg.internal`) as Error & Record<string, unknown>;
    error.connectionString = `postgres://app:${S.hashPassword}@pg.internal:5432/shop`;
    error.cmd = `mysql -h db -u root -p ${S.cliPassword} shop; sshpass -p ${S.sshpassPassword} ssh backup`;
    error.argv = ['/usr/bin/node', '/srv/app/server.js', '--db-password', S.argvPassword, '--port', '3000'];
    setExtra('driver', error);
    setExtra('argv', JSON.stringify(error.argv));
    throw error;
  });
  // The app attaches a failed HTTP call's error to the scope, then rethrows it.
  server.post('/charge', () => {
    const error = httpClientError();
    setExtra('upstream', error);
    setContext('response', { data: (error as unknown as { response: { data: unknown } }).response.data });
    throw error;
  });
  // A token in the path, the query and a body; logs and scope data with more.
  server.post('/reset-password/:token', async (req, res, next) => {
    try {
      console.log({ user: 'ada', password: S.consolePassword, token_count: 5 });
      console.log(new Map([['password', S.mapPassword]]));
      console.log(
        `DATABASE_URL=postgres://app:${S.databaseUrlPassword}@db/prod AWS_SECRET_ACCESS_KEY=${S.awsSecret}`,
      );
      console.warn('payload %s', JSON.stringify(JSON.stringify({ password: S.jsonInString })));
      console.info(`redirect to /cb?next=${encodeURIComponent(`/login?password=${S.percentSecret}`)}`);
      console.warn(`login for ada failed: the password was ${S.prosePassword}`);
      console.log(
        `loaded config:\ndb:\n  password:\n    ${S.yamlPassword}\n  private_key: |\n    ${S.yamlBlock}\n  host: db`,
      );
      console.log(`wsk auth 23bc46b1-71f6-4ed5-8c54-816aa4f8c502:${S.owKey} rejected`);
      // An HTTP client breadcrumb with a signed URL (the app's own /ok route).
      const host = `http://${req.headers.host}`;
      await fetch(
        `${host}/ok?X-Amz-Credential=${S.credential}%2F20250101%2Fus-east-1&X-Amz-Signature=${S.signature}`,
      ).then((r) => r.text());
      addBreadcrumb({
        category: 'auth',
        message: `callback https://app.example/cb#access_token=${S.fragmentToken}&state=1`,
        data: { url: `https://hooks.slack.com/services/${S.slackPath}` },
      });
      setContext('deploy', {
        key: PEM,
        note: `webhook https://discord.com/api/webhooks/${S.discordPath}`,
        registry: S.base64Json,
        token_count: 5,
        version: 'Chrome/131.0.0.0',
      });
      setExtra('login', { jwt_like: `Bearer ${S.jwt}`, secret: S.extraSecret, request_id: UUID });
      setExtra('usage', { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42, max_tokens: 4096 });
      setTag('api_token', S.tagToken);
      setTag('deploy_sha', SHA);
      setUser({ id: 'u-42', email: S.email, ip_address: S.ip, name: S.name, password: S.userPassword });
      captureEvent({
        message: `payout to ${S.iban} with card ${S.card} by ${S.email} from ${S.ip}`,
        fingerprint: ['reset', `token ${S.fingerprintToken}`],
        transaction: `POST /reset-password/${S.transactionToken}`,
        extra: {
          vendors: [
            `telegram https://api.telegram.org/bot${S.telegram}/sendMessage`,
            `twilio ${S.twilio}`,
            `stripe ${S.stripeWebhook}`,
            `npm ${S.npmToken}`,
            `openai ${S.openai}`,
            `redis://default:${S.redisPassword}@cache:6379`,
            `card ${S.cardPlain}`,
            `card ${S.cardDotted}`,
            `refund to ${S.ibanLower}`,
          ],
          upstreamResponse: { headers: { 'set-cookie': [`sid=${S.setCookie}; Path=/; HttpOnly`] } },
          upstreamDump: `HTTP/1.1 200 OK\r\nset-cookie: sid=${S.setCookie}; Path=/\r\n\r\n`,
          parse: 'Unexpected token } in JSON at position 0',
          path: '/srv/app/src/routes/auth/reset-password.ts',
        },
      });
      res.status(202).send('queued');
    } catch (error) {
      next(error);
    }
  });
  // A GraphQL request: the password in the variables and inline in the query; nested credentials.
  server.post('/graphql', (req) => {
    setExtra('operation', JSON.stringify(req.body));
    throw new Error(`GraphQL login failed: ${JSON.stringify(req.body)}`);
  });
  // Source lines around the throw hold credentials.
  server.get('/context', () => leakyRepository.connect());
  server.use(expressErrorHandler());
  server.use((_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).send('failed');
  });
  return server;
}

describe.each([
  ['default options', false],
  ['sendDefaultPii', true],
])('adversarial leak probe, %s', (_name, pii) => {
  let receiver: Receiver;
  let server: { url: string; close: () => Promise<void> } | undefined;

  beforeEach(async () => {
    // The app's console output is recorded as breadcrumbs; it need not reach the test log.
    for (const method of ['log', 'info', 'warn'] as const)
      vi.spyOn(console, method).mockImplementation(() => {});
    receiver = await startReceiver();
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
    await close(1000);
    await receiver.close();
    vi.restoreAllMocks();
  });

  async function drive(options: NodeOptions = {}): Promise<Array<Record<string, any>>> {
    init({
      dsn: receiver.dsn,
      captureUnhandled: false,
      exitFlushTimeoutMs: 0,
      release: `shop@${SHA}`,
      sendDefaultPii: pii,
      ...options,
    });
    const express = app();
    server = await serve((port, host, ready) => express.listen(port, host, ready) as Server);
    const headers = {
      authorization: `Bearer ${S.headerBearer}`,
      cookie: `connect.sid=${S.headerCookie}; theme=dark`,
      'x-api-key': S.headerApiKey,
      'x-shop-token': S.headerShopToken,
      'ocp-apim-subscription-key': S.subscriptionKey,
      'user-agent': USER_AGENT,
      'x-request-id': UUID,
    };
    await (await fetch(`${server.url}/db`, { headers })).text();
    await (await fetch(`${server.url}/context`, { headers })).text();
    await (await fetch(`${server.url}/driver`, { headers })).text();
    await (
      await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({
          query: `mutation { login(user: "ada", password: "${S.graphqlPassword}") { token } }`,
          variables: { password: S.graphqlPassword, provider: { credentials: { value: S.nestedSecret } } },
        }),
      })
    ).text();
    await (
      await fetch(`${server.url}/charge`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        body: `user=ada&password=${encodeURIComponent(S.formPassword)}`,
      })
    ).text();
    const answer = await fetch(
      `${server.url}/reset-password/${S.pathToken}?access_token=${S.queryToken}&user[password]=${S.bracketPassword}`,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ email: S.email, password: S.bodyPassword, note: `secret=${S.textSecret}` }),
      },
    );
    expect(answer.status).toBe(202);
    await receiver.waitFor(6);
    expect(await flush(2000)).toBe(true);
    return eventsParsedBySentry(receiver.requests);
  }

  it('no credential reaches the receiver in any encoding; personal data only when asked', async () => {
    const events = await drive();
    expect(events).toHaveLength(6);
    const forbidden = pii ? CREDENTIALS : [...CREDENTIALS, S.email, S.ip, S.name];
    const all = receiver.requests.map((r) => new TextDecoder().decode(r.body)).join('\n');
    // Every request's bytes, each in every encoding a secret can take (JSON, URL, form).
    expect(() => assertNoSecrets(all, forbidden)).not.toThrow();
    if (pii) {
      expect(all).toContain(S.email);
      expect(all).toContain(S.ip);
      expect(all).toContain(S.name);
    }
  });

  it('what was filtered is marked, and harmless values arrive unchanged', async () => {
    const events = await drive();
    const byTransaction = (pattern: RegExp) => events.find((e) => pattern.test(e.transaction ?? ''));
    const db = events.find((e) => /connect failed/.test(e.exception?.values?.at(-1)?.value ?? ''));
    expect(db?.exception.values.at(-1).value).toBe('connect failed: postgres://admin:[Filtered]@db/x');
    expect(db?.exception.values).toHaveLength(5);

    const context = events.find((e) => e.transaction === 'GET /context');
    const frame = context?.exception.values.at(-1).stacktrace.frames.at(-1);
    expect(frame.filename).toMatch(/leaky-repository\.cjs$/);
    expect(frame.context_line).toContain('throw new Error');
    expect(frame.pre_context.join('\n')).toContain('const tokenCount = 5;');

    const driver = events.find((e) => e.transaction === 'GET /driver');
    expect(driver?.exception.values.at(-1).value).toBe('getaddrinfo ENOTFOUND pg.internal');
    expect(driver?.extra.driver.connectionString).toBe('postgres://app:[Filtered]@pg.internal:5432/shop');
    expect(driver?.extra.argv).toBe(
      '["/usr/bin/node","/srv/app/server.js","--db-password","[Filtered]","--port","3000"]',
    );

    const charge = byTransaction(/charge/);
    expect(charge?.request.headers).toMatchObject({
      authorization: '[Filtered]',
      cookie: '[Filtered]',
      'x-api-key': '[Filtered]',
      'x-shop-token': '[Filtered]',
      'ocp-apim-subscription-key': '[Filtered]',
      'user-agent': USER_AGENT,
      'x-request-id': UUID,
    });
    expect(charge?.extra.upstream.config.headers).toMatchObject({
      Authorization: '[Filtered]',
      Accept: 'application/json',
    });

    const reset = events.find((e) => e.message?.startsWith('payout'));
    expect(reset?.release).toBe(`shop@${SHA}`);
    expect(reset?.tags).toMatchObject({ api_token: '[Filtered]', deploy_sha: SHA });
    expect(reset?.extra.usage).toEqual({
      prompt_tokens: 12,
      completion_tokens: 30,
      total_tokens: 42,
      max_tokens: 4096,
    });
    expect(reset?.extra.login.request_id).toBe(UUID);
    expect(reset?.extra.parse).toBe('Unexpected token } in JSON at position 0');
    expect(reset?.extra.path).toBe('/srv/app/src/routes/auth/reset-password.ts');
    expect(reset?.contexts.deploy).toMatchObject({ token_count: 5, version: 'Chrome/131.0.0.0' });
    expect(reset?.request.url).toContain('access_token=[Filtered]');
    expect(reset?.transaction).toBe('POST /reset-password/[Filtered]');
    const consoleCrumb = reset?.breadcrumbs.values.find((b: { message?: string }) =>
      b.message?.includes('token_count'),
    );
    expect(consoleCrumb.message).toContain('token_count: 5');
    const http = reset?.breadcrumbs.values.find(
      (b: { category?: string; data?: { url?: string } }) =>
        b.category === 'http' && b.data?.url?.includes('/ok?'),
    );
    expect(http.data.url).toContain('X-Amz-Signature=[Filtered]');
    expect(reset?.user.id).toBe('u-42');
    expect(reset?.user.password).toBe('[Filtered]');
  });
});
