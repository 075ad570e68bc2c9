// Latency each part adds, measured locally: `node build.mjs && node dist/bench.js [runs]`.
// Node: the same bundled action, unwrapped and wrapped, warm, through the action proxy, with
// the ingest answering, down, or hanging. Python: the example through the action loop. Monitor:
// one CLI run over 1000 records. Medians of `runs` activations (default 30).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_KEY, startFakeApi } from '../../../packages/openwhisk/test/api/openwhisk-api.js';
import { bundleAction } from '../../../packages/openwhisk/test/harness/bundle.js';
import { activation, startActionProxy } from '../../../packages/openwhisk/test/harness/harness.js';
import {
  findPython,
  startPythonActionLoop,
} from '../../../packages/openwhisk/test/harness/python-action-loop.js';
import { zipBase64 } from '../../../packages/openwhisk/test/harness/zip.js';
import {
  type Receiver,
  type ReceiverOptions,
  refusedDsn,
  startReceiver,
} from '../../../test-utils/receiver.js';

const runs = Number(process.argv[2] ?? 30);
const here = dirname(process.argv[1] ?? '.');
const root = join(here, '../../..');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const rows: Array<[string, number]> = [];

const fixture = join(root, 'packages/openwhisk/test/fixtures/action.ts');
const bundle = await bundleAction(fixture);
const wrappedZip = zipBase64({ 'index.js': bundle, 'package.json': '{"main":"index.js"}' });
const plainZip = zipBase64({
  'index.js':
    'exports.main = async (p) => { if (p.mode === "async-throw") { await 0; throw new Error("boom"); } return { ok: true }; };',
});

async function node(
  label: string,
  code: string,
  mode: string,
  receiver: ReceiverOptions | 'down' | undefined,
) {
  let ingest: Receiver | undefined;
  const env: Record<string, string> = {};
  if (receiver === 'down') env.FAULTLINE_DSN = await refusedDsn();
  else if (receiver) {
    ingest = await startReceiver(receiver);
    env.FAULTLINE_DSN = ingest.dsn;
  }
  const proxy = await startActionProxy();
  try {
    await proxy.init({ main: 'main', code, binary: true, env });
    await proxy.run(activation('warm', {})); // first activation: module load, client start
    if (mode !== 'ok') await proxy.run(activation('warm2', { mode })); // the transport's first send
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const res = await proxy.run(activation(`b${i}`, { mode, tag: String(i) }));
      times.push(res.receivedAt - res.sentAt);
    }
    rows.push([label, median(times)]);
  } finally {
    await proxy.close();
    await ingest?.close();
  }
}

await node('node: unwrapped action, success', plainZip, 'ok', undefined);
await node('node: unwrapped action, async throw', plainZip, 'async-throw', undefined);
await node('node: wrapAction, success, ingest up', wrappedZip, 'ok', {});
await node('node: wrapAction, success, ingest down', wrappedZip, 'ok', 'down');
await node('node: wrapAction, success, ingest hanging', wrappedZip, 'ok', {
  respond: () => ({ hang: true }),
});
await node('node: wrapAction, async throw, ingest acks at once', wrappedZip, 'async-throw', {});
await node('node: wrapAction, async throw, ingest acks after 100 ms', wrappedZip, 'async-throw', {
  respond: () => ({ delayMs: 100 }),
});

const python = findPython();
if (python) {
  const action = join(root, 'examples/openwhisk-python/action/__main__.py');
  const plain = join(mkdtempSync(join(tmpdir(), 'ow-py-')), '__main__.py');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(plain, 'def main(params):\n    return {"ok": True}\n');
  for (const [label, file, mode, dsn] of [
    ['python: unwrapped action, success', plain, 'ok', false],
    ['python: wrap_action, success, ingest up', action, 'ok', true],
    ['python: wrap_action, raise, ingest acks at once', action, 'raise', true],
  ] as const) {
    const ingest = dsn ? await startReceiver() : undefined;
    const loop = await startPythonActionLoop({
      action: file,
      python,
      env: ingest ? { FAULTLINE_DSN: ingest.dsn } : {},
    });
    try {
      await loop.run(activation('warm', { mode }));
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const res = await loop.run(activation(`p${i}`, { mode }));
        times.push(res.receivedAt - res.sentAt);
      }
      rows.push([label, median(times)]);
    } finally {
      await loop.close();
      await ingest?.close();
    }
  }
  rmSync(dirname(plain), { recursive: true, force: true });
}

// The monitor adds nothing to activations; a run costs this much, and a failure is seen one
// schedule interval after it happened at most.
const api = await startFakeApi();
const ingest = await startReceiver();
for (let i = 0; i < 1000; i++) {
  api.add(
    i % 100 === 0
      ? {
          name: 'slow',
          status: 'action_developer_error',
          timeout: true,
          result: { error: 'The action exceeded its time limits of 3000 milliseconds.' },
        }
      : { name: 'fine' },
  );
}
const dir = mkdtempSync(join(tmpdir(), 'ow-monitor-bench-'));
const cli = fileURLToPath(new URL(`file://${join(root, 'packages/openwhisk/dist/monitor-cli.js')}`));
const started = Date.now();
await new Promise<void>((resolve) => {
  const child = spawn(
    process.execPath,
    [
      cli,
      '--apihost',
      api.url,
      '--auth',
      API_KEY,
      '--state',
      join(dir, 's.json'),
      '--since',
      '0',
      '--page-size',
      '200',
    ],
    { env: { PATH: process.env.PATH ?? '', FAULTLINE_DSN: ingest.dsn }, stdio: 'ignore' },
  );
  child.on('exit', () => resolve());
});
rows.push(['monitor: one CLI run over 1000 records (5 pages), 10 failures', Date.now() - started]);
rmSync(dir, { recursive: true, force: true });
await api.close();
await ingest.close();

for (const [label, ms] of rows) console.log(`${label.padEnd(62)} ${String(ms).padStart(6)} ms`);
