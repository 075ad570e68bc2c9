// Self-tests of the action-proxy harness against plain (unwrapped) actions: each case is a row
// of the outcome table observed on the real Apache Node.js runtime (research A.2-A.7).
import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ActionProxy, activation, type ProxyOptions, SENTINEL, startActionProxy } from './harness.js';
import { zipBase64 } from './zip.js';

let proxy: ActionProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

async function inline(code: string, options: Parameters<typeof startActionProxy>[0] = {}) {
  proxy = await startActionProxy(options);
  const init = await proxy.init({ name: 'demo', main: 'main', code });
  expect(init).toMatchObject({ status: 200, body: { OK: true } });
  return proxy;
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('action proxy harness: /run outcomes', () => {
  it('returns an object with 200 and stays warm', async () => {
    const p = await inline('function main(params) { return { hello: params.name }; }');
    expect(await p.run(activation('a1', { name: 'x' }))).toMatchObject({ status: 200, body: { hello: 'x' } });
    expect(await p.run(activation('a2', { name: 'y' }))).toMatchObject({ status: 200, body: { hello: 'y' } });
  });

  it('turns a bare return into {}', async () => {
    const p = await inline('function main() { return; }');
    expect(await p.run(activation('a1'))).toMatchObject({ status: 200, body: {} });
  });

  it('passes a returned {error} through as a 200', async () => {
    const p = await inline('function main() { return { error: { message: "sorry", statusCode: 400 } }; }');
    expect(await p.run(activation('a1'))).toMatchObject({
      status: 200,
      body: { error: { message: 'sorry', statusCode: 400 } },
    });
    expect((await p.run(activation('a2'))).status).toBe(200);
  });

  it('serializes an async throw into 200 {error:{name,message,stack,...own props}} and stays warm', async () => {
    const p = await inline(
      'async function main() { const e = new Error("boom async"); e.code = "E_DEMO"; throw e; }',
    );
    const res = await p.run(activation('a1'));
    expect(res.status).toBe(200);
    expect(res.body.error).toMatchObject({ name: 'Error', message: 'boom async', code: 'E_DEMO' });
    expect(res.body.error.stack).toMatch(/^Error: boom async\n/);
    expect(res.body.error.stack).toContain('NodeActionRunner.main [as userScriptMain]');
    expect(res.body.error.stack).toContain('eval at initializeActionHandler');
    expect((await p.run(activation('a2'))).status).toBe(200);
  });

  it('leaves an error’s cause out of the serialized rejection, as the runtime’s serialize-error 9.1.0 does', async () => {
    const p = await inline(
      'async function main() { throw new Error("outer", { cause: new TypeError("inner") }); }',
    );
    const res = await p.run(activation('a1'));
    expect(res.body.error).toMatchObject({ name: 'Error', message: 'outer' });
    expect(res.body.error).not.toHaveProperty('cause');
  });

  it('keeps a non-Error rejection as is, and a falsy one as {}', async () => {
    const p = await inline('function main(p) { return p.empty ? Promise.reject() : Promise.reject("str"); }');
    expect(await p.run(activation('a1'))).toMatchObject({ status: 200, body: { error: 'str' } });
    expect(await p.run(activation('a2', { empty: true }))).toMatchObject({
      status: 200,
      body: { error: {} },
    });
  });

  it('answers a synchronous throw with 502 and stops the container', async () => {
    const p = await inline('function main() { throw new Error("boom"); }');
    const res = await p.run(activation('a1'));
    expect(res).toMatchObject({ status: 502, body: { error: 'An error has occurred: Error: boom' } });
    expect(await p.run(activation('a2'))).toMatchObject({
      status: 403,
      body: { error: 'System not ready, status is stopped.' },
    });
    await p.waitForSentinels(1);
    expect(p.stderrText()).toMatch(/Error: boom\n\s+at /);
    expect(count(p.stdoutText(), SENTINEL)).toBe(1);
    expect(count(p.stderrText(), SENTINEL)).toBe(1);
  });

  it('rejects a result that is not a dictionary with 502', async () => {
    const p = await inline('function main() { return "text"; }');
    expect(await p.run(activation('a1'))).toMatchObject({
      status: 502,
      body: { error: 'The action did not return a dictionary.' },
    });
  });

  it('exits the process on a background rejection after the result was returned', async () => {
    const p = await inline(
      'function main() { setTimeout(() => Promise.reject(new Error("late")), 50); return { ok: true }; }',
    );
    expect(await p.run(activation('a1'))).toMatchObject({ status: 200, body: { ok: true } });
    expect((await p.exited).code).toBe(1);
    await expect(p.run(activation('a2'))).rejects.toThrow();
  });

  it('writes the sentinel once per stream after every activation', async () => {
    const p = await inline(
      'function main(p) { console.log("out", p.n); console.error("err", p.n); return {}; }',
    );
    await p.run(activation('a1', { n: 1 }));
    await p.run(activation('a2', { n: 2 }));
    await p.waitForSentinels(2);
    expect(count(p.stdoutText(), SENTINEL)).toBe(2);
    expect(count(p.stderrText(), SENTINEL)).toBe(2);
    expect(p.stdoutText()).toMatch(new RegExp(`out 1\\n${SENTINEL}\\nout 2\\n${SENTINEL}\\n$`));
  });

  it('treats a null value as {} and rejects a value that is not an object with 403', async () => {
    const p = await inline('function main(p) { return { keys: Object.keys(p) }; }');
    expect(await p.run({ value: null })).toMatchObject({ status: 200, body: { keys: [] } });
    expect((await p.run({ value: 'x' })).status).toBe(403);
    // As in src/service.js: the status was already set to running, and nothing resets it.
    expect(await p.run({ value: {} })).toMatchObject({
      status: 403,
      body: { error: 'System not ready, status is running.' },
    });
  });
});

describe('action proxy harness: environment', () => {
  it('copies every top-level string key but value to __OW_<KEY> and never clears them', async () => {
    const p = await inline(
      'function main() { const e = {}; for (const k of Object.keys(process.env)) if (k.startsWith("__OW_")) e[k] = process.env[k]; return e; }',
    );
    const first = await p.run(activation('a1', {}, { api_key: 'uuid:key', custom_key: 'c' }));
    expect(first.body).toMatchObject({
      __OW_ACTIVATION_ID: 'a1',
      __OW_ACTION_NAME: '/guest/demo/hello',
      __OW_ACTION_VERSION: '0.0.1',
      __OW_NAMESPACE: 'guest',
      __OW_TRANSACTION_ID: 'tx-a1',
      __OW_API_KEY: 'uuid:key',
      __OW_CUSTOM_KEY: 'c',
    });
    expect(first.body.__OW_DEADLINE).toMatch(/^\d+$/);
    expect(first.body.__OW_VALUE).toBeUndefined();
    // A numeric deadline is not copied; a run without context keys sees the previous ones.
    const second = await p.run({ value: {}, deadline: 123 });
    expect(second.body.__OW_ACTIVATION_ID).toBe('a1');
    expect(second.body.__OW_DEADLINE).toBe(first.body.__OW_DEADLINE);
  });

  it('copies init env into process.env before the code is evaluated', async () => {
    proxy = await startActionProxy();
    const init = await proxy.init({
      main: 'main',
      code: 'const atLoad = process.env.GREETING; function main() { return { atLoad, obj: process.env.OBJ, n: process.env.N }; }',
      env: { GREETING: 'hi', OBJ: { a: 1 }, N: 5 },
    });
    expect(init.status).toBe(200);
    expect((await proxy.run(activation('a1'))).body).toEqual({ atLoad: 'hi', obj: '{"a":1}', n: '5' });
  });

  it('shares process.env between concurrent activations with __OW_ALLOW_CONCURRENT', async () => {
    const p = await inline(
      'async function main(p) { const before = process.env.__OW_ACTIVATION_ID; await new Promise((r) => setTimeout(r, p.wait)); return { before, after: process.env.__OW_ACTIVATION_ID }; }',
      { allowConcurrent: true },
    );
    const [j1, j2] = await Promise.all([
      p.run(activation('j1', { wait: 200 })),
      new Promise((r) => setTimeout(r, 50)).then(() => p.run(activation('j2', { wait: 0 }))),
    ]);
    expect(j1.body).toEqual({ before: 'j1', after: 'j2' });
    expect(j2.body).toEqual({ before: 'j2', after: 'j2' });
  });

  it('refuses a concurrent /run without __OW_ALLOW_CONCURRENT', async () => {
    const p = await inline(
      'function main() { return new Promise((r) => setTimeout(() => r({ done: true }), 200)); }',
    );
    const slow = p.run(activation('a1'));
    await new Promise((r) => setTimeout(r, 50));
    expect(await p.run(activation('a2'))).toMatchObject({
      status: 403,
      body: { error: 'System not ready, status is running.' },
    });
    expect(await slow).toMatchObject({ status: 200, body: { done: true } });
  });
});

describe('action proxy harness: /init', () => {
  /** A zipped action lands in an 8-character folder below the proxy's cwd, which it runs in. */
  async function expectUnpackedIntoFolder(options?: ProxyOptions): Promise<void> {
    proxy = await startActionProxy(options);
    const code = zipBase64({
      'package.json': JSON.stringify({ name: 'a', main: 'lib/entry.js' }),
      'lib/entry.js': 'exports.main = () => ({ cwd: process.cwd(), file: __filename });',
    });
    expect(await proxy.init({ main: 'main', code, binary: true })).toMatchObject({ status: 200 });
    const { body } = await proxy.run(activation('a1'));
    expect(dirname(body.cwd)).toBe(proxy.cwd);
    expect(basename(body.cwd)).toMatch(/^[A-Za-z0-9]{8}$/);
    expect(body.file).toBe(`${body.cwd}/lib/entry.js`);
    expect(existsSync(body.cwd)).toBe(true);
  }

  it('unzips a binary action into an 8-character folder below the cwd and chdirs into it', async () => {
    await expectUnpackedIntoFolder();
  });

  const unzip = ['/usr/bin/unzip', '/bin/unzip'].find((path) => existsSync(path));
  it.skipIf(unzip === undefined)(
    'unpacks the same way with the unzip executable the runner uses',
    async () => {
      await expectUnpackedIntoFolder({ unzip: unzip as string });
    },
  );

  it('takes main as file.function, and index.js by default', async () => {
    proxy = await startActionProxy();
    const code = zipBase64({ 'handlers.js': 'exports.run = () => ({ from: "handlers" });' });
    expect(await proxy.init({ main: 'handlers.run', code, binary: true })).toMatchObject({ status: 200 });
    expect((await proxy.run(activation('a1'))).body).toEqual({ from: 'handlers' });
    await proxy.close();
    proxy = await startActionProxy();
    const noIndex = zipBase64({ 'other.js': 'exports.main = () => ({});' });
    const res = await proxy.init({ main: 'main', code: noIndex, binary: true });
    expect(res).toMatchObject({ status: 502 });
    expect(res.body.error).toContain(
      'Zipped actions must contain either package.json or index.js at the root.',
    );
  });

  it('fails init on a syntax error with 502 and then refuses with 403 stopped', async () => {
    proxy = await startActionProxy();
    const res = await proxy.init({ main: 'main', code: 'function main() { {' });
    expect(res.status).toBe(502);
    expect(res.body.error).toMatch(/^Initialization has failed due to: SyntaxError/);
    expect(await proxy.init({ main: 'main', code: 'function main() {}' })).toMatchObject({
      status: 403,
      body: { error: 'System not ready, status is stopped.' },
    });
    await proxy.waitForSentinels(1);
    expect(count(proxy.stdoutText(), SENTINEL)).toBe(1);
    expect(count(proxy.stderrText(), SENTINEL)).toBe(1);
  });

  it('refuses a second init, a missing main, and a /run before init', async () => {
    proxy = await startActionProxy();
    expect(await proxy.run(activation('a0'))).toMatchObject({
      status: 403,
      body: { error: 'System not initialized.' },
    });
    expect(await proxy.init({ main: '', code: 'x' })).toMatchObject({
      status: 403,
      body: { error: 'Missing main/no code to execute.' },
    });
    expect((await proxy.init({ main: 'main', code: 'function main() { return {}; }' })).status).toBe(200);
    expect(await proxy.init({ main: 'main', code: 'function main() { return {}; }' })).toMatchObject({
      status: 403,
      body: { error: 'Cannot initialize the action more than once.' },
    });
  });

  it('finds main through module.exports for inline code, and answers unknown routes with 500', async () => {
    const p = await inline('module.exports.main = () => ({ via: "exports" });');
    expect((await p.run(activation('a1'))).body).toEqual({ via: 'exports' });
    expect(await p.post('/other', '{}')).toMatchObject({ status: 500, body: { error: 'Bad request.' } });
    expect(await p.post('/run', '{not json')).toMatchObject({ status: 500, body: { error: 'Bad request.' } });
  });

  it('reports an entrypoint that is not a function', async () => {
    proxy = await startActionProxy();
    const res = await proxy.init({ main: 'nope', code: 'const nope = 1;' });
    expect(res).toMatchObject({
      status: 502,
      body: { error: "Initialization has failed due to: Action entrypoint 'nope' is not a function." },
    });
  });
});
