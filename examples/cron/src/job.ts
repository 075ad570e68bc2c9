import { flush, init, instrumentNodeCron } from '@faultline/cron';
import nodeCron from 'node-cron';

init({ release: 'example-cron@0.1.0', environment: process.env.FAULTLINE_ENVIRONMENT ?? 'development' });

// Every task scheduled through `cron` sends check-ins to the monitor named after the task.
const cron = instrumentNodeCron(nodeCron);

let run = 0;
const task = cron.schedule(
  '*/5 * * * *',
  async () => {
    run += 1;
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Every other run the upstream feed is "down": a failure nobody would see without monitoring.
    if (run % 2 === 0) throw new Error(`invoice sync failed on run ${run}: upstream answered 502`);
    console.log(`invoice sync run ${run} ok`);
  },
  { name: 'invoice-sync', noOverlap: true },
);

// `--runs N` triggers the job N times right away (through node-cron's own execute) and exits,
// which is what the demo does; without it the job waits for its schedule.
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 0);
if (runs > 0) {
  for (let i = 0; i < runs; i++) {
    await task.execute().catch(() => {
      // node-cron has already logged the failure; the check-in and the event are on their way.
    });
  }
  await task.destroy();
  await flush(2000);
} else {
  console.log('invoice-sync scheduled every 5 minutes; press Ctrl+C to stop');
}
