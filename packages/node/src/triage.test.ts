import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestTransport, type TestTransport } from '@faultline/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { detectRelease } from './detect-release.js';
import { captureException, close, init, withScope } from './index.js';

const RELEASE_VARS = [
  'FAULTLINE_RELEASE',
  'SENTRY_RELEASE',
  'GITHUB_SHA',
  'CI_COMMIT_SHA',
  'npm_package_name',
];

function start(options: Parameters<typeof init>[0] = {}): TestTransport {
  const transport = createTestTransport();
  init({ transport: () => transport, breadcrumbs: { console: false }, captureUnhandled: false, ...options });
  return transport;
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-triage-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await close(0);
  vi.unstubAllEnvs();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('node: critical flows', () => {
  it('tags errors of a critical route, and only those', async () => {
    const transport = start({ critical: ['POST /checkout', 'nightly-*'] });
    for (const route of ['POST /checkout', 'GET /products']) {
      withScope((scope) => {
        scope.setTransaction(route);
        captureException(new Error(`failed on ${route}`));
      });
    }
    await transport.flush(1000);
    const tags = transport.events().map((e) => [e.transaction, e.tags?.critical]);
    expect(tags).toEqual([
      ['POST /checkout', 'true'],
      ['GET /products', undefined],
    ]);
  });

  it('names a critical option that is not a list of strings and keeps reporting without it', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const transport = createTestTransport();
    const client = init({ transport: () => transport, critical: 'POST /checkout' as never });
    expect(client.enabled).toBe(true);
    expect(String(warn.mock.calls[0]?.[0])).toContain('"critical"');
    withScope((scope) => {
      scope.setTransaction('POST /checkout');
      captureException(new Error('still reported'));
    });
    await transport.flush(1000);
    expect(transport.events().map((e) => e.tags?.critical)).toEqual([undefined]);
  });
});

describe('node: third-party failures', () => {
  it('tags an error thrown inside a package in node_modules, not one thrown by the app', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'node_modules/payments-lib'), { recursive: true });
    writeFileSync(
      join(dir, 'node_modules/payments-lib/index.js'),
      'exports.charge = () => { throw new Error("gateway said no"); };\n',
    );
    const lib = createRequire(join(dir, 'app.js'))('payments-lib') as { charge(): void };
    const transport = start();
    try {
      lib.charge();
    } catch (error) {
      captureException(error);
    }
    captureException(new Error('our own bug'));
    await transport.flush(1000);
    const tags = transport.events().map((e) => [e.exception?.values.at(-1)?.value, e.tags?.third_party]);
    expect(tags).toEqual([
      ['gateway said no', 'true'],
      ['our own bug', undefined],
    ]);
  });
});

describe('node: release detection', () => {
  it('sends the release found in the environment when init names none', async () => {
    for (const name of RELEASE_VARS) vi.stubEnv(name, undefined);
    vi.stubEnv('GITHUB_SHA', '4f2c9e1');
    const transport = start();
    captureException(new Error('x'));
    await transport.flush(1000);
    expect(transport.events()[0]?.release).toBe('4f2c9e1');
  });

  it('keeps a release given to init, and an empty one turns detection off', async () => {
    vi.stubEnv('GITHUB_SHA', '4f2c9e1');
    let transport = start({ release: 'shop@1.0.0' });
    captureException(new Error('x'));
    await transport.flush(1000);
    expect(transport.events()[0]?.release).toBe('shop@1.0.0');
    transport = start({ release: '' });
    captureException(new Error('y'));
    await transport.flush(1000);
    expect(transport.events()[0]?.release).toBeUndefined();
  });

  it('falls back to npm’s package variables, then to the nearest package.json', () => {
    expect(detectRelease({ npm_package_name: '@acme/shop', npm_package_version: '2.1.0' }, '/')).toBe(
      'shop@2.1.0',
    );
    const dir = tempDir();
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'billing', version: '0.4.2' }));
    mkdirSync(join(dir, 'src/jobs'), { recursive: true });
    expect(detectRelease({}, join(dir, 'src/jobs'))).toBe('billing@0.4.2');
  });

  it('prefers a CI commit to the package version, and names none without either', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'billing', version: '0.4.2' }));
    expect(detectRelease({ CI_COMMIT_SHA: 'abc' }, dir)).toBe('abc');
    const bare = tempDir();
    writeFileSync(join(bare, 'package.json'), '{"private": true}');
    expect(detectRelease({}, bare)).toBeUndefined();
    writeFileSync(join(bare, 'package.json'), '{not json');
    expect(detectRelease({}, bare)).toBeUndefined();
  });
});
