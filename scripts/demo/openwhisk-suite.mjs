// OpenWhisk: the wrapped action, driven through the action-proxy protocol by the example's invoker.
import { join } from 'node:path';
import { describeEvents, filteredFields, shortFrame, waitFor } from './checks.mjs';
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
    return ACTIVATIONS.map((a) => ({
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
  },
};
