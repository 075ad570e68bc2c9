/**
 * Leak places the other probes leave out: header values kept as lists rather than objects. An
 * express app attaches the whole incoming request to an event (its `rawHeaders` list holds every
 * header as sent), an HTTP client's request options with headers as `[name, value]` pairs, and
 * the entries of a `Headers` object; and a connection string whose password holds an `@`,
 * percent-encoded as drivers ask for it; one-time and recovery codes and a wallet's seed phrase
 * (a tokenizer's name is no credential and arrives); an e-mail address with accented letters,
 * personal data sent only with `sendDefaultPii`; a multipart form body (with `sendDefaultPii`); the
 * raw header list written to the console (a breadcrumb's text), an environment-style `STRIPE_KEY`
 * and an API key given as curl's user; delivered over real HTTP to a real receiver. No credential
 * may arrive; argument lists, CORS header lists and harmless header values arrive unchanged.
 */
import type { Server } from 'node:http';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../../../test-utils/receiver.js';
import {
  addBreadcrumb,
  close,
  expressErrorHandler,
  expressRequestHandler,
  flush,
  init,
  setContext,
  setExtra,
} from '../src/index.js';
import { eventsParsedBySentry, serve } from './http-helpers.js';

const S = {
  authKey: 'Hk01abcdEFGH2345',
  proxy: 'Px01abcdEFGHk',
  cookie: 'Ck01abcdEFGh',
  pairToken: 'Tk9z8Y7x6W',
  pairKey: 'Pk3m8Nq1Wz6Xc',
  pairCookie: 'rM4e7Ab2Cd9Ef',
  entryToken: 'En5t7Ry9Qa',
  credential: 'Cr3d8Pa55',
  atPassword: 'At9Pa55-word',
  multipartPassword: 'Mp01 Pa55word',
  totp: '482913',
  recoveryCode: 'q4w8-z2x6',
  accentedEmail: 'j\u00fcrgen.m\u00fcller@b\u00e4ckerei-m\u00fcller.de',
  mnemonic: 'abandon ability able about above absent absorb abstract absurd abuse access accident',
  loggedKey: 'Lk7q2w9e4r6t',
  envKey: 'plainenvvalue',
  curlKey: 'Ck9f8e7d6c5b4a3f2e1d',
};

describe('leak places: header lists, connection strings, multipart bodies', () => {
  let receiver: Receiver;
  let server: { url: string; close: () => Promise<void> } | undefined;

  beforeEach(async () => {
    receiver = await startReceiver();
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
    await close(1000);
    await receiver.close();
  });

  it('no credential and no e-mail address reaches the receiver; lists of names stay readable', async () => {
    init({ dsn: receiver.dsn, captureUnhandled: false, exitFlushTimeoutMs: 0 });
    const app = express();
    app.use(expressRequestHandler());
    app.get('/orders', (req) => {
      // Written to the log as apps do: the console breadcrumb holds the list as text.
      const log = console.log;
      console.log = () => undefined;
      try {
        // Patched by the SDK's console breadcrumbs: the original (silenced here) is still called.
        log.call(console, req.rawHeaders);
      } finally {
        console.log = log;
      }
      setContext('env', { NODE_ENV: 'production', STRIPE_KEY: S.envKey, CACHE_KEY: 'orders' });
      addBreadcrumb({
        category: 'cli',
        message: `curl https://api.vendor.example/v1/charges -u ${S.curlKey}:`,
      });
      setExtra('incoming', req);
      setExtra('upstream', {
        url: 'https://api.vendor.example/v1/orders',
        headers: [
          ['accept', 'application/json'],
          ['Authorization', `Token ${S.pairToken}`],
          ['X-Api-Key', S.pairKey],
          ['Cookie', `theme=dark; remember=${S.pairCookie}`],
        ],
      });
      setContext('entries', {
        list: [...new Headers({ 'x-auth-token': S.entryToken, 'content-type': 'text/plain' })],
        form: [...new URLSearchParams({ user: 'ada', credential: S.credential })],
      });
      addBreadcrumb({
        category: 'config',
        data: {
          allowedHeaders: ['Content-Type', 'Authorization', 'X-Api-Key', 'X-Request-Id'],
          argv: ['node', 'server.js', '--port', '3000', '--verbose'],
          fields: ['email', 'password', 'remember'],
        },
      });
      setContext('login', {
        totp: S.totp,
        recovery_codes: [S.recoveryCode, 'x7k2-m9p4'],
        wallet: { mnemonic: S.mnemonic },
        mfa_enabled: true,
        tokenizer: 'o200k_base',
        rejected: `Ung\u00fcltige E-Mail: ${S.accentedEmail}`,
      });
      throw new Error(`orders failed: postgres://app:xK2%40${S.atPassword}@db:5432/shop unreachable`);
    });
    app.use(expressErrorHandler());
    app.use((_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).send('failed');
    });
    server = await serve((port, host, ready) => app.listen(port, host, ready) as Server);
    const answer = await fetch(`${server.url}/orders`, {
      headers: {
        'x-auth-key': S.authKey,
        'proxy-authorization': `Negotiate ${S.proxy}`,
        cookie: `remember=${S.cookie}`,
        'x-request-id': 'req-42',
        'x-api-key': S.loggedKey,
      },
    });
    expect(answer.status).toBe(500);
    await receiver.waitFor(1);
    expect(await flush(2000)).toBe(true);

    const bytes = receiver.requests.map((r) => new TextDecoder().decode(r.body)).join('\n');
    for (const [name, secret] of Object.entries(S)) expect(bytes, `leaked ${name}`).not.toContain(secret);

    const [event] = eventsParsedBySentry(receiver.requests);
    expect(event?.exception.values.at(-1).value).toBe(
      'orders failed: postgres://app:[Filtered]@db:5432/shop unreachable',
    );
    const raw: string[] = event?.extra.incoming.rawHeaders;
    const value = (name: string) => raw[raw.indexOf(name) + 1];
    expect(value('x-auth-key')).toBe('[Filtered]');
    expect(value('proxy-authorization')).toBe('[Filtered]');
    expect(value('cookie')).toBe('[Filtered]');
    expect(value('x-request-id')).toBe('req-42');
    expect(event?.contexts.env).toEqual({
      NODE_ENV: 'production',
      STRIPE_KEY: '[Filtered]',
      CACHE_KEY: 'orders',
    });
    const logged = event?.breadcrumbs.values.find((b: { category?: string }) => b.category === 'console');
    expect(logged?.message).toContain("'x-api-key',\n  '[Filtered]'");
    expect(logged?.message).toContain("'x-request-id',\n  'req-42'");
    expect(event?.extra.upstream.headers).toEqual([
      ['accept', 'application/json'],
      ['Authorization', '[Filtered]'],
      ['X-Api-Key', '[Filtered]'],
      ['Cookie', '[Filtered]'],
    ]);
    expect(event?.contexts.login).toEqual({
      totp: '[Filtered]',
      recovery_codes: '[Filtered]',
      wallet: { mnemonic: '[Filtered]' },
      mfa_enabled: true,
      tokenizer: 'o200k_base',
      rejected: 'Ung\u00fcltige E-Mail: [email]',
    });
    expect(event?.contexts.entries).toEqual({
      list: [
        ['content-type', 'text/plain'],
        ['x-auth-token', '[Filtered]'],
      ],
      form: [
        ['user', 'ada'],
        ['credential', '[Filtered]'],
      ],
    });
    expect(
      event?.breadcrumbs.values.find((b: { category?: string }) => b.category === 'config').data,
    ).toEqual({
      allowedHeaders: ['Content-Type', 'Authorization', 'X-Api-Key', 'X-Request-Id'],
      argv: ['node', 'server.js', '--port', '3000', '--verbose'],
      fields: ['email', 'password', 'remember'],
    });
  });
  it('with sendDefaultPii, a multipart body arrives without the value of its password field', async () => {
    init({ dsn: receiver.dsn, captureUnhandled: false, exitFlushTimeoutMs: 0, sendDefaultPii: true });
    const app = express();
    app.use(expressRequestHandler());
    app.use(express.text({ type: 'multipart/form-data' }));
    app.post('/signup', () => {
      throw new Error('signup failed');
    });
    app.use(expressErrorHandler());
    app.use((_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).send('failed');
    });
    server = await serve((port, host, ready) => app.listen(port, host, ready) as Server);
    const form = new FormData();
    form.append('user', 'ada');
    form.append('password', S.multipartPassword);
    const answer = await fetch(`${server.url}/signup`, { method: 'POST', body: form });
    expect(answer.status).toBe(500);
    await receiver.waitFor(1);
    expect(await flush(2000)).toBe(true);

    const bytes = receiver.requests.map((r) => new TextDecoder().decode(r.body)).join('\n');
    expect(bytes).not.toContain(S.multipartPassword);
    const [event] = eventsParsedBySentry(receiver.requests);
    expect(event?.request.data).toMatch(/name="user"\r\n\r\nada\r\n/);
    expect(event?.request.data).toMatch(/name="password"\r\n\r\n\[Filtered\]\r\n/);
  });
});
