import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { type Receiver, startReceiver } from '../../../test-utils/receiver.js';
import { captureException, close, init, sourceMapsIntegration } from '../src/index.js';
import { eventsParsedBySentry } from './http-helpers.js';

// A bundled app's map easily passes 4 MiB (an esbuild bundle of express with the SDK did);
// such a map must still resolve frames, and a map that is skipped must say why in debug output.
const SOURCE = `export function fail(): never {
  // a line that only the original has
  throw new Error('bundled failure');
}
`;

let dir: string;
let file: string;
let receiver: Receiver;
const load = createRequire(import.meta.url);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-large-map-'));
  await mkdir(join(dir, 'src'));
  await writeFile(join(dir, 'src', 'app.ts'), SOURCE);
  file = join(dir, 'build', 'server.js');
  buildSync({
    entryPoints: [join(dir, 'src', 'app.ts')],
    outfile: file,
    format: 'cjs',
    platform: 'node',
    sourcemap: 'linked',
    logLevel: 'silent',
  });
  // Grow the map past 4 MiB the way a bundle does: a large extra source in it.
  const map = JSON.parse(await readFile(`${file}.map`, 'utf8'));
  map.sources.push('../node_modules/big/index.js');
  map.sourcesContent.push('// vendored\n'.repeat(500_000));
  await writeFile(`${file}.map`, JSON.stringify(map));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  vi.restoreAllMocks();
  await close(1000);
  await receiver.close();
});

async function topFrameOfFailure(): Promise<Record<string, any> | undefined> {
  const { fail } = load(file) as { fail(): never };
  try {
    fail();
  } catch (error) {
    captureException(error);
  }
  await receiver.waitFor(1);
  return eventsParsedBySentry(receiver.requests)[0]?.exception.values.at(-1).stacktrace.frames.at(-1);
}

it('resolves frames through a source map over 4 MiB', async () => {
  expect((await readFile(`${file}.map`)).byteLength).toBeGreaterThan(4 * 1024 * 1024);
  receiver = await startReceiver();
  init({ dsn: receiver.dsn, captureUnhandled: false, exitFlushTimeoutMs: 0 });
  const top = await topFrameOfFailure();
  expect(top).toMatchObject({ filename: join(dir, 'src', 'app.ts'), lineno: 3 });
  expect(top?.context_line).toBe("  throw new Error('bundled failure');");
});

it('says in debug output when a map is skipped for its size', async () => {
  const printed: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.join(' ')));
  receiver = await startReceiver();
  init({
    dsn: receiver.dsn,
    debug: true,
    captureUnhandled: false,
    exitFlushTimeoutMs: 0,
    integrations: (defaults) =>
      defaults.map((i) =>
        i.name === 'SourceMaps' ? sourceMapsIntegration({ maxMapBytes: 1024 * 1024 }) : i,
      ),
  });
  const top = await topFrameOfFailure();
  expect(top?.filename).toBe(file);
  expect(printed.some((line) => line.includes('source map skipped') && line.includes(`${file}.map`))).toBe(
    true,
  );
});
