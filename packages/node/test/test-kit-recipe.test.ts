import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { assertNoSecrets, createTestTransport } from '@faultline/core/testing';
import express from 'express';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { close, expressErrorHandler, expressRequestHandler, init } from '../src/index.js';

// The "Testing your app" recipe of the README, as written: one transport per file, `init` in
// beforeEach, `close()` in afterEach. Every test must see its own events, not only the first.
describe('the README test kit recipe', () => {
  const transport = createTestTransport();
  let server: Server;
  let base = '';

  beforeAll(async () => {
    const app = express();
    app.use(expressRequestHandler());
    app.post('/checkout', () => {
      throw new Error('checkout failed');
    });
    app.use(expressErrorHandler());
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  beforeEach(() => {
    transport.clear();
    init({ dsn: 'https://public@example.invalid/1', transport: () => transport });
  });
  afterEach(() => close());

  for (const name of ['first', 'second', 'third']) {
    it(`reports a failed checkout without the card number (${name} test)`, async () => {
      const res = await fetch(`${base}/checkout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ card: '4111111111111111' }),
      });
      expect(res.status).toBe(500);
      expect(transport.events()).toHaveLength(1);
      expect(transport.events()[0]?.transaction).toBe('POST /checkout');
      for (const bytes of transport.raw) assertNoSecrets(bytes, ['4111111111111111']);
    });
  }
});

// The test snippet of packages/core/README.md, run as written (its imports pointed at the built
// packages): the secret it plants must pass `assertNoSecrets`, context lines of the snippet included.
describe('the core README test snippet', () => {
  it('passes as written', async () => {
    const readme = readFileSync(new URL('../../core/README.md', import.meta.url), 'utf8');
    const code = /## Testing your app[^\n]*\n+```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(code).toContain('assertNoSecrets(');
    const built = (path: string) => pathToFileURL(fileURLToPath(new URL(path, import.meta.url))).href;
    const file = join(mkdtempSync(join(tmpdir(), 'faultline-readme-')), 'snippet.mjs');
    writeFileSync(
      file,
      code
        .replace("'@faultline/core/testing'", `'${built('../../core/dist/testing/index.js')}'`)
        .replace("'@faultline/node'", `'${built('../dist/index.js')}'`),
    );
    const scope = globalThis as { expect?: unknown };
    scope.expect = expect;
    try {
      await import(pathToFileURL(file).href);
    } finally {
      delete scope.expect;
      rmSync(dirname(file), { recursive: true, force: true });
    }
  });
});
