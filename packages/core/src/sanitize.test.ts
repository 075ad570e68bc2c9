import { execFile, spawn } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sanitizeCheckIn, sanitizeEvent } from './sanitize.js';
import { utf8Length } from './sanitize-fit.js';
import { scrubValue } from './scrub.js';
import { FILTERED } from './scrub-patterns.js';
import { testEvent } from './test-events.js';
import { SECRET_CASES } from './test-secrets.js';
import type { FaultlineEvent, WireCheckIn } from './types.js';

const MiB = 1024 * 1024;
const bytes = (value: unknown) => utf8Length(JSON.stringify(value));

describe('sanitizeEvent', () => {
  it('filters the password in the arguments of a command that failed to start', async () => {
    // What `spawn` gives when sshpass is not installed: `path` is the command, `spawnargs` the rest.
    const error = await new Promise<Error>((resolve) => {
      spawn('/nonexistent/bin/sshpass', ['-p', 'hunter', 'ssh', 'deploy@host']).on('error', resolve);
    });
    expect(error).toMatchObject({ code: 'ENOENT', spawnargs: ['-p', 'hunter', 'ssh', 'deploy@host'] });
    // A password as a plain argument of the command, no flag before it.
    const positional = await new Promise<Error>((resolve) => {
      spawn('/nonexistent/sbin/rabbitmqctl', ['add_user', 'worker', 'tr0ub4dor']).on('error', resolve);
    });
    // A tool without a password flag of its own: `-p` after `-u` (execFile's error adds `cmd`).
    const tool = await new Promise<Error>((resolve) => {
      execFile('/nonexistent/bin/backup-tool', ['-u', 'admin', '-p', 'S3cr3t!pass', '--host', 'db'], (e) =>
        resolve(e as Error),
      );
    });
    expect(tool).toMatchObject({ spawnargs: ['-u', 'admin', '-p', 'S3cr3t!pass', '--host', 'db'] });
    expect(tool).toHaveProperty('cmd');
    const wire = sanitizeEvent(
      testEvent({ extra: { error, positional, tool, argv: ['mysql', '-uroot', '-pS3cret', 'shop'] } }),
    );
    const json = JSON.stringify(wire.extra);
    expect(json).not.toContain('hunter');
    expect(json).not.toContain('S3cr3t!pass');
    expect(json).toContain('"--host","db"');
    expect(json).not.toContain('tr0ub4dor');
    expect(json).toContain('worker');
    expect(json).not.toContain('S3cret');
    expect(json).toContain('deploy@host');
    expect(json).toContain('shop');
  });

  it('scrubs every string of app data in its one walk: keys, Map keys, class tags, error names, card numbers', () => {
    const secret = 'ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
    class Tagged {
      get [Symbol.toStringTag]() {
        return `Tag ${secret}`;
      }
    }
    const throwing = {
      get broken(): unknown {
        const error = new Error('no');
        error.name = `Err ${secret}`;
        throw error;
      },
    };
    const deep = { a: { b: { c: { d: { e: { f: { g: { h: { i: { j: { k: new Tagged() } } } } } } } } } } };
    const wire = sanitizeEvent(
      testEvent({
        extra: {
          [`note ${secret}`]: 1,
          [`${'x'.repeat(250)}_passage`]: 'hunter2',
          map: new Map<unknown, unknown>([[{ id: secret }, 'v']]),
          tagged: new Tagged(),
          deep,
          throwing,
          card: 4111111111111111,
          text: `token=${secret}`,
        },
      }),
    );
    const json = JSON.stringify(wire.extra);
    expect(json).not.toContain(secret);
    expect(json).not.toContain('hunter2');
    expect(json).not.toContain('4111111111111111');
    expect(wire.extra?.card).toBe('[Filtered]');
    expect(json).toContain('[Filtered]');
  });

  it('produces a compact wire event: breadcrumbs wrapped, empty objects omitted', () => {
    const wire = sanitizeEvent(
      testEvent({ message: 'hello', breadcrumbs: [{ message: 'step', timestamp: 1 }], release: 'r1' }),
    );
    expect(wire).toEqual({
      event_id: 'a'.repeat(32),
      timestamp: 1_700_000_000.5,
      platform: 'node',
      level: 'error',
      sdk: { name: 'faultline.node', version: '0.1.0', settings: { infer_ip: 'never' } },
      message: 'hello',
      breadcrumbs: { values: [{ message: 'step', timestamp: 1 }] },
      release: 'r1',
    });
  });

  it('scrubs every field and keeps what is not secret', () => {
    const wire = sanitizeEvent(
      testEvent({
        message: 'login failed for jane@example.com with password=hunter2x',
        exception: {
          values: [
            {
              type: 'Error',
              value: 'connect postgres://app:dbpass9@db/app',
              mechanism: { type: 'generic', handled: true, data: { apiKey: 'k1' } },
              stacktrace: {
                frames: [
                  {
                    filename: '/app/x.js',
                    function: 'login',
                    lineno: 3,
                    in_app: true,
                    pre_context: ['const token = getToken();'],
                    context_line: '  const secret = "s3cr3t-literal";',
                    post_context: ['}'],
                  },
                ],
              },
            },
          ],
        },
        breadcrumbs: [
          { message: 'GET /cb?code=abc123', data: { url: '/x?token=t0k3n', authorization: 'Bearer x' } },
        ],
        request: {
          url: 'https://api.example.com/cb?access_token=zz99&page=1',
          headers: { authorization: 'Bearer abc', accept: 'json' },
          cookies: { sid: 'c00k13' },
          env: { REMOTE_ADDR: '203.0.113.1', SERVER_NAME: 'web1' },
        },
        user: { id: 'u1', email: 'jane@example.com', ip_address: '203.0.113.1', username: 'jane' },
        extra: { password: 'p', nested: { cardNumber: '4111111111111111', note: 'ok' } },
        contexts: { app: { session: 's', version: '1' }, auth: { a: 1 } },
        tags: { route: 'GET /login', token: 'tok', long: 'x'.repeat(500), multi: 'a\nb' },
      }),
    );
    const json = JSON.stringify(wire);
    for (const secret of [
      'hunter2x',
      'dbpass9',
      'k1',
      'abc123',
      't0k3n',
      'zz99',
      'c00k13',
      's3cr3t-literal',
      '4111',
    ]) {
      expect(json).not.toContain(secret);
    }
    expect(json).not.toContain('jane');
    expect(json).not.toContain('203.0.113.1');
    expect(wire.user).toEqual({ id: 'u1' });
    expect(wire.request?.cookies).toBeUndefined();
    expect(wire.request?.env).toEqual({ SERVER_NAME: 'web1' });
    expect(wire.request?.headers).toEqual({ authorization: '[Filtered]', accept: 'json' });
    expect(wire.exception?.values[0]?.stacktrace?.frames[0]?.pre_context).toEqual([
      'const token = getToken();',
    ]);
    expect(wire.extra).toEqual({ password: '[Filtered]', nested: { cardNumber: '[Filtered]', note: 'ok' } });
    expect(wire.contexts).toEqual({
      app: { session: '[Filtered]', version: '1' },
      auth: { value: '[Filtered]' },
    });
    expect(wire.tags?.route).toBe('GET /login');
    expect(wire.tags?.token).toBe('[Filtered]');
    expect(wire.tags?.long).toHaveLength(200);
    expect(wire.tags?.multi).toBe('a b');
  });

  it('copies debug_meta images, scrubbed and bounded', () => {
    const id = '6c9a5b0e-4d2f-4c3a-9a8e-2f1b7d0c5e11';
    const wire = sanitizeEvent(
      testEvent({
        debug_meta: {
          images: [
            { type: 'sourcemap', code_file: 'https://cdn.example.com/app.js?token=abc123', debug_id: id },
            'junk' as never,
          ],
        },
      }),
    );
    expect(wire.debug_meta).toEqual({
      images: [
        { type: 'sourcemap', code_file: 'https://cdn.example.com/app.js?token=[Filtered]', debug_id: id },
      ],
    });
    expect(sanitizeEvent(testEvent()).debug_meta).toBeUndefined();
  });

  it('keeps user PII and cookies only with sendDefaultPii', () => {
    const wire = sanitizeEvent(
      testEvent({
        user: { id: 7, email: 'jane@example.com', ip_address: '203.0.113.1', username: 'jane' },
        request: { cookies: { theme: 'dark', session_id: 'abc' }, env: { REMOTE_ADDR: '203.0.113.1' } },
      }),
      { sendDefaultPii: true },
    );
    expect(wire.user).toEqual({
      id: 7,
      email: 'jane@example.com',
      ip_address: '203.0.113.1',
      username: 'jane',
    });
    expect(wire.request?.cookies).toEqual({ theme: 'dark', session_id: '[Filtered]' });
    expect(wire.request?.env).toEqual({ REMOTE_ADDR: '203.0.113.1' });
  });

  it("sends the user's name and location only with sendDefaultPii, other user fields always", () => {
    const user = {
      id: 'u1',
      name: 'Ada Lovelace',
      geo: { city: 'London', country_code: 'GB' },
      username: 'ada',
      plan: 'pro',
    };
    expect(sanitizeEvent(testEvent({ user })).user).toEqual({ id: 'u1', plan: 'pro' });
    expect(sanitizeEvent(testEvent({ user }), { sendDefaultPii: true }).user).toEqual(user);
  });

  it("sends a user's phone, address, full name or birth date only with sendDefaultPii", () => {
    const user = {
      id: 'u1',
      phone: '+1 415 555 0144',
      mobileNumber: '+44 7700 900123',
      address: '12 Main St',
      lastName: 'Lovelace',
      dateOfBirth: '1815-12-10',
      nickname: 'ada',
      handle: '@ada',
      display_name: 'Ada L.',
      plan: 'pro',
    };
    expect(sanitizeEvent(testEvent({ user } as never)).user).toEqual({ id: 'u1', plan: 'pro' });
    expect(sanitizeEvent(testEvent({ user } as never), { sendDefaultPii: true }).user).toEqual(user);
  });

  it('sends a phone number, postal address, name or birth date under any key of event data only with sendDefaultPii', () => {
    const customer = {
      phone: '+1 415 555 0144',
      firstName: 'Ada',
      shippingAddress: { line1: '12 Main St', city: 'London' },
      date_of_birth: '1815-12-10',
      plan: 'pro',
      address: '127.0.0.1:5432',
      phonetic: 'AY-duh',
      iPhone: true,
    };
    const event = testEvent({
      extra: { customer },
      contexts: { billing: { fullName: 'Ada Lovelace' } },
      breadcrumbs: [{ message: 'signup', data: { telephone: '020 7946 0018' } }],
      message: 'GET /signup?phone=4155550144&last_name=Lovelace&plan=pro',
    } as never);
    const out = sanitizeEvent(event);
    expect(
      sanitizeEvent(
        testEvent({
          contexts: {
            // Stripe's billing details, a Shopify address, a contact.
            billing_details: {
              name: 'Ada Lovelace',
              email: 'ada@example.org',
              address: { line1: '12 Main St', city: 'London' },
            },
            shipping: {
              address1: '12 Main St',
              customerName: 'Ada',
              recipient: 'Ada',
              mobile: '+44 7700 900123',
              msisdn: '447700900123',
            },
            product: { name: 'Widget', sku: 'W-1' },
            // A whole Stripe customer: the name beside the e-mail in an object of 18 members.
            stripe_customer: {
              id: 'cus_1',
              object: 'customer',
              address: null,
              balance: 0,
              created: 1700000000,
              currency: 'usd',
              delinquent: false,
              description: null,
              email: 'ada@example.org',
              invoice_prefix: 'A1B2',
              livemode: false,
              metadata: {},
              name: 'Ada Lovelace',
              phone: null,
              preferred_locales: [],
              shipping: null,
              tax_exempt: 'none',
              test_clock: null,
            },
          },
          message: 'No account found for +1 415 555 2897',
        } as never),
      ),
    ).toMatchObject({
      contexts: {
        billing_details: { name: FILTERED, email: '[email]', address: { line1: FILTERED, city: 'London' } },
        shipping: {
          address1: FILTERED,
          customerName: FILTERED,
          recipient: FILTERED,
          mobile: FILTERED,
          msisdn: FILTERED,
        },
        product: { name: 'Widget', sku: 'W-1' },
        stripe_customer: { id: 'cus_1', email: '[email]', name: FILTERED, currency: 'usd' },
      },
      message: 'No account found for [phone]',
    });
    expect(out.extra?.customer).toEqual({
      ...customer,
      phone: FILTERED,
      firstName: FILTERED,
      shippingAddress: FILTERED,
      date_of_birth: FILTERED,
    });
    expect(out.contexts?.billing).toEqual({ fullName: FILTERED });
    // A Map's entries as an object's members; tags that name the user, or a name beside an e-mail.
    const contact = new Map([
      ['name', 'Ada Lovelace'],
      ['email', 'ada@example.org'],
    ]);
    const tagged = testEvent({
      extra: { contact },
      tags: { username: 'ada', 'user.name': 'ada', 'user.email': 'ada@example.org', plan: 'pro' },
    } as never);
    expect(sanitizeEvent(tagged)).toMatchObject({
      extra: { contact: { name: FILTERED, email: '[email]' } },
      tags: { username: FILTERED, 'user.name': FILTERED, 'user.email': FILTERED, plan: 'pro' },
    });
    expect(
      sanitizeEvent(testEvent({ tags: { name: 'Ada Lovelace', email: 'ada@example.org' } })).tags,
    ).toEqual({
      name: FILTERED,
      email: FILTERED,
    });
    expect(
      sanitizeEvent(
        testEvent({ extra: { order: { address: '12 Main St', db: { address: '127.0.0.1:5432' } } } }),
      ).extra,
    ).toEqual({ order: { address: FILTERED, db: { address: '127.0.0.1:5432' } } });
    // A bare `customer` holding a person's name, not an id.
    expect(
      sanitizeEvent(
        testEvent({ tags: { customer: 'Ada Lovelace' }, user: { id: '42', customer: 'José María García' } }),
      ),
    ).toMatchObject({ tags: { customer: FILTERED }, user: { id: '42', customer: FILTERED } });
    expect(sanitizeEvent(testEvent({ extra: { order: { customer: 'cus_42' } } })).extra).toEqual({
      order: { customer: 'cus_42' },
    });
    expect(sanitizeEvent(testEvent({ tags: { name: 'nightly-export', queue: 'default' } })).tags).toEqual({
      name: 'nightly-export',
      queue: 'default',
    });
    expect(sanitizeEvent(tagged, { sendDefaultPii: true })).toMatchObject({
      extra: { contact: { name: 'Ada Lovelace', email: 'ada@example.org' } },
      tags: { username: 'ada', 'user.name': 'ada', 'user.email': 'ada@example.org', plan: 'pro' },
    });
    expect(out.breadcrumbs?.values?.[0]?.data).toEqual({ telephone: FILTERED });
    expect(out.message).toBe(`GET /signup?phone=${FILTERED}&last_name=${FILTERED}&plan=pro`);
    const opted = sanitizeEvent(event, { sendDefaultPii: true });
    expect(opted.extra?.customer).toEqual(customer);
    expect(opted.breadcrumbs?.values?.[0]?.data).toEqual({ telephone: '020 7946 0018' });
    expect(opted.message).toBe(event.message);
  });

  it("sends a national id, passport, driver's licence, tax number or position only with sendDefaultPii; Passport.js's session stays", () => {
    const applicant = {
      nationalId: '1850-12-10-4321',
      passportNumber: 'X1234567',
      driversLicense: 'LOVEL812105AB9CD',
      tax_id: '123-45-678',
      taxNumber: '12/345/67890',
      nino: 'QQ123456C',
      passport: { user: 'u1' },
      country: 'GB',
      position: { lat: 51.5237, lng: -0.1585 },
      ids: { cpf: '529.982.247-25', aadhaar: '2345 6789 0124', nhsNumber: '943 476 5919' },
      payout: { accountHolder: 'Lukas Brenner', currency: 'EUR' },
      spot: { lat: 51.5072, long: -0.1276 },
      point: { type: 'Point', coordinates: [-73.9857, 40.7484] },
      polygon: { type: 'Polygon', coordinates: [[1, 2]] },
      delivery: { location: '31 Spooner Street, Quahog, RI 02860' },
      region: { location: 'eu-west-1' },
      oidc: { address: { formatted: '1428 Elm Street\nSpringwood, OH 44101' } },
      edge: { 'cf-postal-code': '94107', 'cf-ipcountry': 'US' },
    };
    expect(sanitizeEvent(testEvent({ extra: { applicant } })).extra?.applicant).toEqual({
      nationalId: FILTERED,
      passportNumber: FILTERED,
      driversLicense: FILTERED,
      tax_id: FILTERED,
      taxNumber: FILTERED,
      nino: FILTERED,
      position: { lat: FILTERED, lng: FILTERED },
      passport: { user: 'u1' },
      country: 'GB',
      ids: { cpf: FILTERED, aadhaar: FILTERED, nhsNumber: FILTERED },
      payout: { accountHolder: FILTERED, currency: 'EUR' },
      spot: { lat: FILTERED, long: FILTERED },
      point: { type: 'Point', coordinates: FILTERED },
      polygon: { type: 'Polygon', coordinates: [[1, 2]] },
      delivery: { location: FILTERED },
      region: { location: 'eu-west-1' },
      oidc: { address: { formatted: FILTERED } },
      edge: { 'cf-postal-code': FILTERED, 'cf-ipcountry': 'US' },
    });
    expect(
      sanitizeEvent(testEvent({ extra: { applicant } }), { sendDefaultPii: true }).extra?.applicant,
    ).toEqual(applicant);
  });

  it("filters the value a sensitive name names, and a JSON Web Key's private members", () => {
    const extra = {
      env: [
        { name: 'DB_PASSWORD', value: 'NXoTIMgmoVyQ9o3G5Lq7' },
        { name: 'NODE_ENV', value: 'production' },
      ],
      parameter: { ParameterKey: 'DbPassword', ParameterValue: 'pw-1234567' },
      har: [{ name: 'x-api-key', value: 'k3y-abcdef' }],
      jwk: {
        kty: 'RSA',
        n: 'modulus',
        e: 'AQAB',
        d: 'private-exponent',
        p: 'prime-1',
        q: 'prime-2',
        qi: 'coeff',
      },
      // Validation errors name their field beside the rejected value (Zod's path is a list; Spring
      // Boot's binding failure capitalizes); a Redis command its name.
      errors: [
        { type: 'field', value: 'Summer2024!', msg: 'Password too weak', path: 'password', location: 'body' },
        { property: 'apiKey', value: 'f3a9c2d17be6', constraints: { isUUID: 'apiKey must be a UUID' } },
        { instancePath: '/credentials/apiKey', keyword: 'pattern', data: 'f3a9c2d17be6' },
        { type: 'field', value: 'not-an-email', path: 'email', location: 'body' },
        { code: 'invalid_enum_value', path: ['user', 'password'], received: 'Summer2024!' },
        { Property: 'spring.datasource.password', Value: 'Summer2024!' },
      ],
      command: { name: 'auth', args: ['default', 'Summer2024!'] },
      redis: { command: 'auth', args: ['Summer2024!'] },
      query: { name: 'get', args: ['user:42'] },
      // A hash field and its value (letters alone are the next field's name).
      hash: { name: 'hset', args: ['user:42', 'apiToken', 'Rt5Mx8Kq2Vz7Lp3Wn9Hc4Jb', 'plan', 'pro'] },
      // A Redis command's words as clients hold them, in any case.
      ioredis: ['auth', 'default', 'Summer2024!'],
      hello: { name: 'hello', args: ['3', 'AUTH', 'default', 'Summer2024!', 'SETNAME', 'api'] },
      handshake: ['HELLO', 3, 'AUTH', 'default', 'Summer2024!'],
      words: ['auth', 'required', 'here', 'now'],
      // An audit trail's change, a diff, a settings row, an attribute: before and after too.
      audit: { field: 'password', old: 'Winter2023!', new: 'Summer2024!', by: 'u1' },
      diff: [
        { path: 'user.password', from: 'Winter2023!', to: 'Summer2024!' },
        { path: 'user.plan', from: 'free', to: 'pro' },
      ],
      setting: { setting: 'smtp_password', value: 'Summer2024!' },
      attribute: { attribute: 'client_secret', val: 'f3a9c2d17be6' },
      // A password-change form; counts before and after stay.
      changeForm: { current: 'Winter2023!', new: 'Summer2024!', confirm: 'Summer2024!' },
      counts: { current: 3, new: 5, confirm: false },
      // A security question's answer; a quiz's stays.
      recovery: { question: "What was your mother's maiden name?", answer: 'Hopper' },
      chosen: { securityQuestion: 'Q3', answer: 'Rex' },
      quiz: { question: 'What is 6 x 7?', answer: '42' },
      // Names in other languages; a macaroon, Telegram's api hash, a card's CSC, wallet keys, a
      // cloud key pair's secret half (a DynamoDB sort key stays), a recovery phrase under a bare
      // seed (a random seed stays), signing headers.
      foreign: {
        mdp: 'Bz7Qk2Xm9',
        palavraPasse: 'Kw3Zq8Vn5',
        口令: 'Ht6Wm1Zq4',
        令牌: 'Rv5Kq9',
        jeton: 'Wq7Zk3',
      },
      keys: { macaroon: '0201036c6e64', apiHash: 'b4e7a9c1d3f5', csc: '9274', wif: 'Kw1x', xprv: 'xprv9s2' },
      cloud: { ak: 'AKLTNmQ4Yz8Wq2Lz', sk: 'Mx8Wq2Lz7Vk4Tp9Rn3Hc6Jb1' },
      dynamo: { pk: 'USER#1', sk: 'PROFILE' },
      wallet: { seed: 'legal winner thank year wave sausage worth useful legal winner thank yellow' },
      rng: { seed: 'abc123' },
      // speakeasy's secret; an Ethereum key under pk (a primary key stays).
      generated: {
        ascii: '9x!Kq2#Lm7@Vz4$T',
        hex: '39782',
        base32: 'GEZDGNBVGY3TQOJQ',
        otpauth_url: 'otpauth://totp/x',
      },
      signer: { pk: '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318' },
      row: { pk: 'USER#1' },
      gate: { users: { admin: 'Wq8rT3vZpK' }, challenge: true },
      listing: { users: { count: 3 }, page: 1 },
      signed: { 'CB-ACCESS-SIGN': 'W0ZmD9nQ', 'API-Sign': '4/dpx', sign: '+' },
      // An opaque token under a short name; a flag, a count or a word stays.
      device: { id: 7, refresh: 'b3Jk9xQ2mLp7ZtR4vW8yA1cE', access: 'Zk3j9Lm2pQ8rT5vX7wY1aB4c' },
      options: { refresh: true, access: 'read-only', rt: 30 },
    };
    const wire = sanitizeEvent(testEvent({ extra })).extra;
    expect(wire).toEqual({
      env: [
        { name: 'DB_PASSWORD', value: '[Filtered]' },
        { name: 'NODE_ENV', value: 'production' },
      ],
      parameter: { ParameterKey: 'DbPassword', ParameterValue: '[Filtered]' },
      har: [{ name: 'x-api-key', value: '[Filtered]' }],
      jwk: {
        kty: 'RSA',
        n: 'modulus',
        e: 'AQAB',
        d: '[Filtered]',
        p: '[Filtered]',
        q: '[Filtered]',
        qi: '[Filtered]',
      },
      errors: [
        { type: 'field', value: '[Filtered]', msg: 'Password too weak', path: 'password', location: 'body' },
        { property: 'apiKey', value: '[Filtered]', constraints: { isUUID: 'apiKey must be a UUID' } },
        { instancePath: '/credentials/apiKey', keyword: 'pattern', data: '[Filtered]' },
        { type: 'field', value: 'not-an-email', path: 'email', location: 'body' },
        { code: 'invalid_enum_value', path: ['user', 'password'], received: '[Filtered]' },
        { Property: 'spring.datasource.password', Value: '[Filtered]' },
      ],
      command: { name: 'auth', args: '[Filtered]' },
      redis: { command: 'auth', args: '[Filtered]' },
      query: { name: 'get', args: ['user:42'] },
      hash: { name: 'hset', args: ['user:42', 'apiToken', '[Filtered]', 'plan', 'pro'] },
      ioredis: ['auth', 'default', '[Filtered]'],
      hello: { name: 'hello', args: ['3', 'AUTH', 'default', '[Filtered]', 'SETNAME', 'api'] },
      handshake: ['HELLO', 3, 'AUTH', 'default', '[Filtered]'],
      words: ['auth', 'required', 'here', 'now'],
      audit: { field: 'password', old: '[Filtered]', new: '[Filtered]', by: 'u1' },
      diff: [
        { path: 'user.password', from: '[Filtered]', to: '[Filtered]' },
        { path: 'user.plan', from: 'free', to: 'pro' },
      ],
      setting: { setting: 'smtp_password', value: '[Filtered]' },
      attribute: { attribute: 'client_secret', val: '[Filtered]' },
      changeForm: { current: '[Filtered]', new: '[Filtered]', confirm: '[Filtered]' },
      counts: { current: 3, new: 5, confirm: false },
      foreign: { mdp: FILTERED, palavraPasse: FILTERED, 口令: FILTERED, 令牌: FILTERED, jeton: FILTERED },
      keys: { macaroon: FILTERED, apiHash: FILTERED, csc: FILTERED, wif: FILTERED, xprv: FILTERED },
      cloud: { ak: 'AKLTNmQ4Yz8Wq2Lz', sk: FILTERED },
      dynamo: { pk: 'USER#1', sk: 'PROFILE' },
      wallet: { seed: FILTERED },
      rng: { seed: 'abc123' },
      generated: { ascii: FILTERED, hex: FILTERED, base32: FILTERED, otpauth_url: FILTERED },
      signer: { pk: FILTERED },
      row: { pk: 'USER#1' },
      gate: { users: FILTERED, challenge: true },
      listing: { users: { count: 3 }, page: 1 },
      signed: { 'CB-ACCESS-SIGN': FILTERED, 'API-Sign': FILTERED, sign: '+' },
      recovery: { question: "What was your mother's maiden name?", answer: '[Filtered]' },
      chosen: { securityQuestion: 'Q3', answer: '[Filtered]' },
      quiz: { question: 'What is 6 x 7?', answer: '42' },
      device: { id: 7, refresh: '[Filtered]', access: '[Filtered]' },
      options: { refresh: true, access: 'read-only', rt: 30 },
    });
    // The same rule for data that is already JSON (request bodies).
    expect(scrubValue(extra)).toEqual(wire);
  });

  it('filters the values bound to a statement that gives one to a sensitive column', () => {
    expect(
      scrubValue({
        knex: {
          sql: 'insert into `users` (`email`, `password`) values (?, ?)',
          bindings: ['a@b.io', 'S3cr3t!x'],
        },
        typeorm: { query: 'UPDATE "user" SET "password" = $1 WHERE "id" = $2', parameters: ['S3cr3t!x', 7] },
        pg: { text: 'SELECT * FROM items WHERE id = $1', values: [42] },
      }),
    ).toMatchObject({
      knex: { bindings: '[Filtered]' },
      typeorm: { parameters: '[Filtered]' },
      pg: { values: [42] },
    });
  });

  it('filters an OAuth authorization code beside the fields that come with one', () => {
    const code = 'Zq8Lm2Xv7Np3Kd9WHk4Lp9Qz';
    expect(
      scrubValue({
        exchange: { grant_type: 'authorization_code', code, redirect_uri: 'https://app.example/cb' },
        callback: { code, state: 'af0ifjsldkj' },
        // A shorter code that reads as random (16 characters, letters and digits interleaved).
        shortCode: { code: 'Zq8Lm2Xv7Np3Kd9W', state: 'af0ifjsldkj' },
        dbError: { code: 'E11000', state: 'failed' },
        pgError: { code: 'ER_DUP_ENTRY_WITH_KEY_NAME', state: 'failed' },
      }),
    ).toEqual({
      exchange: {
        grant_type: 'authorization_code',
        code: '[Filtered]',
        redirect_uri: 'https://app.example/cb',
      },
      callback: { code: '[Filtered]', state: 'af0ifjsldkj' },
      shortCode: { code: '[Filtered]', state: 'af0ifjsldkj' },
      dbError: { code: 'E11000', state: 'failed' },
      pgError: { code: 'ER_DUP_ENTRY_WITH_KEY_NAME', state: 'failed' },
    });
  });

  it('sends the personal user fields as text only, as the ingest reads them', () => {
    const user = { id: 'u1', email: { primary: 'ada@example.com' }, username: 42, ip_address: '203.0.113.7' };
    expect(sanitizeEvent(testEvent({ user } as never), { sendDefaultPii: true }).user).toEqual({
      id: 'u1',
      ip_address: '203.0.113.7',
    });
  });

  it("tells the ingest not to take the sender's address as the user's IP, unless a page sends personal data", () => {
    const infer = (platform: string, sendDefaultPii: boolean) =>
      sanitizeEvent(testEvent({ platform }), { sendDefaultPii }).sdk.settings?.infer_ip;
    // Without the setting Relay fills user.ip_address from the connection for `javascript` events.
    expect(infer('javascript', false)).toBe('never');
    expect(infer('javascript', true)).toBe('auto');
    // A server's address is its own, not its user's.
    expect(infer('node', false)).toBe('never');
    expect(infer('node', true)).toBe('never');
    // Whatever the event claimed.
    const claimed = testEvent({
      platform: 'javascript',
      sdk: { name: 'x', version: '1', settings: { infer_ip: 'auto' } },
    });
    expect(sanitizeEvent(claimed).sdk.settings).toEqual({ infer_ip: 'never' });
  });

  it('applies the ingest limits', () => {
    const wire = sanitizeEvent(
      testEvent({
        message: 'm'.repeat(10 * MiB),
        environment: 'e'.repeat(100),
        release: 'r'.repeat(300),
        transaction: 't'.repeat(300),
        tags: { ['k'.repeat(40)]: 'v' },
      }),
    );
    expect(wire.message).toHaveLength(8192);
    expect(wire.environment).toHaveLength(64);
    expect(wire.release).toHaveLength(200);
    expect(wire.transaction).toHaveLength(200);
    // Tag keys are kept whole: the ingest takes 200 characters (the protocol step cuts there).
    expect(Object.keys(wire.tags ?? {})).toEqual(['k'.repeat(40)]);
  });

  it('fits a 10 MB message, a 10,000-deep object and 5,000 big breadcrumbs under 1 MiB', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 10_000; i++) deep = { deep };
    const breadcrumbs = Array.from({ length: 5000 }, (_, i) => ({
      message: `crumb ${i}`,
      timestamp: i,
      data: { blob: 'b'.repeat(20_000), list: Array.from({ length: 50 }, (_, j) => `item ${j}`) },
    }));
    const wire = sanitizeEvent(
      testEvent({ message: 'x'.repeat(10 * MiB), extra: { deep, big: 'y'.repeat(5 * MiB) }, breadcrumbs }),
    );
    expect(bytes(wire)).toBeLessThanOrEqual(MiB);
    const kept = wire.breadcrumbs?.values ?? [];
    expect(kept.length).toBeGreaterThan(0);
    // The newest breadcrumbs are the ones kept.
    expect(kept[kept.length - 1]?.message).toBe('crumb 4999');
    expect(wire.message?.length).toBe(8192);
  });

  it('trims in order: oldest breadcrumbs, then extra, then long strings, then source context', () => {
    const frame = {
      filename: 'a.js',
      pre_context: ['p'.repeat(900)],
      context_line: 'c',
      post_context: ['q'],
    };
    const event = testEvent({
      message: 'keep me',
      breadcrumbs: Array.from({ length: 20 }, (_, i) => ({ message: `${i}`.padEnd(1000, '.') })),
      extra: { small: 1, big: 'z'.repeat(6000) },
      exception: { values: [{ type: 'E', value: 'v'.repeat(6000), stacktrace: { frames: [frame] } }] },
    });
    const small = sanitizeEvent(event, { maxEventBytes: 6000 });
    expect(bytes(small)).toBeLessThanOrEqual(6000);
    expect(small.breadcrumbs).toBeUndefined();
    expect(small.extra?.big).toBeUndefined();
    expect(small.exception?.values[0]?.value?.length).toBeLessThanOrEqual(4096);
    expect(small.message).toBe('keep me');
    expect(small.exception?.values[0]?.stacktrace?.frames[0]?.pre_context).toHaveLength(1);

    const smaller = sanitizeEvent(event, { maxEventBytes: 700 });
    expect(bytes(smaller)).toBeLessThanOrEqual(700);
    expect(smaller.exception?.values[0]?.stacktrace?.frames[0]?.pre_context).toBeUndefined();
    expect(smaller.exception?.values[0]?.stacktrace?.frames[0]?.filename).toBe('a.js');

    const tiny = sanitizeEvent(event, { maxEventBytes: 512 });
    expect(bytes(tiny)).toBeLessThanOrEqual(512);
    expect(tiny.event_id).toBe('a'.repeat(32));
  });

  it('never throws: hostile events give a minimal valid event with a note', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const hostile = new Proxy(testEvent(), {
      get(target, key) {
        if (key === 'extra') throw new Error('nope');
        return Reflect.get(target, key);
      },
    });
    expect(() => sanitizeEvent(hostile)).not.toThrow();
    expect(sanitizeEvent(hostile).event_id).toBe('a'.repeat(32));
    for (const bad of [
      null,
      undefined,
      42,
      'str',
      proxy,
      { tags: proxy, extra: proxy, breadcrumbs: proxy },
    ]) {
      const wire = sanitizeEvent(bad as unknown as FaultlineEvent);
      expect(wire.event_id).toMatch(/^[0-9a-f]{32}$/);
      expect(typeof wire.timestamp).toBe('number');
      expect(JSON.parse(JSON.stringify(wire))).toEqual(wire);
    }
  });
});

describe('sanitizeCheckIn', () => {
  it('truncates slug and environment and drops invalid fields', () => {
    const out = sanitizeCheckIn({
      check_in_id: 'b'.repeat(32),
      monitor_slug: 's'.repeat(80),
      status: 'ok',
      duration: Number.NaN,
      environment: 'e'.repeat(100),
      monitor_config: { schedule: { type: 'crontab', value: '* * * * *' } },
    } as WireCheckIn);
    expect(out).toEqual({
      check_in_id: 'b'.repeat(32),
      monitor_slug: 's'.repeat(49).concat('…'),
      status: 'ok',
      environment: `${'e'.repeat(63)}…`,
      monitor_config: { schedule: { type: 'crontab', value: '* * * * *' } },
    });
  });

  it('scrubs the slug, release, environment and monitor config like an event', () => {
    const out = sanitizeCheckIn({
      check_in_id: 'b'.repeat(32),
      monitor_slug: 'sync?token=t0k3n99',
      status: 'error',
      release: 'app@1.0 password=hunter2',
      environment: 'prod api_key=abc123',
      monitor_config: {
        schedule: { type: 'crontab', value: '0 * * * *' },
        timezone: 'Europe/Berlin',
        webhook: 'https://ops:s3cretpw@hooks.example.com/cron',
        password: 'hunter2',
      },
    } as unknown as WireCheckIn);
    const json = JSON.stringify(out);
    for (const secret of ['t0k3n99', 'hunter2', 'abc123', 's3cretpw']) expect(json).not.toContain(secret);
    expect(out.monitor_config).toMatchObject({
      schedule: { type: 'crontab', value: '0 * * * *' },
      timezone: 'Europe/Berlin',
    });
    expect(out.monitor_slug).toBe('sync?token=[Filtered]');
  });
});

describe('sanitize properties', () => {
  const secret = fc.constantFrom(...SECRET_CASES);
  const key = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom('password', 'note', 'Authorization', 'url'),
  );
  const json = fc.jsonValue({ maxDepth: 3 });
  /** Arbitrary JSON with a secret text planted somewhere: as a value, inside a string, or as a key. */
  const planted = fc
    .tuple(
      fc.array(fc.tuple(key, json), { maxLength: 6 }),
      secret,
      key,
      fc.constantFrom('value', 'inside', 'key'),
    )
    .map(([entries, s, k, where]) => {
      const obj: Record<string, unknown> = {};
      for (const [ek, ev] of entries) obj[ek] = ev;
      if (where === 'value') obj[k] = s.text;
      else if (where === 'inside') obj[k] = [`before ${s.text} after`];
      else obj[`${s.text}`] = 1;
      return { obj, secret: s.secret };
    });

  it('normalize + scrub: no planted secret survives, output round-trips', () => {
    fc.assert(
      fc.property(planted, ({ obj, secret: s }) => {
        const out = JSON.stringify(scrubValue(obj));
        expect(out).not.toContain(s);
        expect(JSON.stringify(JSON.parse(out))).toBe(out);
      }),
      { numRuns: 2000 },
    );
  });

  it('sanitizeEvent: never throws, JSON-safe, under the size limit, no planted secret survives', () => {
    const field = fc.constantFrom('extra', 'contexts', 'breadcrumb', 'message', 'request', 'tags', 'frame');
    fc.assert(
      fc.property(
        planted,
        field,
        fc.integer({ min: 2048, max: 65_536 }),
        ({ obj, secret: s }, where, max) => {
          const event = testEvent();
          const text = JSON.stringify(obj);
          if (where === 'extra') event.extra = obj;
          else if (where === 'contexts') event.contexts = { app: obj };
          else if (where === 'breadcrumb') event.breadcrumbs = [{ message: text, data: obj }];
          else if (where === 'message') event.message = text;
          else if (where === 'request')
            event.request = { url: `/x?q=${text}`, data: obj, headers: { x: text } };
          else if (where === 'tags') event.tags = Object.fromEntries(Object.keys(obj).map((k) => [k, text]));
          else
            event.exception = {
              values: [{ type: 'E', value: text, stacktrace: { frames: [{ context_line: text }] } }],
            };
          const wire = sanitizeEvent(event, { maxEventBytes: max });
          const out = JSON.stringify(wire);
          expect(out).not.toContain(s);
          expect(utf8Length(out)).toBeLessThanOrEqual(max);
          expect(JSON.parse(out)).toEqual(wire);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
