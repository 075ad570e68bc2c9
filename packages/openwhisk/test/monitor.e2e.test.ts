// The activation monitor with the real `openwhisk` client against a local stand-in for the
// controller's activation API, delivering to a local ingest.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { close } from '@faultline/node';
import { afterEach, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../../../test-utils/receiver.js';
import { activationsApi, monitorClient, runMonitor } from '../src/monitor-index.js';
import { REPORTED_MARKER } from '../src/wrap-action.js';
import { API_KEY, type FakeApi, logLine, startFakeApi } from './api/openwhisk-api.js';

const CLI = fileURLToPath(new URL('../dist/monitor-cli.js', import.meta.url));
const TIMEOUT_TEXT = 'The action exceeded its time limits of 3000 milliseconds.';

let api: FakeApi | undefined;
let receiver: Receiver | undefined;
let dir: string | undefined;

afterEach(async () => {
  await close(1000);
  await api?.close();
  await receiver?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  api = undefined;
  receiver = undefined;
  dir = undefined;
});

async function setup() {
  api = await startFakeApi();
  receiver = await startReceiver();
  const client = monitorClient(receiver.dsn);
  if (!client) throw new Error('no client');
  const ow = await activationsApi({ apihost: api.url, apiKey: API_KEY });
  return { api, receiver, client, ow };
}

const byActivation = (r: Receiver, id: unknown) =>
  r.events().filter((e) => e.tags?.['openwhisk.activation_id'] === id);

describe('activation monitor', () => {
  it('reports a Python and a Node timeout from the records, and nothing for successes', async () => {
    const { api, receiver, client, ow } = await setup();
    const since = Date.now() - 120_000;
    api.add({ name: 'fine', kind: 'python:3.11' });
    const py = api.add({
      name: 'resize',
      package: 'images',
      kind: 'python:3.11',
      status: 'action_developer_error',
      timeout: true,
      result: { error: TIMEOUT_TEXT },
      logs: ['starting', 'token=abcd1234secretvalue5678 fetched', 'still working'].map((l, i) =>
        logLine(l, Date.now() + i),
      ),
    });
    const node = api.add({
      name: 'slow',
      kind: 'nodejs:20',
      status: 'action_developer_error',
      timeout: true,
      result: { error: TIMEOUT_TEXT },
    });
    const result = await runMonitor(client, ow, { since, seen: [] });
    expect(result).toMatchObject({ read: 3, reported: 2, alreadyReported: 0 });
    await receiver.waitFor(
      (reqs) =>
        reqs.some((r) => r.envelope.items.some(([h]) => h.type === 'event')) &&
        receiver!.events().length === 2,
    );
    const [pyEvent] = byActivation(receiver, py.activationId);
    expect(pyEvent).toMatchObject({
      level: 'error',
      message: `/guest/images/resize timed out: ${TIMEOUT_TEXT}`,
      fingerprint: ['openwhisk-monitor', '/guest/images/resize', 'timeout'],
      tags: {
        'openwhisk.action': '/guest/images/resize',
        'openwhisk.kind': 'python:3.11',
        'openwhisk.runtime': 'python',
        'openwhisk.failure': 'timeout',
        'openwhisk.status': 'action_developer_error',
        'openwhisk.namespace': 'guest',
      },
      contexts: {
        openwhisk: {
          activation_id: py.activationId,
          duration_ms: 3000,
          limits: { timeout: 3000, memory: 256, logs: 10, concurrency: 1 },
          timeout: true,
          wait_time_ms: 37,
        },
      },
    });
    const logs = (pyEvent?.extra?.logs ?? []) as string[];
    expect(logs).toHaveLength(3);
    expect(logs.join('\n')).not.toContain('abcd1234secretvalue5678');
    const [nodeEvent] = byActivation(receiver, node.activationId);
    expect(nodeEvent?.tags).toMatchObject({ 'openwhisk.runtime': 'nodejs', 'openwhisk.failure': 'timeout' });
    expect(nodeEvent?.fingerprint).toEqual(['openwhisk-monitor', '/guest/slow', 'timeout']);
    // Its own check-ins: in progress, then ok with a duration.
    const checkIns = receiver.checkIns();
    expect(checkIns.map((c) => c.status)).toEqual(['in_progress', 'ok']);
    expect(checkIns[1]).toMatchObject({
      monitor_slug: 'openwhisk-activation-monitor',
      check_in_id: checkIns[0]?.check_in_id,
    });
    expect(typeof checkIns[1]?.duration).toBe('number');
  });

  it('classifies memory kills, init failures, crashes and platform errors', async () => {
    const { api, receiver, client, ow } = await setup();
    const cases = [
      ['memory', { error: 'The action exhausted its memory and was aborted.' }, 'action_developer_error'],
      [
        'init_failure',
        { error: 'Initialization has failed due to: SyntaxError: Unexpected token' },
        'action_developer_error',
      ],
      [
        'init_failure',
        { error: 'The action exceeded its time limits of 3000 milliseconds during initialization.' },
        'action_developer_error',
      ],
      [
        'developer_error',
        { error: 'The action did not produce a valid response and exited unexpectedly.' },
        'action_developer_error',
      ],
      ['whisk_error', { error: 'Failed to run container with image.' }, 'whisk_internal_error'],
    ] as const;
    const ids = cases.map(([, result, status], i) => api.add({ name: `a${i}`, status, result }).activationId);
    api.add({ name: 'handled', status: 'application_error', result: { error: { message: 'nope' } } });
    const result = await runMonitor(client, ow, { since: 0, seen: [] });
    expect(result.reported).toBe(5);
    await receiver.waitFor(() => receiver!.events().length === 5);
    cases.forEach(([failure], i) => {
      expect(byActivation(receiver, ids[i])[0]?.tags?.['openwhisk.failure']).toBe(failure);
    });
    // Application errors only when asked.
    const again = await runMonitor(
      client,
      ow,
      { since: 0, seen: [] },
      { applicationErrors: true, checkInSlug: false },
    );
    expect(again.reported).toBe(6);
  });

  it('walks every page with skip and limit, then goes on from where it stopped', async () => {
    const { api, receiver, client, ow } = await setup();
    const failing = new Set<string>();
    for (let i = 0; i < 250; i++) {
      const failed = i % 50 === 7;
      const r = api.add(
        failed
          ? {
              name: 'batch',
              status: 'action_developer_error',
              timeout: true,
              result: { error: TIMEOUT_TEXT },
            }
          : { name: 'batch' },
      );
      if (failed) failing.add(r.activationId as string);
    }
    const since = (api.records[0]?.start as number) - 1;
    const first = await runMonitor(client, ow, { since, seen: [] }, { pageSize: 100 });
    expect(first).toMatchObject({ read: 250, reported: 5, truncated: false });
    const lists = api.requests.filter((r) => r.path.endsWith('/activations'));
    expect(lists.map((r) => [r.query.skip, r.query.limit, r.query.since, r.query.docs])).toEqual([
      ['0', '100', String(since), 'true'],
      ['100', '100', String(since), 'true'],
      ['200', '100', String(since), 'true'],
    ]);
    await receiver.waitFor(() => receiver!.events().length === 5);
    expect(new Set(receiver.events().map((e) => e.tags?.['openwhisk.activation_id']))).toEqual(failing);
    expect(first.state.since).toBe(api.records.at(-1)?.start);

    // Nothing new: nothing reported, even though the newest record is listed again (since is inclusive).
    const second = await runMonitor(client, ow, first.state, { checkInSlug: false });
    expect(second.reported).toBe(0);
    // A record with the same start as the newest seen one, and a later one.
    const last = api.records.at(-1)!;
    const same = api.add({
      name: 'late',
      start: last.start as number,
      status: 'action_developer_error',
      timeout: true,
      result: { error: TIMEOUT_TEXT },
    });
    const later = api.add({ name: 'later', status: 'whisk_internal_error', result: { error: 'boom' } });
    const third = await runMonitor(client, ow, second.state, { checkInSlug: false });
    expect(third.reported).toBe(2);
    await receiver.waitFor(() => receiver!.events().length === 7);
    expect(byActivation(receiver, same.activationId)).toHaveLength(1);
    expect(byActivation(receiver, later.activationId)).toHaveLength(1);
  });

  it('says when one run could not read every record since the last one', async () => {
    const { api, client, ow } = await setup();
    for (let i = 0; i < 30; i++) api.add({ name: 'busy' });
    const run = await runMonitor(
      client,
      ow,
      { since: 0, seen: [] },
      { pageSize: 10, maxPages: 2, checkInSlug: false },
    );
    // Newest first: the 20 newest were read, the 10 oldest skipped, and the run says so.
    expect(run).toMatchObject({ read: 20, truncated: true });
    expect(run.state.since).toBe(api.records.at(-1)?.start);
    const exact = await runMonitor(
      client,
      ow,
      { since: 0, seen: [] },
      { pageSize: 10, maxPages: 3, checkInSlug: false },
    );
    expect(exact).toMatchObject({ read: 30, truncated: false });
  });

  it('leaves out what wrapAction reported, but still reports kills it could not see', async () => {
    const { api, receiver, client, ow } = await setup();
    const now = Date.now();
    api.add({
      name: 'wrapped',
      status: 'action_developer_error',
      result: { error: 'The action did not produce a valid response and exited unexpectedly.' },
      logs: [logLine(`${REPORTED_MARKER} 0123456789abcdef0123456789abcdef`, now)],
    });
    const killed = api.add({
      name: 'wrapped',
      status: 'action_developer_error',
      timeout: true,
      result: { error: TIMEOUT_TEXT },
      logs: [logLine(`${REPORTED_MARKER} fedcba9876543210fedcba9876543210`, now)],
    });
    const result = await runMonitor(client, ow, { since: 0, seen: [] });
    expect(result).toMatchObject({ reported: 1, alreadyReported: 1 });
    await receiver.waitFor(() => receiver!.events().length === 1);
    const [event] = receiver.events();
    expect(event?.tags?.['openwhisk.activation_id']).toBe(killed.activationId);
    expect(event?.extra?.wrapaction_event_ids).toEqual(['fedcba9876543210fedcba9876543210']);
    expect(JSON.stringify(event?.extra?.logs ?? [])).not.toContain(REPORTED_MARKER);
  });
});

function runCli(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('faultline-openwhisk-monitor', () => {
  it('reports, keeps its position in the state file, and fails with an error check-in when the API is down', async () => {
    api = await startFakeApi();
    receiver = await startReceiver();
    dir = mkdtempSync(join(tmpdir(), 'ow-monitor-'));
    const state = join(dir, 'state.json');
    const timedOut = api.add({
      name: 'slow',
      kind: 'python:3.11',
      status: 'action_developer_error',
      timeout: true,
      result: { error: TIMEOUT_TEXT },
    });
    const env = { FAULTLINE_DSN: receiver.dsn, WSK_AUTH: API_KEY };
    const first = await runCli(['--apihost', api.url, '--state', state], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('reported 1 failure(s)');
    expect(byActivation(receiver, timedOut.activationId)).toHaveLength(1);
    expect(JSON.parse(readFileSync(state, 'utf8'))).toEqual({
      since: timedOut.start,
      seen: [timedOut.activationId],
    });

    const second = await runCli(['--apihost', api.url, '--state', state, '--no-check-in'], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('reported 0 failure(s)');
    expect(receiver.events()).toHaveLength(1);

    await api.close();
    const down = await runCli(['--apihost', api.url, '--state', state], env);
    api = undefined;
    expect(down.code).toBe(1);
    expect(receiver.checkIns().map((c) => c.status)).toEqual(['in_progress', 'ok', 'in_progress', 'error']);
    expect(JSON.parse(readFileSync(state, 'utf8')).since).toBe(timedOut.start);
  });
});

describe('the monitor as an action', () => {
  it('runs through the action proxy with the action’s own API host and key, and goes on from its last run', async () => {
    const { bundleAction } = await import('./harness/bundle.js');
    const { activation, startActionProxy } = await import('./harness/harness.js');
    const { zipBase64 } = await import('./harness/zip.js');
    api = await startFakeApi();
    receiver = await startReceiver();
    const code = await bundleAction(fileURLToPath(new URL('../src/monitor-index.ts', import.meta.url)));
    const proxy = await startActionProxy({ env: { __OW_API_HOST: api.url } });
    try {
      const init = await proxy.init({
        name: 'monitor',
        main: 'main',
        code: zipBase64({ 'index.js': code }),
        binary: true,
      });
      expect(init.status).toBe(200);
      const timedOut = api.add({
        name: 'slow',
        kind: 'python:3.11',
        status: 'action_developer_error',
        timeout: true,
        result: { error: TIMEOUT_TEXT },
      });
      const params = { FAULTLINE_DSN: receiver.dsn, lookbackMs: 3_600_000 };
      // The key reaches the action as __OW_API_KEY (annotation provide-api-key).
      const first = await proxy.run(activation('mon1', params, { api_key: API_KEY }));
      expect(first.body).toMatchObject({ since: timedOut.start, seen: [timedOut.activationId], reported: 1 });
      expect(byActivation(receiver, timedOut.activationId)).toHaveLength(1);
      const second = await proxy.run(activation('mon2', params, { api_key: API_KEY }));
      expect(second.body).toMatchObject({ reported: 0 });
      // An explicit since starts over from there.
      const third = await proxy.run(
        activation('mon3', { ...params, since: timedOut.start }, { api_key: API_KEY }),
      );
      expect(third.body).toMatchObject({ reported: 1 });
      expect(receiver.checkIns().filter((c) => c.status === 'ok')).toHaveLength(3);
    } finally {
      await proxy.close();
    }
  });
});
