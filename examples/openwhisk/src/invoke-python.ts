// Runs the Python action of examples/openwhisk-python (sentry_sdk + the small helper) the way the
// OpenWhisk Python runtime runs it: a long-lived launcher process that takes one activation per
// JSON line on stdin and answers on file descriptor 3.
import { dirname, join } from 'node:path';
import { activation } from '../../../packages/openwhisk/test/harness/harness.js';
import {
  findPython,
  startPythonActionLoop,
} from '../../../packages/openwhisk/test/harness/python-action-loop.js';

const scenarios = [
  { id: 'ok', title: 'succeeds', value: { image: { url: 'dog.png' } } },
  {
    id: 'raise',
    title: 'raises ValueError',
    value: { mode: 'raise', image: { url: 'cat.png', width: 'wide' } },
  },
  { id: 'quota', title: 'returns {error}', value: { mode: 'quota', tenant: 'acme' } },
  {
    id: 'near-deadline',
    title: 'runs into its time limit',
    value: { mode: 'slow', workMs: 1200 },
    timeoutMs: 1500,
  },
];

const json = process.argv.includes('--json');
const here = dirname(process.argv[1] ?? '.');
const python = findPython();
if (!python) {
  console.log(JSON.stringify({ unavailable: 'no python3 with sentry_sdk (apt install python3-sentry-sdk)' }));
  process.exit(0);
}
const env: Record<string, string> = {};
if (process.env.FAULTLINE_DSN) env.FAULTLINE_DSN = process.env.FAULTLINE_DSN;
const loop = await startPythonActionLoop({
  action: join(here, '../../openwhisk-python/action/__main__.py'),
  python,
  env,
});
try {
  for (const s of scenarios) {
    const deadline = String(Date.now() + (s.timeoutMs ?? 60_000));
    const res = await loop.run(
      activation(`py-${s.id}`, s.value, { action_name: '/guest/thumbnails/resize-py', deadline }),
    );
    const ms = res.receivedAt - res.sentAt;
    if (json) console.log(JSON.stringify({ id: s.id, activationId: `py-${s.id}`, result: res.result, ms }));
    else console.log(`${s.title.padEnd(30)} → ${JSON.stringify(res.result)} (${ms} ms)`);
  }
} finally {
  await loop.close();
}
