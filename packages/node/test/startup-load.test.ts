import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runFixture } from './helpers/child.js';

// What `require('@faultline/node').init()` loads in an app that has not failed yet: start-up
// cost is paid in files parsed and modules initialised, so nothing only an error needs may load.

beforeAll(() => ensureBuilt(), 120_000);

async function loaded(pseudonymizeKey = ''): Promise<{ files: string[]; builtins: string[] }> {
  const child = await runFixture('startup-load.cjs', [pseudonymizeKey], {
    env: { FAULTLINE_DSN: 'http://public@127.0.0.1:9/1' },
  });
  expect(child.stderr).toBe('');
  return JSON.parse(child.stdout) as { files: string[]; builtins: string[] };
}

describe('start-up', () => {
  it.each([
    ['default options', ''],
    ['pseudonymized user ids', 'a-secret-key'],
  ])('init with %s loads only the two SDK bundles, no library and no crypto', async (_, key) => {
    const { files, builtins } = await loaded(key);
    const names = files.map((file) => file.replace(/\\/g, '/').replace(/^.*\/packages\//, ''));
    expect(names.sort()).toEqual(['core/dist/index.cjs', 'node/dist/index.cjs']);
    expect(builtins.filter((name) => /crypto/.test(name))).toEqual([]);
  });
});
