/**
 * Leak probe: requests to express and fastify apps carry every kind of secret the SDK claims
 * to remove (Authorization, cookie, X-Api-Key, `?token=` and `?password=` in the URL, a JSON
 * body with a password, a card number, an e-mail, a JWT, an AWS key pair and a PEM private
 * key), the app's error messages, breadcrumbs and context repeat some of them, and the raw
 * bytes the receiver gets must contain none, while the event still shows what was filtered.
 */
import type { Server } from 'node:http';
import { findSecrets } from '@faultline/core/testing';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../../../../test-utils/receiver.js';
import {
  close,
  expressErrorHandler,
  expressRequestHandler,
  fastifyPlugin,
  flush,
  init,
  type NodeOptions,
  setContext,
  setExtra,
  setUser,
} from '../../src/index.js';
import { eventsParsedBySentry, serve } from '../http-helpers.js';

// Assembled at runtime so that secret scanners do not flag this file.
const join = (...parts: string[]) => parts.join('');
const PEM_BODY = 'MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi0vHmjUPh7wJtRmVhNR2oBTsFs';
const S = {
  bearer: join('Bearer ', 'ya29.', 'a0AfH6SMBx7Qk-leak-probe-9Zq'),
  cookieValue: 'sid-4f0c9e2a7b1d8c3e',
  apiKey: 'xak-probe-55aa66bb77cc88dd',
  token: 'tok-probe-1f2e3d4c5b6a',
  urlPassword: 'Pr0be-Url-Pa55word',
  password: 'Correct-Horse-Battery-Probe',
  card: '4012 8888 8888 1881',
  email: 'grace.hopper@example.org',
  jwt: join(
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
    '.',
    'eyJzdWIiOiJwcm9iZSIsImFkbWluIjp0cnVlfQ',
    '.',
    'dGhpc19pc19hX3Byb2JlX3NpZ25hdHVyZQ',
  ),
  awsKeyId: join('AKIA', 'PROBE7EXAMPLE2KY'), // AKIA + 16, as AWS issues them
  awsSecret: 'wJalrXUtnFEMI/K7MDENG/probeEXAMPLEKEY9',
  pem: join('-----BEGIN RSA ', 'PRIVATE KEY-----\n', PEM_BODY, '\n', '-----END RSA ', 'PRIVATE KEY-----'),
};

/** Every value that must not reach the receiver, including the parts of compound ones. */
function secrets(allowEmail: boolean): string[] {
  const values = [
    S.bearer.slice('Bearer '.length),
    S.cookieValue,
    S.apiKey,
    S.token,
    S.urlPassword,
    S.password,
    S.card,
    S.card.replace(/ /g, ''),
    S.jwt,
    S.jwt.split('.')[1] as string,
    S.jwt.split('.')[2] as string,
    S.awsKeyId,
    S.awsSecret,
    PEM_BODY,
  ];
  return allowEmail ? values : [...values, S.email];
}

const PATH = `/checkout?token=${S.token}&password=${S.urlPassword}&ref=mail`;

function probeRequest(): RequestInit {
  return {
    method: 'POST',
    headers: {
      authorization: S.bearer,
      cookie: `sid=${S.cookieValue}; theme=dark`,
      'x-api-key': S.apiKey,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      email: S.email,
      password: S.password,
      payment: { card: S.card, holder: 'G. Hopper' },
      session: S.jwt,
      aws: { accessKeyId: S.awsKeyId, secretAccessKey: S.awsSecret },
      note: `deploy key follows\n${S.pem}`,
      items: ['tea', 'mug'],
    }),
  };
}

/** What the app does on the failing route: logs, annotates and throws with secrets inside. */
function failCheckout(body: unknown): never {
  console.log(`charging card ${S.card} with ${S.bearer}`);
  setUser({ id: 'u-7', email: S.email, username: 'ghopper' });
  setExtra('upstream', { aws: S.awsKeyId, secret: S.awsSecret, region: 'eu-west-1' });
  setContext('payment', { card: S.card, jwt: S.jwt });
  const email = (body as { email?: string } | undefined)?.email;
  throw new Error(`charge for ${email} failed: gateway rejected key ${S.awsKeyId} and token ${S.jwt}`);
}

async function startExpress(): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  app.use(expressRequestHandler());
  app.use(express.json());
  app.post('/checkout', (req) => failCheckout(req.body));
  app.use(expressErrorHandler());
  app.use((_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).json({ error: 'failed' });
  });
  return serve((port, host, ready) => app.listen(port, host, ready) as Server);
}

async function startFastify(): Promise<{ url: string; close: () => Promise<void> }> {
  const app: FastifyInstance = Fastify();
  await app.register(fastifyPlugin);
  app.post('/checkout', async (request) => failCheckout(request.body));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

describe.each([
  ['express', startExpress],
  ['fastify', startFastify],
])('leak probe: %s', (_name, startApp) => {
  let receiver: Receiver;
  let app: { url: string; close: () => Promise<void> } | undefined;

  async function probe(options: NodeOptions = {}) {
    init({ dsn: receiver.dsn, captureUnhandled: false, exitFlushTimeoutMs: 0, ...options });
    app = await startApp();
    const response = await fetch(`${app.url}${PATH}`, probeRequest());
    await response.text();
    expect(response.status).toBe(500);
    await receiver.waitFor(1);
    expect(await flush(2000)).toBe(true);
    const [event] = eventsParsedBySentry(receiver.requests);
    expect(event).toBeDefined();
    return event as Record<string, any>;
  }

  beforeEach(async () => {
    receiver = await startReceiver();
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await close(1000);
    await receiver.close();
  });

  it('default options: no secret and no personal data in the bytes; the event says what was filtered', async () => {
    const event = await probe();
    for (const request of receiver.requests) expect(findSecrets(request.body, secrets(false))).toEqual([]);
    expect(event.request.headers).toMatchObject({
      authorization: '[Filtered]',
      cookie: '[Filtered]',
      'x-api-key': '[Filtered]',
    });
    expect(event.request.url).toContain('token=[Filtered]');
    expect(event.request.url).toContain('password=[Filtered]');
    expect(event.request.url).toContain('ref=mail');
    expect(event.request.data).toBeUndefined();
    expect(event.user).toEqual({ id: 'u-7' });
    expect(event.exception.values.at(-1).value).toContain('[Filtered]');
    expect(event.extra.upstream).toMatchObject({ secret: '[Filtered]', region: 'eu-west-1' });
    expect(event.extra.upstream.aws).toContain('[Filtered]');
    const logged = event.breadcrumbs.values.find((b: { category?: string }) => b.category === 'console');
    expect(logged.message).toMatch(/^charging card \[Filtered\] with Bearer \[Filtered\]$/);
  });

  it('sendDefaultPii: the body and e-mail arrive, every credential in them is still filtered', async () => {
    const event = await probe({ sendDefaultPii: true });
    for (const request of receiver.requests) expect(findSecrets(request.body, secrets(true))).toEqual([]);
    expect(event.request.data).toMatchObject({
      email: S.email,
      password: '[Filtered]',
      payment: { card: '[Filtered]', holder: 'G. Hopper' },
      items: ['tea', 'mug'],
    });
    expect(event.request.data.note).toContain('[Filtered]');
    expect(event.user).toMatchObject({ id: 'u-7', email: S.email });
  });
});
