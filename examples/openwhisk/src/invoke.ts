// Runs the wrapped action locally, the way the OpenWhisk invoker runs it: each activation gets a
// fresh action container (the Apache Node.js action proxy, here as a local process), one
// `POST /init` with the zipped action, then `POST /run` with the activation's parameters.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  activation,
  type RunBody,
  startActionProxy,
} from '../../../packages/openwhisk/test/harness/harness.js';
import { zipBase64 } from '../../../packages/openwhisk/test/harness/zip.js';

interface Scenario {
  id: string;
  title: string;
  value: Record<string, unknown>;
  /** Milliseconds the activation is allowed to run (OpenWhisk's `limits.timeout`). */
  timeoutMs?: number;
}

const scenarios: Scenario[] = [
  { id: 'ok', title: 'succeeds', value: { mode: 'ok' } },
  { id: 'sync-throw', title: 'throws synchronously', value: { mode: 'throw' } },
  { id: 'error-result', title: 'returns {error}', value: { mode: 'quota' } },
  {
    id: 'web',
    title: 'web action: POST /thumbnails fails after an await',
    value: {
      __ow_method: 'post',
      __ow_path: '/thumbnails',
      __ow_headers: {
        authorization: 'Bearer ow-web-bearer-5e1f0c',
        cookie: 'session=ow-web-session-77ad',
        'x-api-key': 'ow-web-apikey-91b2',
        'content-type': 'application/json',
      },
      __ow_query: 'token=ow-web-query-token-3c4d',
      image: { url: 'dog.png', width: 800 },
      password: 'ow-web-password-8e8e',
    },
  },
  {
    id: 'near-deadline',
    title: 'runs into its time limit',
    value: { mode: 'slow', workMs: 2600 },
    timeoutMs: 3000,
  },
];

const json = process.argv.includes('--json');
const here = dirname(process.argv[1] ?? '.');
const action = zipBase64({
  'index.js': readFileSync(join(here, 'action.cjs')),
  'index.js.map': readFileSync(join(here, 'action.cjs.map')),
});
const env: Record<string, string> = {};
for (const key of ['FAULTLINE_DSN', 'FAULTLINE_ENVIRONMENT']) {
  const value = process.env[key];
  if (value) env[key] = value;
}
if (!env.FAULTLINE_DSN) console.error('FAULTLINE_DSN is not set: the action runs, but nothing is reported.');

async function invoke(scenario: Scenario) {
  const proxy = await startActionProxy({ env });
  try {
    const init = await proxy.init({ main: 'main', code: action, binary: true });
    if (init.status !== 200) return { scenario, status: init.status, body: init.body, ms: 0 };
    const extra: Partial<RunBody> = {
      action_name: '/guest/thumbnails/make',
      deadline: String(Date.now() + (scenario.timeoutMs ?? 60_000)),
    };
    const res = await proxy.run(activation(`demo-${scenario.id}`, scenario.value, extra));
    return { scenario, status: res.status, body: res.body, ms: res.receivedAt - res.sentAt };
  } finally {
    await proxy.close();
  }
}

// Activations are independent containers, so they can run side by side.
const results = await Promise.all(scenarios.map(invoke));
for (const { scenario, status, body, ms } of results) {
  if (json) {
    console.log(JSON.stringify({ id: scenario.id, activationId: `demo-${scenario.id}`, status, body, ms }));
  } else {
    console.log(`${scenario.title.padEnd(52)} → ${status} ${JSON.stringify(body)} (${ms} ms)`);
  }
}
