import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../../../test-utils/receiver.js';
import { ensureBuilt } from '../../node/test/helpers/child.js';

// A scheduler process pays at start-up for the files it loads before its first job: core's
// event pipeline (its largest file) loads with the first check-in, not with `require`.
beforeAll(() => ensureBuilt(), 120_000);

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

const packageFiles = (files: string[]) =>
  files
    .map((file) => file.replace(/\\/g, '/'))
    .filter((file) => file.includes('/packages/'))
    .map((file) => file.replace(/^.*\/packages\//, ''))
    .sort();

describe('start-up', () => {
  it("require + init loads the front of the SDK only; the first job's check-ins load the pipeline and arrive with their monitor config", async () => {
    receiver = await startReceiver();
    const script = fileURLToPath(new URL('./fixtures/startup-load.cjs', import.meta.url));
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [script],
        { env: { PATH: process.env.PATH ?? '', FAULTLINE_DSN: receiver?.dsn ?? '' } },
        (error, out) => (error ? reject(error) : resolve(out)),
      ),
    );
    const { atInit, afterJob, sent } = JSON.parse(stdout) as {
      atInit: string[];
      afterJob: string[];
      sent: boolean;
    };
    expect(packageFiles(atInit)).toEqual(['cron/dist/index.cjs', 'node/dist/index.cjs']);
    expect(packageFiles(afterJob)).toEqual(
      expect.arrayContaining(['core/dist/index.cjs', 'node/dist/pipeline.cjs']),
    );
    expect(sent).toBe(true);
    const checkIns = receiver.checkIns().filter((c) => c.monitor_slug === 'nightly-report');
    expect(checkIns.map((c) => c.status)).toEqual(['in_progress', 'ok']);
    expect(checkIns[0]?.monitor_config?.schedule).toEqual({ type: 'crontab', value: '0 3 * * *' });
  });
});
