import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createEventEnvelope, serializeEnvelope, type WireEvent } from '@faultline/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../src/dev/alerts.js';
import { type DevReceiver, startDevReceiver } from '../src/dev/dev-receiver.js';
import type { IssueSummary } from '../src/dev/issues.js';
import { captureException, close, flush, init, withScope } from '../src/index.js';
import { ensureBuilt } from './helpers/child.js';

const CLI = fileURLToPath(new URL('../dist/dev-cli.js', import.meta.url));

let receiver: DevReceiver | undefined;
let hook: Server | undefined;

afterEach(async () => {
  await close(0);
  await receiver?.close();
  receiver = undefined;
  await new Promise<void>((resolve) => (hook ? hook.close(() => resolve()) : resolve()));
  hook = undefined;
});

/** A real webhook receiver on 127.0.0.1 that keeps the JSON bodies posted to it. */
async function webhookReceiver(): Promise<{ url: string; bodies: Alert[] }> {
  const bodies: Alert[] = [];
  hook = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => {
      bodies.push(JSON.parse(text) as Alert);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => hook?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hooks/faultline`, bodies };
}

function checkoutFailed(): Error {
  return new Error('payment gateway timed out');
}

/** 60 users each fail to check out once, through the real SDK and real HTTP. */
async function sixtyCheckouts(dsn: string): Promise<void> {
  init({
    dsn,
    critical: ['POST /checkout'],
    captureUnhandled: false,
    transportOptions: { maxQueueSize: 100 },
  });
  // One request each, as a server sees them: each capture in its own macrotask.
  for (let user = 1; user <= 60; user++) {
    await new Promise((resolve) => setImmediate(resolve));
    withScope((scope) => {
      scope.setTransaction('POST /checkout');
      scope.setUser({ id: `user-${user}` });
      captureException(checkoutFailed());
    });
  }
  expect(await flush(10_000)).toBe(true);
}

async function issuesOf(r: DevReceiver): Promise<IssueSummary[]> {
  const response = await fetch(`${r.url}/api/issues`);
  expect(response.headers.get('content-type')).toBe('application/json');
  return (await response.json()) as IssueSummary[];
}

describe('faultline-dev triage', () => {
  it('shows 60 checkout failures by 60 users as one P0 issue on /api/issues', async () => {
    receiver = await startDevReceiver({ port: 0 });
    await sixtyCheckouts(receiver.dsn);
    const issues = await issuesOf(receiver);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      title: 'Error: payment gateway timed out',
      count: 60,
      users: 60,
      route: 'POST /checkout',
      priority: 'P0',
      reason: 'breaks a critical flow',
      critical: true,
      thirdParty: false,
    });
    expect(Date.parse(issues[0]!.firstSeen)).toBeLessThanOrEqual(Date.parse(issues[0]!.lastSeen));
  });

  it('posts new_issue and frequency alerts with a Slack text to a real webhook', async () => {
    const webhook = await webhookReceiver();
    receiver = await startDevReceiver({ port: 0, alertWebhook: webhook.url });
    await sixtyCheckouts(receiver.dsn);
    await receiver.close();
    receiver = undefined;
    expect(webhook.bodies.map((b) => b.rule)).toEqual(['new_issue', 'frequency']);
    const [fresh, frequent] = webhook.bodies;
    expect(fresh?.issue).toMatchObject({
      title: 'Error: payment gateway timed out',
      count: 1,
      priority: 'P0',
    });
    expect(fresh?.text).toContain('New issue: Error: payment gateway timed out');
    expect(frequent).toMatchObject({ count: 51, threshold: 50, windowSeconds: 300 });
    expect(frequent?.issue?.count).toBe(51);
    expect(frequent?.text).toContain('passed 50 events in 5 min');
  });

  it('gives the first release and the priority of the latest release seen', async () => {
    receiver = await startDevReceiver({ port: 0, alertThreshold: 3 });
    const send = async (release: string, message: string) => {
      const event: WireEvent = {
        event_id: crypto.randomUUID().replaceAll('-', ''),
        timestamp: Date.now() / 1000,
        platform: 'node',
        level: 'error',
        release,
        sdk: { name: 'test', version: '0' },
        exception: { values: [{ type: 'Error', value: message }] },
      };
      const body = serializeEnvelope(createEventEnvelope(event, { sdk: event.sdk }));
      await fetch(`${receiver!.url}/api/0/envelope/`, { method: 'POST', body: Buffer.from(body) });
    };
    for (let k = 0; k < 3; k++) await send('shop@1.0.0', 'old problem');
    for (let k = 0; k < 3; k++) await send('shop@1.1.0', 'new problem');
    await send('shop@1.1.0', 'old problem');
    const issues = await issuesOf(receiver);
    expect(issues.map((i) => [i.title, i.priority, i.firstRelease, i.lastRelease])).toEqual([
      ['Error: new problem', 'P0', 'shop@1.1.0', 'shop@1.1.0'],
      ['Error: old problem', 'P1', 'shop@1.0.0', 'shop@1.1.0'],
    ]);
  });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built faultline-dev CLI; `then` gets its DSN once it listens (not with a command). */
function runCli(args: string[], then?: (dsn: string, stop: () => void) => Promise<void>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--port', '0', ...args], {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let started = false;
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const dsn = /DSN: (\S+)/.exec(stdout)?.[1];
      if (dsn && then && !started) {
        started = true;
        then(dsn, () => child.kill('SIGTERM')).catch(reject);
      }
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A script for `faultline-dev -- node -e`: reports errors through the built SDK, to FAULTLINE_DSN. */
function appScript(route: string, critical: string[]): string {
  const node = fileURLToPath(new URL('../dist/index.cjs', import.meta.url));
  return `const f = require(${JSON.stringify(node)});
f.init({ critical: ${JSON.stringify(critical)}, captureUnhandled: false });
f.withScope((s) => { s.setTransaction(${JSON.stringify(route)}); f.captureException(new Error('boom on ${route}')); });
f.flush(5000).then((ok) => process.exit(ok ? 0 : 3));`;
}

describe('faultline-dev --fail-on (child process)', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('exits 1 when the command it ran raised an issue at or above the level', async () => {
    const run = await runCli([
      '--fail-on',
      'P1',
      '--',
      process.execPath,
      '-e',
      appScript('POST /checkout', ['POST /checkout']),
    ]);
    expect(run.stderr).toContain('1 issue(s) at P1 or above');
    expect(run.stdout).toMatch(/P0\s+1\s+0\s+Error: boom on POST \/checkout/);
    expect(run.code).toBe(1);
  });

  it('exits 0 when every issue is below the level', async () => {
    const run = await runCli([
      '--fail-on',
      'P1',
      '--',
      process.execPath,
      '-e',
      appScript('GET /about', ['POST /checkout']),
    ]);
    expect(run.stdout).toMatch(/P2\s+1\s+0\s+Error: boom on GET \/about/);
    expect(run.code).toBe(0);
  });

  it('exits with the command’s own code when the command fails', async () => {
    const run = await runCli(['--fail-on', 'P0', '--', process.execPath, '-e', 'process.exit(7)']);
    expect(run.code).toBe(7);
  });

  it('decides at SIGTERM when it runs no command', async () => {
    const post = async (dsn: string, stop: () => void) => {
      const { host } = new URL(dsn);
      const event: WireEvent = {
        event_id: 'c'.repeat(32),
        timestamp: Date.now() / 1000,
        platform: 'node',
        level: 'error',
        sdk: { name: 'test', version: '0' },
        tags: { critical: 'true' },
        transaction: 'POST /checkout',
        exception: { values: [{ type: 'Error', value: 'card declined' }] },
      };
      const body = serializeEnvelope(createEventEnvelope(event, { sdk: event.sdk }));
      const response = await fetch(`http://${host}/api/0/envelope/`, {
        method: 'POST',
        body: Buffer.from(body),
      });
      expect(response.status).toBe(200);
      stop();
    };
    const failing = await runCli(['--fail-on', 'p0'], post);
    expect(failing.code).toBe(1);
    const passing = await runCli(['--fail-on', 'P0'], async (_dsn, stop) => stop());
    expect(passing.code).toBe(0);
    expect(passing.stdout).toContain('no issues');
  });

  it('prints the issue list as one JSON line at the end with --json', async () => {
    const script = appScript('POST /checkout', ['POST /checkout']);
    const run = await runCli(['--json', '--', process.execPath, '-e', script]);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((l) => l.kind)).toEqual(['event', 'alert', 'issues']);
    expect(lines[1]).toMatchObject({ rule: 'new_issue' });
    expect(lines[2].issues).toMatchObject([{ priority: 'P0', count: 1, route: 'POST /checkout' }]);
    expect(run.code).toBe(0);
  });

  it('refuses an unknown level', async () => {
    const run = await runCli(['--fail-on', 'P9']);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('bad --fail-on');
  });
});
