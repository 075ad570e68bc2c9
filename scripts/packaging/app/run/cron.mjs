// The cron quick start of packages/cron/README.md, on a schedule that fires within a second.
import { flush, init, instrumentNodeCron } from '@faultline/cron';
import nodeCron from 'node-cron';

init(); // reads FAULTLINE_DSN
const task = instrumentNodeCron(nodeCron).schedule(
  '* * * * * *',
  async () => {
    await task.stop();
    setTimeout(() => flush(2000), 100);
    throw new Error('invoice sync failed');
  },
  { name: 'invoice-sync' },
);
