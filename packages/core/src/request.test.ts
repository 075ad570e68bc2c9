import { describe, expect, it } from 'vitest';
import { requestDataFrom, sanitizeRequestWith } from './request.js';
import { utf8Length } from './sanitize-fit.js';
import { compileScrub } from './scrub.js';

const parts = {
  method: 'post',
  url: 'https://user:pw123@api.example.com/login?next=%2Fhome&token=abc123',
  headers: {
    authorization: 'Bearer abc.def',
    'proxy-authorization': 'Basic Zm9vOmJhcg==',
    cookie: 'theme=dark; session_id=s3ss10n; connect.sid=xyz',
    'set-cookie': ['a=1', 'b=2'],
    'x-api-key': 'k3y',
    'content-type': 'application/json',
    'x-forwarded-for': '203.0.113.7',
  },
  body: { username: 'bob', password: 'hunter2', card: '4111 1111 1111 1111', nested: { token: 't' } },
  ip: '203.0.113.7',
};

describe('requestDataFrom', () => {
  it('filters a WebSocket subprotocol token, a session under a cookie name the app chose, and what a proxy says of the user', () => {
    const headers = {
      'sec-websocket-protocol': 'access_token, eyQ9f8e7d6c5b4a39281706f5e4d3c2b1a0',
      cookie: 'myapp=s%3AqY3kLmN0pQrStUvWxYz12345.abcDEF123ghiJKL456; theme=dark',
      'x-forwarded-user': 'jane.doe',
      'remote-user': 'jdoe',
      'x-webauth-user': 'jdoe',
      'x-consumer-username': 'jane.doe',
      'x-userinfo': 'eyJuYW1lIjoiSmFuZSBEb2UiLCJlbWFpbCI6ImphbmVAZXhhbXBsZS5vcmcifQ',
      'x-ms-client-principal-name': 'jane.doe',
      'x-user-name': 'jane.doe',
      'x-ssl-client-s-dn': 'CN=Jane Doe,O=Acme',
      'x-forwarded-client-cert': 'Hash=4f2a;Subject="CN=Jane Doe"',
      'x-vercel-ip-latitude': '37.7749',
      'x-vercel-ip-city': 'San%20Francisco',
      'x-access': 'f3a9c2d17be64a0e9d5c8b1a7f6e2d4c',
      'x-request-signing': 'f3a9c2d17be64a0e9d5c8b1a7f6e2d4c',
      'x-otc': '482913',
      // A client sent the host of a URL with its user and password.
      host: 'jane:Tr0ub4dor@api.example.com',
      'x-forwarded-host': 'bob:s3cr%40t@shop.example.com, edge.example.com',
    };
    const plain = requestDataFrom({ method: 'GET', url: '/live', headers });
    expect(plain.headers).toEqual({
      'sec-websocket-protocol': 'access_token, [Filtered]',
      cookie: '[Filtered]',
      'x-forwarded-user': '[Filtered]',
      'remote-user': '[Filtered]',
      'x-webauth-user': '[Filtered]',
      'x-consumer-username': '[Filtered]',
      'x-userinfo': '[Filtered]',
      'x-ms-client-principal-name': '[Filtered]',
      'x-user-name': '[Filtered]',
      'x-ssl-client-s-dn': '[Filtered]',
      'x-forwarded-client-cert': '[Filtered]',
      'x-vercel-ip-latitude': '[Filtered]',
      'x-vercel-ip-city': '[Filtered]',
      'x-access': '[Filtered]',
      'x-request-signing': '[Filtered]',
      'x-otc': '[Filtered]',
      host: '[Filtered]@api.example.com',
      'x-forwarded-host': '[Filtered]@shop.example.com, edge.example.com',
    });
    const opted = requestDataFrom({ method: 'GET', url: '/live', headers }, { sendDefaultPii: true });
    expect(opted.cookies).toEqual({ myapp: '[Filtered]', theme: 'dark' });
    expect(opted.headers?.['x-forwarded-user']).toBe('jane.doe');
    expect(opted.headers?.['x-consumer-username']).toBe('jane.doe');
    expect(opted.headers?.['x-ssl-client-s-dn']).toBe('CN=Jane Doe,O=Acme');
    expect(opted.headers?.['x-vercel-ip-latitude']).toBe('37.7749');
    expect(opted.headers?.['x-access']).toBe('[Filtered]');
    expect(opted.headers?.host).toBe('[Filtered]@api.example.com');
    expect(
      requestDataFrom({ method: 'GET', url: '/', headers: { host: 'api.example.com:8443' } }).headers,
    ).toEqual({
      host: 'api.example.com:8443',
    });
    expect(
      requestDataFrom({
        method: 'GET',
        url: '/live',
        headers: { 'sec-websocket-protocol': 'graphql-transport-ws' },
      }).headers,
    ).toEqual({ 'sec-websocket-protocol': 'graphql-transport-ws' });
    // What is not a token is scrubbed as any header value.
    expect(
      requestDataFrom({
        method: 'GET',
        url: '/live',
        headers: { 'sec-websocket-protocol': 'chat, ada@example.org' },
      }).headers,
    ).toEqual({ 'sec-websocket-protocol': 'chat, [email]' });
  });

  it('without PII: scrubbed headers, url and query; no body, cookies or client IP', () => {
    const out = requestDataFrom(parts, {});
    expect(out).toEqual({
      method: 'POST',
      url: 'https://user:[Filtered]@api.example.com/login?next=%2Fhome&token=[Filtered]',
      query_string: 'next=%2Fhome&token=[Filtered]',
      headers: {
        authorization: '[Filtered]',
        'proxy-authorization': '[Filtered]',
        cookie: '[Filtered]',
        'set-cookie': '[Filtered]',
        'x-api-key': '[Filtered]',
        'content-type': 'application/json',
        'x-forwarded-for': '[ip]',
      },
    });
  });

  it('with PII: body scrubbed, cookies parsed with sensitive ones filtered, REMOTE_ADDR set', () => {
    const out = requestDataFrom(parts, { sendDefaultPii: true });
    expect(out.data).toEqual({
      username: 'bob',
      password: '[Filtered]',
      card: '[Filtered]',
      nested: { token: '[Filtered]' },
    });
    expect(out.cookies).toEqual({ theme: 'dark', session_id: '[Filtered]', 'connect.sid': '[Filtered]' });
    expect(out.env).toEqual({ REMOTE_ADDR: '203.0.113.7' });
    expect(out.headers?.['x-forwarded-for']).toBe('203.0.113.7');
    expect(out.headers?.cookie).toBe('[Filtered]');
  });

  it('scrubs a parsed query object by key and by value', () => {
    const out = requestDataFrom(
      {
        url: '/search',
        query: { q: 'shoes', api_key: 'k', sig: 's', code: 'c', email: 'a@b.io', tags: ['x', 'y'] },
      },
      {},
    );
    expect(out.query_string).toEqual({
      q: 'shoes',
      api_key: '[Filtered]',
      sig: '[Filtered]',
      code: '[Filtered]',
      email: '[email]',
      tags: '["x","y"]',
    });
  });

  it('filters a token under a short query name (t, k, s, tk) and keeps searches, times and counts there', () => {
    const token = 'Zk3j9d0s8a7f6g5h4j3k2l1m';
    const out = requestDataFrom({ url: '/dl', query: { t: token, k: token, s: token, tk: token } }, {});
    expect(out.query_string).toEqual({ t: '[Filtered]', k: '[Filtered]', s: '[Filtered]', tk: '[Filtered]' });
    const kept = { s: 'blue shoes size 42', t: '1700000000', k: '3', tk: '2024-01-15T12:30:45Z' };
    expect(requestDataFrom({ url: '/search', query: kept }, {}).query_string).toEqual(kept);
    expect(requestDataFrom({ url: `/dl?t=${token}&s=blue+shoes` }, {}).query_string).toBe(
      't=[Filtered]&s=blue+shoes',
    );
  });

  it('filters a token in a cookie map the app set on the request, whatever its name', () => {
    const wire = sanitizeRequestWith(
      {
        url: '/',
        cookies: {
          myapp: 's%3AqY3kLmN0pQrStUvWxYz12345.abcDEF123ghiJKL456',
          rt: 'Zq8Lm2Xv7Np3Kd9W',
          theme: 'dark',
          lang: 'en-US',
          at: '1700000000',
        },
      },
      compileScrub({ sendDefaultPii: true }),
      8192,
    );
    // A token under a name the app chose, or a shorter one under a short name that says one.
    expect(wire?.cookies).toEqual({
      myapp: '[Filtered]',
      rt: '[Filtered]',
      theme: 'dark',
      lang: 'en-US',
      at: '1700000000',
    });
  });

  it('scrubs string bodies by content', () => {
    const form = requestDataFrom(
      { body: 'user=bob&password=hunter2&card=4242424242424242' },
      { sendDefaultPii: true },
    );
    expect(form.data).toBe('user=bob&password=[Filtered]&card=[Filtered]');
  });

  it('scrubs a CSV upload by column', () => {
    const upload = requestDataFrom(
      {
        headers: { 'content-type': 'text/csv' },
        body: 'email,password,role\r\nada@example.com,Hunter2!x,admin\r\nbob@example.com,"S3 cr3t",user\r\n',
      },
      { sendDefaultPii: true },
    );
    expect(upload.data).toBe(
      'email,password,role\r\nada@example.com,[Filtered],admin\r\nbob@example.com,"[Filtered]",user\r\n',
    );
  });

  it('caps the body to maxBodyBytes of JSON with a truncation marker', () => {
    const body = {
      items: Array.from({ length: 2000 }, (_, i) => ({ i, text: 'lorem ipsum dolor sit amet '.repeat(4) })),
    };
    const out = requestDataFrom({ body }, { sendDefaultPii: true });
    expect(typeof out.data).toBe('string');
    expect(utf8Length(out.data as string)).toBeLessThanOrEqual(8192);
    expect(out.data as string).toMatch(/… \[truncated, \d+ bytes\]$/);
    const small = requestDataFrom({ body }, { sendDefaultPii: true, maxBodyBytes: 500 });
    expect(utf8Length(small.data as string)).toBeLessThanOrEqual(500);
  });

  it('takes user scrub options', () => {
    const out = requestDataFrom(
      { headers: { 'x-tenant': 'acme', 'x-trace': 'TCK-123456' } },
      { scrub: { denyKeys: ['tenant'], valuePatterns: [{ name: 'ticket', pattern: /TCK-\d+/ }] } },
    );
    expect(out.headers).toEqual({ 'x-tenant': '[Filtered]', 'x-trace': '[Filtered]' });
  });

  it('never throws on hostile input', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const hostile = [
      null,
      proxy,
      { headers: proxy, body: proxy, query: proxy },
      {
        get url(): string {
          throw new Error('x');
        },
      },
      { headers: { a: 1 as unknown as string, b: null as unknown as string }, url: 42 as unknown as string },
    ];
    for (const input of hostile) {
      expect(() => requestDataFrom(input as never, { sendDefaultPii: true })).not.toThrow();
    }
  });
});
