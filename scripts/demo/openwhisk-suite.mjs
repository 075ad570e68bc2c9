// OpenWhisk: the wrapped action, driven through the action-proxy protocol by the example's invoker.
import { join } from 'node:path';
import { checkInSequences, describeEvents, filteredFields, shortFrame, waitFor } from './checks.mjs';
import { runCommand } from './proc.mjs';

const ACTIVATIONS = [
  { id: 'ok', scenario: 'activation succeeds', expected: 'nothing', count: 0 },
  {
    id: 'sync-throw',
    scenario: 'synchronous throw',
    expected: 'TypeError · thumbnails.ts · unhandled',
    count: 1,
    // The action is one bundled file, as deployed, with its map in the zip: the frame must
    // point at the TypeScript source, not at a line of the bundle.
    check: (events) => {
      const frame = shortFrame(events[0]?.frame) ?? 'missing';
      return frame.startsWith('thumbnails.ts:') ? undefined : `top frame ${frame}, expected thumbnails.ts`;
    },
  },
  { id: 'error-result', scenario: 'returns {error}', expected: 'error naming the quota', count: 1 },
  {
    id: 'web',
    scenario: 'web action POST /thumbnails',
    expected: 'Error · headers and query [Filtered]',
    count: 1,
    web: true,
  },
  { id: 'near-deadline', scenario: 'near the deadline', expected: 'warning before the time limit', count: 1 },
];

export const openwhiskSuite = {
  name: 'openwhisk',
  needs: ['openwhisk'],
  example: 'openwhisk',
  async run(ctx) {
    const cwd = join(ctx.root, 'examples/openwhisk');
    const result = await runCommand(process.execPath, ['dist/invoke.js', '--json'], { cwd, env: ctx.env });
    const answers = new Map();
    for (const line of result.stdout.split('\n')) {
      if (!line.startsWith('{')) continue;
      const answer = JSON.parse(line);
      answers.set(answer.id, answer);
      ctx.log(`  activation demo-${answer.id} → ${answer.status} (${answer.ms} ms)`);
    }
    if (result.code !== 0)
      ctx.log(`  invoker exited ${result.code}: ${result.stderr.trim().split('\n').at(-1)}`);
    const expected = ACTIVATIONS.filter((a) => a.count > 0);
    await waitFor(
      () => expected.every((a) => ctx.arrivals().some((x) => ctx.text(x).includes(`demo-${a.id}`))),
      3000,
    );
    const python = await pythonSteps(ctx, cwd);
    const monitor = await monitorSteps(ctx, cwd);
    const node = ACTIVATIONS.map((a) => ({
      ...a,
      match: (x) => ctx.text(x).includes(`"demo-${a.id}"`),
      describe: (events) => {
        const answer = answers.get(a.id);
        const proxy = answer ? `proxy answered ${answer.status}` : 'no answer';
        if (!events.length) return `nothing · ${proxy}`;
        const fields = a.web ? filteredFields(events[0]?.event) : [];
        return `${describeEvents(events)} · ${proxy}${fields.length ? ` · ${fields.join(', ')}: [Filtered]` : ''}`;
      },
      check: (events) => {
        if (!answers.has(a.id)) return 'the activation did not run';
        if (
          a.id === 'near-deadline' &&
          events[0] &&
          !['warning', 'error', 'fatal'].includes(events[0].level)
        ) {
          return `level ${events[0].level}`;
        }
        return a.check?.(events);
      },
    }));
    return [...node, ...python, ...monitor];
  },
};

const jsonLines = (text) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));

// Python: the sentry_sdk recipe of examples/openwhisk-python, through the action-loop protocol.
const PYTHON = [
  { id: 'ok', scenario: 'Python: succeeds', expected: 'nothing', count: 0 },
  { id: 'raise', scenario: 'Python: raises ValueError', expected: 'ValueError · activation tags', count: 1 },
  { id: 'quota', scenario: 'Python: returns {error}', expected: 'error naming the quota', count: 1 },
  {
    id: 'near-deadline',
    scenario: 'Python: near the deadline',
    expected: 'warning before the time limit',
    count: 1,
  },
];

async function pythonSteps(ctx, cwd) {
  const result = await runCommand(process.execPath, ['dist/invoke-python.js', '--json'], {
    cwd,
    env: ctx.env,
  });
  const lines = jsonLines(result.stdout);
  const unavailable = lines.find((l) => l.unavailable)?.unavailable;
  if (unavailable) {
    ctx.log(`  Python: not available (${unavailable})`);
    return [];
  }
  for (const l of lines)
    ctx.log(`  python activation ${l.activationId} → ${JSON.stringify(l.result)} (${l.ms} ms)`);
  await waitFor(
    () =>
      PYTHON.filter((p) => p.count).every((p) =>
        ctx.arrivals().some((x) => ctx.text(x).includes(`"py-${p.id}"`)),
      ),
    3000,
  );
  return PYTHON.map((p) => ({
    ...p,
    match: (x) => ctx.text(x).includes(`"py-${p.id}"`),
    check: (events) => {
      if (!lines.some((l) => l.id === p.id)) return 'the activation did not run';
      const event = events.find((e) => e.kind === 'event')?.event;
      if (p.count && event?.tags?.['openwhisk.action'] !== '/guest/thumbnails/resize-py')
        return 'no action tag';
      if (p.id === 'near-deadline' && event && event.level !== 'warning') return `level ${event.level}`;
      return undefined;
    },
  }));
}

// The activation monitor CLI against a local stand-in for the OpenWhisk API.
const MONITOR = [
  {
    id: 'timeout-python',
    scenario: 'monitor: Python action timed out',
    expected: 'error · failure timeout · kind python:3.11',
    count: 1,
  },
  {
    id: 'timeout-node',
    scenario: 'monitor: Node action timed out',
    expected: 'error · failure timeout · kind nodejs:20',
    count: 1,
  },
  { id: 'memory', scenario: 'monitor: memory kill', expected: 'error · failure memory', count: 1 },
  {
    id: 'already-reported',
    scenario: 'monitor: error wrapAction reported',
    expected: 'nothing (marker in its log)',
    count: 0,
  },
  { id: 'success', scenario: 'monitor: success', expected: 'nothing', count: 0 },
];

async function monitorSteps(ctx, cwd) {
  const result = await runCommand(process.execPath, ['dist/monitor-demo.js', '--json'], {
    cwd,
    env: ctx.env,
  });
  const lines = jsonLines(result.stdout);
  const ids = new Map(lines.filter((l) => l.id).map((l) => [l.id, l.activationId]));
  const cli = lines.find((l) => 'cli' in l);
  ctx.log(`  faultline-openwhisk-monitor → exit ${cli?.code}: ${cli?.cli ?? result.stderr.trim()}`);
  await waitFor(() => ctx.arrivals().filter((a) => a.kind === 'check_in').length >= 2, 3000);
  const steps = MONITOR.map((m) => ({
    ...m,
    match: (x) => ids.has(m.id) && ctx.text(x).includes(ids.get(m.id)),
    describe: (events) => {
      const event = events.find((e) => e.kind === 'event')?.event;
      if (!event) return 'nothing';
      const logs = JSON.stringify(event.extra?.logs ?? []);
      return `${describeEvents(events)} · failure ${event.tags?.['openwhisk.failure']} · kind ${event.tags?.['openwhisk.kind']}${logs.includes('[Filtered]') ? ' · log secret [Filtered]' : ''}`;
    },
    check: (events) => {
      if (!ids.has(m.id)) return 'the record was not created';
      const event = events.find((e) => e.kind === 'event')?.event;
      if (!m.count) return undefined;
      const want = m.id === 'memory' ? 'memory' : 'timeout';
      return event?.tags?.['openwhisk.failure'] === want
        ? undefined
        : `failure ${event?.tags?.['openwhisk.failure']}`;
    },
  }));
  steps.push({
    id: 'monitor-check-in',
    scenario: 'monitor: its own check-in',
    expected: 'in_progress → ok',
    count: 0,
    match: (x) => x.kind === 'check_in' && x.slug === 'openwhisk-activation-monitor',
    describe: (arrivals) => checkInSequences(arrivals, 'openwhisk-activation-monitor').join(', ') || 'none',
    check: (arrivals) =>
      checkInSequences(arrivals, 'openwhisk-activation-monitor').join() === 'in_progress → ok'
        ? undefined
        : 'check-ins missing',
  });
  return steps;
}
