// Cron: a node-cron job that fails every other run, and faultline-cron wrapping a shell script.
import { join } from 'node:path';
import { checkInSequences, describeEvents, shortFrame, waitFor } from './checks.mjs';
import { runCommand } from './proc.mjs';

const sequences = (slug) => (arrivals) => {
  const runs = checkInSequences(arrivals, slug);
  return runs.length ? runs.join(', ') : 'no check-ins';
};

export const cronSuite = {
  name: 'cron',
  needs: ['cron'],
  example: 'cron',
  entries: ['src/job.ts'],
  async run(ctx) {
    const cwd = join(ctx.root, 'examples/cron');
    const job = await runCommand(process.execPath, ['dist/job.js', '--runs', '4'], { cwd, env: ctx.env });
    ctx.log(`  node dist/job.js --runs 4 → exit ${job.code}`);
    const cli = join(ctx.root, 'packages/cron/dist/cli.js');
    const args = [
      cli,
      '--slug',
      'nightly-backup',
      '--schedule',
      '0 2 * * *',
      '--max-runtime',
      '30',
      '--',
      './backup.sh',
    ];
    const backup = await runCommand(process.execPath, args, { cwd, env: ctx.env });
    ctx.log(`  faultline-cron --slug nightly-backup -- ./backup.sh → exit ${backup.code}`);
    await waitFor(() => ctx.arrivals().filter((a) => a.kind === 'check_in').length >= 10, 3000);

    const isJob = (slug) => (a) => (a.kind === 'check_in' ? a.slug === slug : ctx.text(a).includes(slug));
    return [
      {
        scenario: 'node-cron job, 4 runs',
        expected: 'in_progress → ok, in_progress → error (×2); Error ×2 · job.ts',
        match: isJob('invoice-sync'),
        count: 2,
        describe: (arrivals) => `${sequences('invoice-sync')(arrivals)}; ${describeEvents(arrivals)}`,
        check: (arrivals) => {
          const runs = checkInSequences(arrivals, 'invoice-sync');
          const want = ['in_progress → ok', 'in_progress → error', 'in_progress → ok', 'in_progress → error'];
          if (runs.join() !== want.join()) return `check-ins ${runs.join(', ') || 'missing'}`;
          const frame = shortFrame(arrivals.find((a) => a.kind === 'event')?.frame) ?? '';
          return frame.startsWith('job.ts:') ? undefined : `top frame ${frame || 'missing'}, expected job.ts`;
        },
      },
      {
        scenario: 'faultline-cron -- ./backup.sh (exit 3)',
        expected: 'in_progress → error; event naming exit code 3; exits 3',
        match: isJob('nightly-backup'),
        count: 1,
        describe: (arrivals) =>
          `${sequences('nightly-backup')(arrivals)}; ${describeEvents(arrivals)}; exited ${backup.code}`,
        check: (arrivals) => {
          const runs = checkInSequences(arrivals, 'nightly-backup');
          if (runs.join() !== 'in_progress → error') return `check-ins ${runs.join(', ') || 'missing'}`;
          if (backup.code !== 3) return `exit code ${backup.code}, expected 3`;
          const event = arrivals.find((a) => a.kind === 'event');
          return event && !/\b3\b/.test(ctx.text(event)) ? 'event does not name exit code 3' : undefined;
        },
      },
    ];
  },
};
