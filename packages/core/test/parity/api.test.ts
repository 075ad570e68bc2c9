import * as browser from '@faultline/browser';
import { resetCurrentClient } from '@faultline/core/testing';
import * as cron from '@faultline/cron';
import * as node from '@faultline/node';
import * as openwhisk from '@faultline/openwhisk';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runtimes } from './runtimes.js';

/** The top-level API every Faultline package exports, with the same names and behaviour. */
const API = [
  'init',
  'captureException',
  'captureMessage',
  'captureEvent',
  'setUser',
  'setTag',
  'setTags',
  'setContext',
  'setExtra',
  'addBreadcrumb',
  'withScope',
  'flush',
  'close',
  'getClient',
  'lastEventId',
] as const;

type Pkg = Record<(typeof API)[number], (...args: any[]) => any>;
const packages: Array<[string, Pkg]> = [
  ['node', node as unknown as Pkg],
  ['browser', browser as unknown as Pkg],
  ['cron', cron as unknown as Pkg],
  ['openwhisk', openwhisk as unknown as Pkg],
];

beforeEach(() => resetCurrentClient());

afterEach(async () => {
  await node.close(0);
  await browser.close(0);
  vi.unstubAllEnvs();
});

describe.each(packages)('@faultline/%s', (_name, pkg) => {
  it('exports every name of the top-level API as a function', () => {
    const missing = API.filter((name) => typeof pkg[name] !== 'function');
    expect(missing).toEqual([]);
  });

  it('without a DSN: captures return "", no last event id, flush and close resolve true', async () => {
    for (const name of ['FAULTLINE_DSN', 'SENTRY_DSN']) vi.stubEnv(name, '');
    pkg.init({});
    expect(pkg.getClient()?.enabled ?? false).toBe(false);
    expect(pkg.captureException(new Error('x'))).toBe('');
    expect(pkg.captureMessage('x')).toBe('');
    expect(pkg.captureEvent({ message: 'x' })).toBe('');
    expect(pkg.lastEventId()).toBeUndefined();
    expect(() => {
      pkg.setUser({ id: '1' });
      pkg.setTag('a', 'b');
      pkg.setTags({ a: 'b' });
      pkg.setContext('c', { a: 1 });
      pkg.setExtra('e', 1);
      pkg.addBreadcrumb({ message: 'm' });
    }).not.toThrow();
    expect(pkg.withScope(() => 42)).toBe(42);
    expect(await pkg.flush(10)).toBe(true);
    expect(await pkg.close(10)).toBe(true);
  });
});

describe.each(runtimes)('$name', (runtime) => {
  it('lastEventId is the id the last capture call returned', async () => {
    let ids: string[] = [];
    let last: string | undefined;
    await runtime.run({}, (api) => {
      ids = [api.captureException(new Error('one')), api.captureMessage('two')];
      last = (api as unknown as Pkg).lastEventId();
    });
    expect(ids[1]).toMatch(/^[\da-f]{32}$/);
    expect(last).toBe(ids[1]);
  });
});
