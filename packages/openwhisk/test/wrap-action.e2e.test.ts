// The wrapped action, bundled with Faultline and shipped as a zip, driven through the action
// proxy harness against a local ingest: results must be the runtime's own, and every event
// must reach the ingest before the /run response, tagged with its own activation.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findSecrets } from '@faultline/core/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type Receiver,
  type ReceiverOptions,
  refusedDsn,
  startReceiver,
} from '../../../test-utils/receiver.js';
import { bundleAction, bundleActionWithMap } from './harness/bundle.js';
import {
  type ActionProxy,
  activation,
  type ProxyResponse,
  SENTINEL,
  startActionProxy,
} from './harness/harness.js';
import { zipBase64 } from './harness/zip.js';

let bundle: string;
let zip: string;
let proxy: ActionProxy | undefined;
let receiver: Receiver | undefined;

beforeAll(async () => {
  bundle = await bundleAction(fileURLToPath(new URL('./fixtures/action.ts', import.meta.url)));
  zip = zipBase64({ 'index.js': bundle, 'package.json': JSON.stringify({ name: 'demo', main: 'index.js' }) });
});

afterEach(async () => {
  await proxy?.close();
  await receiver?.close();
  proxy = undefined;
  receiver = undefined;
});

interface StartOptions {
  main?: string;
  receiver?: ReceiverOptions;
  dsn?: string | false;
  allowConcurrent?: boolean;
  /** The zipped action; the bundle without a source map unless given. */
  code?: string;
  /** False to send `code` as plain text (an inline action). */
  binary?: boolean;
}

async function start(options: StartOptions = {}): Promise<{ proxy: ActionProxy; receiver: Receiver }> {
  receiver = await startReceiver(options.receiver);
  proxy = await startActionProxy({ allowConcurrent: options.allowConcurrent ?? false });
  const env: Record<string, string> = {};
  if (options.dsn !== false) env.FAULTLINE_DSN = options.dsn ?? receiver.dsn;
  const init = await proxy.init({
    name: 'hello',
    main: options.main ?? 'main',
    code: options.code ?? zip,
    binary: options.binary ?? true,
    env,
  });
  expect(init).toMatchObject({ status: 200, body: { OK: true } });
  return { proxy, receiver };
}

const eventsOf = (r: Receiver, activationId: string) =>
  r.events().filter((e) => e.tags?.['openwhisk.activation_id'] === activationId);

/** Every request that carried an event for this activation arrived before the /run response. */
function expectDeliveredBefore(r: Receiver, activationId: string, res: ProxyResponse): void {
  const carrying = r.requests.filter((req) =>
    req.envelope.items.some(
      ([h, p]) =>
        h.type === 'event' &&
        (p as { tags?: Record<string, string> }).tags?.['openwhisk.activation_id'] === activationId,
    ),
  );
  expect(carrying.length).toBeGreaterThan(0);
  for (const req of carrying) expect(req.receivedAt).toBeLessThanOrEqual(res.receivedAt);
}

const topException = (e: {
  exception?: {
    values: Array<{ type?: string; value?: string; mechanism?: unknown; stacktrace?: { frames?: any[] } }>;
  };
}) => e.exception?.values.at(-1);

describe('wrapAction through the action proxy', () => {
  it('captures a synchronous throw, delivers it before the response and rethrows it unchanged', async () => {
    const { proxy, receiver } = await start();
    const res = await proxy.run(activation('s1', { mode: 'sync-throw', tag: 's1' }));
    // The wrapper is async: the runtime sees a rejection (200 + serialized error), not a 502.
    expect(res.status).toBe(200);
    expect(res.body.error).toMatchObject({ name: 'Error', message: 'sync boom s1' });
    expect(res.body.error.stack).toMatch(/^Error: sync boom s1\n/);
    expectDeliveredBefore(receiver, 's1', res);
    const [event] = eventsOf(receiver, 's1');
    const ex = topException(event!);
    expect(ex).toMatchObject({
      type: 'Error',
      value: 'sync boom s1',
      mechanism: { type: 'openwhisk', handled: false },
    });
    expect(event?.transaction).toBe('/guest/demo/hello');
    expect(event?.tags).toMatchObject({
      'openwhisk.activation_id': 's1',
      'openwhisk.action': '/guest/demo/hello',
      'openwhisk.namespace': 'guest',
      'openwhisk.transaction_id': 'tx-s1',
      'openwhisk.cold_start': 'true',
    });
    expect(event?.contexts?.openwhisk).toMatchObject({
      activation_id: 's1',
      action_version: '0.0.1',
      cold_start: true,
    });
    // Frames in the unpacked bundle are stable app:/// paths; the proxy's own are not in-app.
    const frames = ex?.stacktrace?.frames ?? [];
    // `this` is the runtime's NodeActionRunner, hence the function name.
    const entry = frames.find((f) => /\bentry$/.test(f.function ?? ''));
    expect(entry).toMatchObject({ filename: 'app:///index.js', in_app: true });
    expect(JSON.stringify(frames)).not.toMatch(/nodejsAction\/[A-Za-z0-9]{8}\//);
    for (const f of frames.filter((f) => /nodejsAction\/app\.js$/.test(f.filename ?? '')))
      expect(f.in_app).toBe(false);

    const next = await proxy.run(activation('s2', { mode: 'sync-throw', tag: 's2' }));
    expect(next.status).toBe(200);
    expect(eventsOf(receiver, 's2')[0]?.tags?.['openwhisk.cold_start']).toBe('false');
  });

  it('captures an async throw and keeps its own properties in the result', async () => {
    const { proxy, receiver } = await start();
    const res = await proxy.run(activation('a1', { mode: 'async-throw', tag: 'a1' }));
    expect(res.status).toBe(200);
    expect(res.body.error).toMatchObject({ name: 'Error', message: 'async boom a1', code: 'E_DEMO' });
    expectDeliveredBefore(receiver, 'a1', res);
    expect(topException(eventsOf(receiver, 'a1')[0]!)).toMatchObject({
      value: 'async boom a1',
      mechanism: { handled: false },
    });
    expect((await proxy.run(activation('a2'))).body).toEqual({ ok: true });
  });

  it('captures rejections, Error or not, and returns what the runtime would', async () => {
    const { proxy, receiver } = await start();
    const r1 = await proxy.run(activation('r1', { mode: 'reject', tag: 'r1' }));
    expect(r1.body.error).toMatchObject({ name: 'TypeError', message: 'rejected r1' });
    const r2 = await proxy.run(activation('r2', { mode: 'reject-string', tag: 'r2' }));
    expect(r2).toMatchObject({ status: 200, body: { error: 'plain rejection r2' } });
    expectDeliveredBefore(receiver, 'r1', r1);
    expectDeliveredBefore(receiver, 'r2', r2);
    expect(topException(eventsOf(receiver, 'r1')[0]!)).toMatchObject({
      type: 'TypeError',
      value: 'rejected r1',
    });
    expect(JSON.stringify(eventsOf(receiver, 'r2')[0])).toContain('plain rejection r2');
  });

  it('leaves results the runtime refuses or fills in to the runtime', async () => {
    const { proxy, receiver } = await start();
    expect(await proxy.run(activation('t1', { mode: 'nothing' }))).toMatchObject({ status: 200, body: {} });
    expect(await proxy.run(activation('t2', { mode: 'text' }))).toMatchObject({
      status: 502,
      body: { error: 'The action did not return a dictionary.' },
    });
    expect(receiver.requests).toHaveLength(0);
  });

  it('reports the cause the runtime leaves out of the result', async () => {
    const { proxy, receiver } = await start();
    const res = await proxy.run(activation('k1', { mode: 'cause', tag: 'k1' }));
    expect(res.body.error).toMatchObject({ name: 'Error', message: 'outer k1' });
    expect(res.body.error).not.toHaveProperty('cause');
    expectDeliveredBefore(receiver, 'k1', res);
    const values = eventsOf(receiver, 'k1')[0]?.exception?.values ?? [];
    expect(values.map((v) => [v.type, v.value])).toEqual([
      ['TypeError', 'inner k1'],
      ['Error', 'outer k1'],
    ]);
  });

  it('reports a returned {error} as an application error and passes it through', async () => {
    const { proxy, receiver } = await start();
    const res = await proxy.run(activation('e1', { mode: 'app-error', tag: 'e1' }));
    expect(res).toMatchObject({ status: 200, body: { error: { message: 'sorry e1', code: 42 } } });
    expectDeliveredBefore(receiver, 'e1', res);
    const [event] = eventsOf(receiver, 'e1');
    expect(event).toMatchObject({ level: 'error', message: 'demo/hello returned an error: sorry e1' });
    const ok = await proxy.run(activation('e2'));
    expect(ok.body).toEqual({ ok: true });
    expect(eventsOf(receiver, 'e2')).toHaveLength(0);
  });

  it('reports web {error} results only for 5xx or a missing status, and passes web results through', async () => {
    const { proxy, receiver } = await start();
    const web = {
      __ow_method: 'post',
      __ow_path: '/items',
      __ow_headers: { 'content-type': 'application/json' },
    };
    const bad = await proxy.run(activation('w1', { ...web, mode: 'web-400' }));
    expect(bad.body).toEqual({ error: { statusCode: 400, body: { message: 'bad input' } } });
    const down = await proxy.run(activation('w2', { ...web, mode: 'web-503' }));
    expect(down.body).toEqual({ error: { statusCode: 503, body: { message: 'down' } } });
    const created = await proxy.run(activation('w3', { ...web, mode: 'web-ok', tag: 'x' }));
    expect(created.body).toEqual({
      statusCode: 201,
      headers: { 'content-type': 'application/json' },
      body: { created: 'x' },
    });
    expectDeliveredBefore(receiver, 'w2', down);
    expect(eventsOf(receiver, 'w1')).toHaveLength(0);
    expect(eventsOf(receiver, 'w3')).toHaveLength(0);
    const [event] = eventsOf(receiver, 'w2');
    expect(event?.message).toBe('HTTP 503 response for POST /guest/demo/hello');
    expect(event?.request).toMatchObject({ method: 'POST' });
    expect(event?.request?.url).toContain('/api/v1/web/guest/demo/hello/items');
  });

  it('answers a thrown error in a web action with a safe response when asked', async () => {
    const { proxy, receiver } = await start({ main: 'web' });
    const res = await proxy.run(activation('x1', { __ow_method: 'get', mode: 'async-throw', tag: 'x1' }));
    expect(res.body).toEqual({
      error: {
        statusCode: 500,
        headers: { 'content-type': 'application/json' },
        body: { error: 'Internal Server Error', activation_id: 'x1' },
      },
    });
    expect(JSON.stringify(res.body)).not.toContain('async boom');
    expectDeliveredBefore(receiver, 'x1', res);
    // A plain (non-web) activation of the same action still rethrows.
    const plain = await proxy.run(activation('x2', { mode: 'async-throw', tag: 'x2' }));
    expect(plain.body.error.message).toBe('async boom x2');
  });

  it('sends no secret from headers, query, body, params or the API key', async () => {
    const { proxy, receiver } = await start({ main: 'pii' });
    const secrets = [
      'Bearer-sekret-1',
      'cookie-sekret-2',
      'whisk-sekret-3',
      'query-sekret-4',
      'body-sekret-5',
      'param-sekret-6',
      'apikey-sekret-7',
      'form-sekret-8',
    ];
    const res = await proxy.run(
      activation(
        'p1',
        {
          mode: 'web-503',
          __ow_method: 'post',
          __ow_path: '/login',
          __ow_query: `user=ann&access_token=${secrets[3]}`,
          __ow_headers: {
            authorization: `Bearer ${secrets[0]}`,
            cookie: `session=${secrets[1]}`,
            'x-require-whisk-auth': secrets[2],
            'content-type': 'application/json',
          },
          __ow_body: Buffer.from(JSON.stringify({ user: 'ann', password: secrets[4] })).toString('base64'),
          db_password: secrets[5],
        },
        { api_key: `uuid:${secrets[6]}` },
      ),
    );
    expect(res.status).toBe(200);
    const form = await proxy.run(
      activation('p2', {
        mode: 'async-throw',
        __ow_method: 'post',
        __ow_headers: { 'content-type': 'application/x-www-form-urlencoded' },
        __ow_body: `user=ann&password=${secrets[7]}`,
      }),
    );
    expect(form.status).toBe(200);
    expect(receiver.events()).toHaveLength(2);
    const [event] = eventsOf(receiver, 'p1');
    expect(event?.request?.data).toMatchObject({ user: 'ann' });
    expect(event?.contexts?.action_params).toMatchObject({ mode: 'web-503' });
    for (const req of receiver.requests) {
      expect(findSecrets(req.body, secrets)).toEqual([]);
    }
  });

  it('warns before the deadline with the action name and elapsed time', async () => {
    const { proxy, receiver } = await start({ main: 'warn' });
    const deadline = Date.now() + 1000;
    const res = await proxy.run(activation('d1', { mode: 'slow', ms: 900 }, { deadline: String(deadline) }));
    expect(res.body).toEqual({ slept: 900 });
    const [warning] = eventsOf(receiver, 'd1');
    expect(warning).toMatchObject({ level: 'warning', tags: { timeout: 'warning' } });
    expect(warning?.message).toMatch(
      /^Possible action timeout: demo\/hello has run for \d+ ms, \d+ ms left$/,
    );
    const arrival = receiver.requests.find((r) => r.envelope.items.some(([h]) => h.type === 'event'));
    expect(arrival!.receivedAt).toBeLessThan(deadline);
    // No deadline (a numeric one is not copied by the proxy): no warning.
    const calm = await proxy.run({ value: { mode: 'slow', ms: 10 }, activation_id: 'd2', deadline: 1 });
    expect(calm.status).toBe(200);
    expect(eventsOf(receiver, 'd2')).toHaveLength(0);
  });

  it('keeps 20 concurrent activations apart', async () => {
    const { proxy, receiver } = await start({ allowConcurrent: true });
    const ids = Array.from({ length: 20 }, (_, i) => `c${i}`);
    const results = await Promise.all(
      ids.map((id, i) =>
        proxy.run(activation(id, { mode: 'concurrent', tag: id, ms: ((i * 37) % 100) + 5 })),
      ),
    );
    results.forEach((res, i) => {
      expect(res.status).toBe(200);
      expect(res.body.error.message).toBe(`boom ${ids[i]}`);
      expectDeliveredBefore(receiver, ids[i]!, res);
    });
    expect(receiver.events()).toHaveLength(20);
    for (const id of ids) {
      const events = eventsOf(receiver, id);
      expect(events).toHaveLength(1);
      expect(topException(events[0]!)?.value).toBe(`boom ${id}`);
      expect(events[0]?.tags?.job).toBe(id);
      expect(events[0]?.contexts?.openwhisk).toMatchObject({ activation_id: id, transaction_id: `tx-${id}` });
    }
  });

  it('waits for the ingest to acknowledge before answering', async () => {
    const { proxy, receiver } = await start({ receiver: { respond: () => ({ delayMs: 200 }) } });
    const res = await proxy.run(activation('k1', { mode: 'async-throw' }));
    expect(res.receivedAt - res.sentAt).toBeGreaterThanOrEqual(200);
    expectDeliveredBefore(receiver, 'k1', res);
  });

  it('keeps the result and bounds the delay when the ingest is down', async () => {
    const { proxy } = await start({ dsn: await refusedDsn() });
    const ok = await proxy.run(activation('n1'));
    expect(ok.body).toEqual({ ok: true });
    const failed = await proxy.run(activation('n2', { mode: 'async-throw', tag: 'n2' }));
    expect(failed.body.error).toMatchObject({ message: 'async boom n2', code: 'E_DEMO' });
    expect(failed.receivedAt - failed.sentAt).toBeLessThan(2000 + 500);
    expect((await proxy.run(activation('n3', { mode: 'app-error' }))).body.error.message).toBe(
      'sorry undefined',
    );
  });

  it('never flushes past the deadline, even when the ingest hangs', async () => {
    const { proxy } = await start({ receiver: { respond: () => ({ hang: true }) } });
    const deadline = Date.now() + 700;
    const res = await proxy.run(activation('h1', { mode: 'async-throw' }, { deadline: String(deadline) }));
    expect(res.body.error.message).toBe('async boom undefined');
    expect(res.receivedAt).toBeLessThan(deadline);
  });

  it('leaves a background crash to the runtime, or captures it first with captureUnhandled', async () => {
    const { proxy, receiver } = await start();
    expect((await proxy.run(activation('u1', { mode: 'late-throw', tag: 'u1' }))).body).toEqual({
      ok: true,
      tag: 'u1',
    });
    expect((await proxy.exited).code).toBe(1);
    expect(receiver.events()).toHaveLength(0);
    await proxy.close();
    await receiver.close();

    const opted = await start({ main: 'crashy' });
    await opted.proxy.run(activation('u2', { mode: 'late-throw', tag: 'u2' }));
    expect((await opted.proxy.exited).code).toBe(1);
    const [event] = eventsOf(opted.receiver, 'u2');
    expect(topException(event!)).toMatchObject({ value: 'late boom u2', mechanism: { handled: false } });
    await opted.proxy.close();
    await opted.receiver.close();

    // A rejection nobody handles ends the process too (Node's default), after it was delivered.
    const rejected = await start({ main: 'crashy' });
    await rejected.proxy.run(activation('u3', { mode: 'late-reject', tag: 'u3' }));
    expect((await rejected.proxy.exited).code).toBe(1);
    expect(topException(eventsOf(rejected.receiver, 'u3')[0]!)).toMatchObject({
      value: 'late rejection u3',
      mechanism: { handled: false },
    });
  });

  it('keeps the exit code of process.exit and delivers what was captured before it', async () => {
    const { proxy, receiver } = await start();
    // As unwrapped: the process ends with the action's code and the invoker's request is cut off.
    await expect(proxy.run(activation('z1', { mode: 'exit', tag: 'z1', ms: 4 }))).rejects.toThrow();
    expect(await proxy.exited).toEqual({ code: 4, signal: null });
    await receiver.waitFor(1);
    expect(topException(eventsOf(receiver, 'z1')[0]!)?.value).toBe('before exit z1');
  });

  it('without a DSN answers exactly as the unwrapped action, a synchronous throw included', async () => {
    const { proxy, receiver } = await start({ dsn: false });
    expect((await proxy.run(activation('o1', { tag: 'o1' }))).body).toEqual({ ok: true, tag: 'o1' });
    const failed = await proxy.run(activation('o2', { mode: 'async-throw', tag: 'o2' }));
    expect(failed.body.error).toMatchObject({ message: 'async boom o2', code: 'E_DEMO' });
    expect(await proxy.run(activation('o3', { mode: 'sync-throw', tag: 'o3' }))).toMatchObject({
      status: 502,
      body: { error: 'An error has occurred: Error: sync boom o3' },
    });
    expect(await proxy.run(activation('o4'))).toMatchObject({
      status: 403,
      body: { error: 'System not ready, status is stopped.' },
    });
    expect(receiver.requests).toHaveLength(0);
  });

  it('reads the DSN from an action parameter and never reports it', async () => {
    receiver = await startReceiver();
    proxy = await startActionProxy();
    expect((await proxy.init({ main: 'main', code: zip, binary: true })).status).toBe(200);
    const res = await proxy.run(activation('q1', { mode: 'async-throw', FAULTLINE_DSN: receiver.dsn }));
    expectDeliveredBefore(receiver, 'q1', res);
    const [event] = eventsOf(receiver, 'q1');
    expect(event?.contexts?.action_params).toEqual({ mode: 'async-throw' });
  });

  it('maps frames of a bundled action to its TypeScript source with the map shipped in the zip', async () => {
    // Nothing but the bundle and its map in the archive: no node_modules to load a source-map
    // library from, as in a real deployment.
    const source = fileURLToPath(new URL('./fixtures/action.ts', import.meta.url));
    const { code, map } = await bundleActionWithMap(source);
    const mapped = zipBase64({ 'index.js': code, 'index.js.map': map });
    const { proxy, receiver } = await start({ code: mapped });
    const res = await proxy.run(activation('m1', { mode: 'sync-throw', tag: 'm1' }));
    expect(res.status).toBe(200);
    expectDeliveredBefore(receiver, 'm1', res);
    const frames = topException(eventsOf(receiver, 'm1')[0]!)?.stacktrace?.frames ?? [];
    const throwLine =
      readFileSync(source, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes("mode === 'sync-throw'")) + 1;
    expect(frames.at(-1)).toMatchObject({
      filename: 'app:///action.ts',
      lineno: throwLine,
      function: expect.stringMatching(/entry$/),
      in_app: true,
      context_line: expect.stringContaining('sync boom'),
    });
  });

  it('places the frames of a bundle deployed as plain code at their line in the bundle', async () => {
    // `wsk action create hello bundle.js` sends the file as inline code, which the runtime
    // evaluates inside its runner: V8 names the eval, not a file, and the runner's line.
    const { proxy, receiver } = await start({ code: bundle, binary: false });
    const res = await proxy.run(activation('i1', { mode: 'sync-throw', tag: 'i1' }));
    expect(res.status).toBe(200);
    expect(res.body.error.stack).toContain('eval at initializeActionHandler');
    expectDeliveredBefore(receiver, 'i1', res);
    const frames = topException(eventsOf(receiver, 'i1')[0]!)?.stacktrace?.frames ?? [];
    const lines = bundle.split('\n');
    const throwLine = lines.findIndex((l) => l.includes('new Error(`sync boom')) + 1;
    const entry = frames.at(-1);
    expect(entry).toMatchObject({
      filename: 'app:///inline-action.js',
      function: expect.stringMatching(/entry$/),
      lineno: throwLine,
      colno: lines[throwLine - 1]!.indexOf('new Error') + 1,
      in_app: true,
    });
    // Not the runner's source, which is where the eval call is.
    expect(entry?.context_line).toBeUndefined();
    expect(JSON.stringify(frames)).not.toMatch(/nodejsAction\/(?:app|runner)\.js/);
    // The runtime's folder, where inline code runs, holds the runtime's package.json: not the release.
    expect(eventsOf(receiver, 'i1')[0]?.release).toBe('hello@0.0.1');
    expect((await proxy.run(activation('i2', { tag: 'i2' }))).body).toEqual({ ok: true, tag: 'i2' });
  });

  it('prints nothing after the end-of-activation sentinel, even with debug logging', async () => {
    // A 429 makes the SDK log; that line must land before the sentinel, inside the activation.
    const { proxy } = await start({
      main: 'debug',
      receiver: { respond: () => ({ status: 429, headers: { 'retry-after': '1' } }) },
    });
    await proxy.run(activation('l1', { mode: 'async-throw' }));
    await proxy.run(activation('l2', { mode: 'app-error' }));
    await new Promise((r) => setTimeout(r, 300));
    await proxy.waitForSentinels(2);
    const out = proxy.stdoutText();
    const err = proxy.stderrText();
    expect(out + err).toContain('[Faultline]');
    expect(out.slice(out.lastIndexOf(SENTINEL) + SENTINEL.length)).toBe('\n');
    expect(err.slice(err.lastIndexOf(SENTINEL) + SENTINEL.length)).toBe('\n');
  });

  it("names the release after the action's package.json, else after the action, never the runtime's", async () => {
    const releaseOf = async (code: string, id: string) => {
      const { proxy, receiver } = await start({ code });
      await proxy.run(activation(id, { mode: 'sync-throw', tag: id }, { action_version: '0.0.3' }));
      const [event] = eventsOf(receiver, id);
      await proxy.close();
      await receiver.close();
      return event?.release;
    };
    // The runtime's own folder holds its package.json (nodejsAction@0.0.1): not the action's release.
    expect(await releaseOf(zipBase64({ 'index.js': bundle }), 'r1')).toBe('hello@0.0.3');
    const own = JSON.stringify({ name: '@acme/checkout-action', version: '1.4.0', main: 'index.js' });
    expect(await releaseOf(zipBase64({ 'index.js': bundle, 'package.json': own }), 'r2')).toBe(
      'checkout-action@1.4.0',
    );
  });
});
