/**
 * Leak probe for an OpenWhisk web action, driven through the action proxy like the Apache
 * Node.js runtime drives it: the activation carries every kind of secret (Authorization,
 * cookie, X-Api-Key, `?token=` and `?password=` in the query, a JSON body with a password, a
 * card number, an e-mail, a JWT, an AWS key pair and a PEM private key, a secret parameter and
 * the namespace API key). None may appear in the bytes the ingest receives.
 */
import { fileURLToPath } from 'node:url';
import { findSecrets } from '@faultline/core/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../../../../test-utils/receiver.js';
import { bundleAction } from '../harness/bundle.js';
import { type ActionProxy, activation, startActionProxy } from '../harness/harness.js';
import { zipBase64 } from '../harness/zip.js';

// Assembled at runtime so that secret scanners do not flag this file.
const join = (...parts: string[]) => parts.join('');
const PEM_BODY = 'MIIEogIBAAKCAQEAwhiskProbeKeyBodyNotARealKeyButShapedLikeOne0123';
const S = {
  bearer: 'ow-bearer-7d1c4e9a2b6f',
  cookie: 'ow-cookie-3a8e5c1d7f2b',
  apiKey: 'ow-xapikey-9b2d6f1a4c8e',
  token: 'ow-query-token-5e1a9c3d7b',
  urlPassword: 'Ow-Query-Pa55word',
  password: 'Ow-Body-Correct-Horse',
  card: '5555 5555 5555 4444',
  email: 'ada@whisk.example.org',
  jwt: join(
    'eyJhbGciOiJIUzI1NiJ9',
    '.',
    'eyJzdWIiOiJ3aGlzayIsInJvbGUiOiJhZG1pbiJ9',
    '.',
    'b3dfcHJvYmVfc2lnbmF0dXJlX3ZhbHVl',
  ),
  awsKeyId: join('AKIA', 'WHISKPROBE0KEY12'),
  awsSecret: 'wJalrXUtnFEMI/K7MDENG/whiskPROBEsecret01',
  pem: join('-----BEGIN ', 'PRIVATE KEY-----\n', PEM_BODY, '\n-----END ', 'PRIVATE KEY-----'),
  param: 'ow-param-db-password-2c7e',
  namespaceKey: 'ow-namespace-key-8f3b1e6a',
};

function secrets(allowEmail: boolean): string[] {
  const values = Object.entries(S)
    .filter(([name]) => name !== 'pem' && (name !== 'email' || !allowEmail))
    .map(([, value]) => value);
  return [...values, S.card.replace(/ /g, ''), S.jwt.split('.')[1] as string, PEM_BODY];
}

let zip: string;
let proxy: ActionProxy | undefined;
let receiver: Receiver | undefined;

beforeAll(async () => {
  const bundle = await bundleAction(fileURLToPath(new URL('../fixtures/action.ts', import.meta.url)));
  zip = zipBase64({ 'index.js': bundle, 'package.json': JSON.stringify({ name: 'demo', main: 'index.js' }) });
});

afterEach(async () => {
  await proxy?.close();
  await receiver?.close();
  proxy = undefined;
  receiver = undefined;
});

async function probe(main: 'main' | 'pii'): Promise<Record<string, any>> {
  receiver = await startReceiver();
  proxy = await startActionProxy();
  const init = await proxy.init({
    name: 'hello',
    main,
    code: zip,
    binary: true,
    env: { FAULTLINE_DSN: receiver.dsn },
  });
  expect(init.status).toBe(200);
  const body = {
    email: S.email,
    password: S.password,
    payment: { card: S.card },
    session: S.jwt,
    aws: { accessKeyId: S.awsKeyId, secretAccessKey: S.awsSecret },
    note: `key follows\n${S.pem}`,
    items: ['tea'],
  };
  const res = await proxy.run(
    activation(
      'leak-1',
      {
        mode: 'async-throw',
        tag: 'leak',
        __ow_method: 'post',
        __ow_path: '/checkout',
        __ow_query: `token=${S.token}&password=${S.urlPassword}&ref=mail`,
        __ow_headers: {
          authorization: `Bearer ${S.bearer}`,
          cookie: `sid=${S.cookie}`,
          'x-api-key': S.apiKey,
          'content-type': 'application/json',
        },
        __ow_body: Buffer.from(JSON.stringify(body)).toString('base64'),
        db_password: S.param,
      },
      { api_key: `uuid:${S.namespaceKey}` },
    ),
  );
  expect(res.status).toBe(200);
  await receiver.waitFor(1);
  const [event] = receiver.events();
  expect(event).toBeDefined();
  return event as Record<string, any>;
}

describe('leak probe: OpenWhisk web action', () => {
  it('default options: no secret and no personal data reach the ingest', async () => {
    const event = await probe('main');
    for (const request of receiver?.requests ?? [])
      expect(findSecrets(request.body, secrets(false))).toEqual([]);
    expect(event.request.headers).toMatchObject({
      authorization: '[Filtered]',
      cookie: '[Filtered]',
      'x-api-key': '[Filtered]',
    });
    expect(JSON.stringify(event.request)).toContain('token=[Filtered]');
  });

  it('sendDefaultPii: the body arrives, every credential in it filtered', async () => {
    const event = await probe('pii');
    for (const request of receiver?.requests ?? [])
      expect(findSecrets(request.body, secrets(true))).toEqual([]);
    expect(event.request.data).toMatchObject({
      email: S.email,
      password: '[Filtered]',
      payment: { card: '[Filtered]' },
      items: ['tea'],
    });
    expect(event.request.data.note).toContain('[Filtered]');
  });
});
