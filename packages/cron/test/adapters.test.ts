import { close, init } from '@faultline/node';
import { CronJob } from 'cron';
import { Cron as CronerCron } from 'croner';
import nodeCron from 'node-cron';
import nodeSchedule from 'node-schedule';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../../../test-utils/receiver.js';
import {
  instrumentCron,
  instrumentCroner,
  instrumentNodeCron,
  instrumentNodeSchedule,
  withMonitor,
} from '../src/index.js';

let receiver: Receiver;

beforeEach(async () => {
  receiver = await startReceiver();
  init({ dsn: receiver.dsn, release: 'jobs@1.0.0', environment: 'test' });
});

afterEach(async () => {
  await close(2000);
  await receiver.close();
});

/** Waits for a finished run of `slug` and returns its check-ins and the events tagged with it. */
async function runOf(slug: string) {
  await receiver.waitFor(() =>
    receiver.checkIns().some((c) => c.monitor_slug === slug && c.status !== 'in_progress'),
  );
  await close(2000);
  const checkIns = receiver.checkIns().filter((c) => c.monitor_slug === slug);
  const events = receiver.events().filter((e) => e.tags?.['monitor.slug'] === slug);
  return { checkIns, events };
}

function expectRun(
  run: Awaited<ReturnType<typeof runOf>>,
  status: 'ok' | 'error',
  schedule: string | undefined,
  errorMessage?: string,
) {
  const [start, end] = run.checkIns;
  expect(run.checkIns.map((c) => c.status)).toEqual(['in_progress', status]);
  expect(end?.check_in_id).toBe(start?.check_in_id);
  expect(end?.duration).toBeGreaterThanOrEqual(0);
  expect(start?.duration).toBeUndefined();
  if (schedule) expect(start?.monitor_config?.schedule).toEqual({ type: 'crontab', value: schedule });
  expect(end?.monitor_config).toBeUndefined();
  expect(start?.release).toBe('jobs@1.0.0');
  if (errorMessage) {
    expect(run.events).toHaveLength(1);
    expect(run.events[0]?.exception?.values.at(-1)?.value).toBe(errorMessage);
    expect(run.events[0]?.contexts?.monitor).toEqual({ slug: run.checkIns[0]?.monitor_slug });
  } else {
    expect(run.events).toHaveLength(0);
  }
}

describe('node-cron', () => {
  it('monitors a succeeding task run through task.execute()', async () => {
    const cron = instrumentNodeCron(nodeCron);
    const task = cron.createTask('*/5 * * * *', () => 'done', { name: 'nc-ok' });
    await task.execute();
    await task.destroy();
    expectRun(await runOf('nc-ok'), 'ok', '*/5 * * * *');
  });

  it('captures a failing task once and keeps node-cron reporting it as failed', async () => {
    const cron = instrumentNodeCron(nodeCron);
    const task = cron.createTask(
      '0 3 * * *',
      () => {
        throw new Error('nc failed');
      },
      { name: 'nc-fail' },
    );
    const failed: unknown[] = [];
    task.on('execution:failed', (ctx: { execution?: { error?: unknown } }) => {
      failed.push(ctx.execution?.error);
    });
    await expect(task.execute()).rejects.toThrow('nc failed');
    await task.destroy();
    expect(failed).toHaveLength(1);
    expectRun(await runOf('nc-fail'), 'error', '0 3 * * *', 'nc failed');
  });
});

describe('croner', () => {
  it('monitors job.trigger() and hands a failure to the job catch handler', async () => {
    const Cron = instrumentCroner(CronerCron);
    const ok = new Cron('0 0 * * *', { name: 'croner-ok', paused: true }, () => undefined);
    await ok.trigger();
    ok.stop();
    expectRun(await runOf('croner-ok'), 'ok', '0 0 * * *');
  });

  it('captures a failure and still calls the user catch callback with it', async () => {
    const Cron = instrumentCroner(CronerCron);
    const caught: unknown[] = [];
    const job = new Cron(
      '15 4 * * *',
      { name: 'croner-fail', paused: true, catch: (error: unknown) => caught.push(error) },
      async () => {
        throw new Error('croner failed');
      },
    );
    await job.trigger();
    job.stop();
    expect((caught[0] as Error).message).toBe('croner failed');
    expectRun(await runOf('croner-fail'), 'error', '15 4 * * *', 'croner failed');
  });
});

describe('cron', () => {
  it('keeps this in onTick and monitors fireOnTick()', async () => {
    const Job = instrumentCron(CronJob);
    let self: unknown;
    const job = Job.from({
      cronTime: '0 6 * * 1-5',
      name: 'cron-ok',
      start: false,
      onTick: function (this: unknown) {
        self = this;
      },
    });
    await job.fireOnTick();
    expect(self).toBe(job);
    expectRun(await runOf('cron-ok'), 'ok', '0 6 * * 1-5');
  });

  it('passes a failure on to the errorHandler after capturing it', async () => {
    const Job = instrumentCron(CronJob);
    const handled: unknown[] = [];
    const job = new Job(
      '0 6 * * *',
      () => {
        throw new Error('cron failed');
      },
      null,
      false,
      undefined,
      undefined,
      false,
      undefined,
      false,
      false,
      (error: unknown) => handled.push(error),
      'cron-fail',
    );
    await job.fireOnTick();
    expect((handled[0] as Error).message).toBe('cron failed');
    expectRun(await runOf('cron-fail'), 'error', '0 6 * * *', 'cron failed');
  });
});

describe('node-schedule', () => {
  it('captures the job error that node-schedule emits on the Job', async () => {
    const schedule = instrumentNodeSchedule(nodeSchedule);
    const emitted: unknown[] = [];
    const job = schedule.scheduleJob('ns-fail', new Date(Date.now() + 200), () => {
      throw new Error('ns failed');
    }) as nodeSchedule.Job;
    job.on('error', (error) => emitted.push(error));
    const run = await runOf('ns-fail');
    expect((emitted[0] as Error).message).toBe('ns failed');
    expect(run.checkIns.map((c) => c.status)).toEqual(['in_progress', 'error']);
    expect(run.checkIns[0]?.monitor_config).toBeUndefined();
    expect(run.events).toHaveLength(1);
  });

  it('sends the crontab of a string rule', async () => {
    const schedule = instrumentNodeSchedule(nodeSchedule);
    const job = schedule.scheduleJob('ns-ok', '0 5 * * *', () => undefined) as nodeSchedule.Job;
    job.invoke();
    job.cancel();
    expectRun(await runOf('ns-ok'), 'ok', '0 5 * * *');
  });
});

describe('a slug option that throws', () => {
  const slug = (): string => {
    throw new Error('slug bug');
  };

  it('every adapter still schedules the job, unmonitored, and it runs', async () => {
    const ran: string[] = [];

    const nodeCronTask = instrumentNodeCron(nodeCron, { slug }).createTask('0 1 * * *', () => {
      ran.push('node-cron');
    });
    await nodeCronTask.execute();
    await nodeCronTask.destroy();

    const Cron = instrumentCroner(CronerCron, { slug });
    const cronerJob = new Cron('0 1 * * *', { paused: true }, () => void ran.push('croner'));
    await cronerJob.trigger();
    cronerJob.stop();

    const Job = instrumentCron(CronJob, { slug });
    const cronJob = Job.from({ cronTime: '0 1 * * *', start: false, onTick: () => void ran.push('cron') });
    await cronJob.fireOnTick();
    const constructed = new Job('0 1 * * *', () => void ran.push('cron constructed'));
    await constructed.fireOnTick();

    const schedule = instrumentNodeSchedule(nodeSchedule, { slug });
    const nsJob = schedule.scheduleJob('0 1 * * *', () => void ran.push('node-schedule')) as nodeSchedule.Job;
    nsJob.invoke();
    nsJob.cancel();

    expect(ran).toEqual(['node-cron', 'croner', 'cron', 'cron constructed', 'node-schedule']);
    await close(2000);
    expect(receiver.checkIns()).toEqual([]);
  });
});

describe('withMonitor', () => {
  it('returns the value and rethrows the error unchanged', async () => {
    expect(withMonitor('sync-ok', () => 42)).toBe(42);
    const error = new Error('sync failed');
    expect(() =>
      withMonitor('sync-fail', () => {
        throw error;
      }),
    ).toThrow(error);
    await expect(withMonitor('async-ok', async () => 'v')).resolves.toBe('v');
    await expect(withMonitor('async-fail', () => Promise.reject(error))).rejects.toBe(error);
    await close(2000);
    const statuses = (slug: string) =>
      receiver
        .checkIns()
        .filter((c) => c.monitor_slug === slug)
        .map((c) => c.status);
    expect(statuses('sync-ok')).toEqual(['in_progress', 'ok']);
    expect(statuses('sync-fail')).toEqual(['in_progress', 'error']);
    expect(statuses('async-ok')).toEqual(['in_progress', 'ok']);
    expect(statuses('async-fail')).toEqual(['in_progress', 'error']);
  });

  it('never mixes check-in ids of monitors running at the same time', async () => {
    const slugs = Array.from({ length: 10 }, (_, i) => `parallel-${i}`);
    await Promise.all(
      slugs.map((slug, i) =>
        withMonitor(slug, () => new Promise((resolve) => setTimeout(resolve, 5 * ((i * 7) % 10)))),
      ),
    );
    await close(2000);
    const ids = new Set<string>();
    for (const slug of slugs) {
      const own = receiver.checkIns().filter((c) => c.monitor_slug === slug);
      expect(own.map((c) => c.status)).toEqual(['in_progress', 'ok']);
      expect(own[0]?.check_in_id).toBe(own[1]?.check_in_id);
      ids.add(own[0]?.check_in_id ?? '');
    }
    expect(ids.size).toBe(slugs.length);
  });
});
