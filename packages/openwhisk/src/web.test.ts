import { describe, expect, it } from 'vitest';
import { readActivationContext } from './activation.js';
import { actionParams, webRequestData } from './web.js';

const ctx = readActivationContext(
  { __OW_ACTION_NAME: '/guest/demo/hello', __OW_API_HOST: 'https://ow.example.com' },
  { __ow_method: 'post' },
  false,
);

describe('webRequestData', () => {
  const params = {
    __ow_method: 'post',
    __ow_path: '/items/7',
    __ow_query: 'page=2&token=abc123secret',
    __ow_headers: {
      authorization: 'Bearer sekret-bearer',
      cookie: 'sid=cookie-secret',
      'x-require-whisk-auth': 'whisk-secret',
      'content-type': 'application/json',
      'x-forwarded-for': '203.0.113.9, 10.0.0.1',
      accept: 'application/json',
    },
    __ow_body: Buffer.from(JSON.stringify({ password: 'hunter2', name: 'n' })).toString('base64'),
  };

  it('builds method, url, query and scrubbed headers, without body or IP by default', () => {
    const req = webRequestData(params, ctx, { scrub: { denyKeys: ['whisk-auth'] } });
    expect(req.method).toBe('POST');
    expect(req.url).toBe('https://ow.example.com/api/v1/web/guest/demo/hello/items/7');
    expect(req.headers?.accept).toBe('application/json');
    const text = JSON.stringify(req);
    for (const secret of [
      'sekret-bearer',
      'cookie-secret',
      'whisk-secret',
      'abc123secret',
      'hunter2',
      '203.0.113.9',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(req.data).toBeUndefined();
  });

  it('decodes a base64 JSON body with sendDefaultPii and scrubs it', () => {
    const req = webRequestData(params, ctx, { sendDefaultPii: true });
    expect(req.data).toMatchObject({ name: 'n', password: '[Filtered]' });
  });

  it('parses form bodies and keeps binary bodies out', () => {
    const form = webRequestData(
      {
        ...params,
        __ow_headers: { 'content-type': 'application/x-www-form-urlencoded' },
        __ow_body: 'a=1&pass=x1',
      },
      ctx,
      { sendDefaultPii: true },
    );
    expect(form.data).toMatchObject({ a: '1', pass: '[Filtered]' });
    const bin = webRequestData(
      { ...params, __ow_headers: { 'content-type': 'image/png' }, __ow_body: 'iVBORw0KGgo=' },
      ctx,
      { sendDefaultPii: true },
    );
    expect(String(bin.data)).toMatch(/^\[binary body/);
  });
});

describe('actionParams', () => {
  it('drops __ow_* and the DSN parameter, and filters secret-looking keys', () => {
    const value = actionParams(
      {
        __ow_method: 'get',
        FAULTLINE_DSN: 'http://k@h/1',
        name: 'x',
        db_password: 'p',
        apiKey: 'k',
        nested: { token: 't' },
      },
      'FAULTLINE_DSN',
      { denyKeys: ['key', 'pass', 'token'] },
    );
    expect(value).toEqual({
      name: 'x',
      db_password: '[Filtered]',
      apiKey: '[Filtered]',
      nested: { token: '[Filtered]' },
    });
  });
});
