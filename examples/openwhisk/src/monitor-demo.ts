// The activation monitor against a local stand-in for the OpenWhisk API, holding records like the
// platform writes them: what in-process code cannot report (timeouts of a Python and a Node
// action, a memory kill), an error wrapAction already reported, and a success.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { API_KEY, logLine, startFakeApi } from '../../../packages/openwhisk/test/api/openwhisk-api.js';

const json = process.argv.includes('--json');
const here = dirname(process.argv[1] ?? '.');
const cli = join(here, '../../../packages/openwhisk/dist/monitor-cli.js');
const timeout = (ms: number) => ({ error: `The action exceeded its time limits of ${ms} milliseconds.` });
const api = await startFakeApi();
const now = Date.now();
const records = {
  'timeout-python': api.add({
    name: 'resize-py',
    package: 'thumbnails',
    kind: 'python:3.11',
    status: 'action_developer_error',
    timeout: true,
    limit: 3000,
    result: timeout(3000),
    logs: [logLine('fetching cat.png', now), logLine('api_key=demo-monitor-secret-7f3a resizing', now + 5)],
  }),
  'timeout-node': api.add({
    name: 'make',
    package: 'thumbnails',
    kind: 'nodejs:20',
    status: 'action_developer_error',
    timeout: true,
    limit: 5000,
    result: timeout(5000),
  }),
  memory: api.add({
    name: 'make',
    package: 'thumbnails',
    kind: 'nodejs:20',
    status: 'action_developer_error',
    result: { error: 'The action exhausted its memory and was aborted.' },
  }),
  'already-reported': api.add({
    name: 'make',
    package: 'thumbnails',
    kind: 'nodejs:20',
    status: 'action_developer_error',
    result: { error: 'The action did not produce a valid response and exited unexpectedly.' },
    logs: [logLine('faultline-openwhisk: reported 5b2a4c0e9d1f4a7b8c6d2e3f4a5b6c7d', now)],
  }),
  success: api.add({ name: 'make', package: 'thumbnails' }),
};
const dir = mkdtempSync(join(tmpdir(), 'ow-monitor-demo-'));
try {
  const output = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      [cli, '--apihost', api.url, '--state', join(dir, 'state.json'), '--since', String(now - 60_000 * 5)],
      { env: { ...process.env, WSK_AUTH: API_KEY }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('exit', (code) => resolve({ code, out }));
  });
  if (json) {
    for (const [id, record] of Object.entries(records)) {
      console.log(JSON.stringify({ id, activationId: record.activationId }));
    }
    console.log(JSON.stringify({ cli: output.out.trim(), code: output.code }));
  } else {
    console.log(`faultline-openwhisk-monitor → exit ${output.code}: ${output.out.trim()}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  await api.close();
}
