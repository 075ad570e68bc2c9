import { mkdir, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../../../test-utils/receiver.js';
import { captureException, close, flush, init } from '../src/index.js';
import { eventsParsedBySentry } from './http-helpers.js';

/** A small TypeScript module: types and comments make compiled and original lines differ. */
const SOURCE = `interface Order {
  id: string;
  lines?: Array<{ sku: string; quantity: number }>;
}

type Money = number;

/** Sums the order; orders without lines are a bug upstream. */
export function totalOf(order: Order): Money {
  const lines = order.lines ?? [];
  if (lines.length === 0) {
    throw new Error(\`order \${order.id} has no lines\`);
  }
  return lines.reduce((sum, line) => sum + line.quantity, 0);
}

export class Checkout {
  constructor(private readonly currency: string) {}

  run(order: Order): string {
    const total: Money = totalOf(order);
    return \`\${total} \${this.currency}\`;
  }
}
`;
const THROW_LINE = SOURCE.split('\n').findIndex((line) => line.includes('throw new Error')) + 1;
const THROW_TEXT = SOURCE.split('\n')[THROW_LINE - 1];
const CALL_LINE = SOURCE.split('\n').findIndex((line) => line.includes('= totalOf(order)')) + 1;

type Fixture = { Checkout: new (currency: string) => { run(order: { id: string }): string } };

describe('source maps and context lines', () => {
  let dir: string;
  let receiver: Receiver;
  const load = createRequire(import.meta.url);

  /** Compiles the fixture with esbuild into `out/checkout.js` (CommonJS, loaded by Node itself). */
  function compile(out: string, sourcemap: 'linked' | 'inline' | 'external' | false, sourcesContent = true) {
    const outfile = join(dir, out, 'checkout.js');
    buildSync({
      entryPoints: [join(dir, 'src', 'checkout.ts')],
      outfile,
      format: 'cjs',
      platform: 'node',
      sourcemap,
      sourcesContent,
      logLevel: 'silent',
    });
    return outfile;
  }

  async function failIn(file: string): Promise<Array<Record<string, any>>> {
    receiver.clear();
    const { Checkout } = load(file) as Fixture;
    try {
      new Checkout('EUR').run({ id: 'o-17' });
    } catch (error) {
      captureException(error);
    }
    await receiver.waitFor(1);
    const [event] = eventsParsedBySentry(receiver.requests);
    return event?.exception.values.at(-1).stacktrace.frames;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'faultline-maps-'));
    await mkdir(join(dir, 'src'));
    await writeFile(join(dir, 'src', 'checkout.ts'), SOURCE);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    receiver = await startReceiver();
    init({ dsn: receiver.dsn, captureUnhandled: false, exitFlushTimeoutMs: 0, dedupe: false });
  });

  afterEach(async () => {
    await close(1000);
    await receiver.close();
  });

  function expectOriginal(frames: Array<Record<string, any>>) {
    const original = join(dir, 'src', 'checkout.ts');
    const top = frames.at(-1);
    expect(top).toMatchObject({ filename: original, abs_path: original, lineno: THROW_LINE, in_app: true });
    expect(top?.function).toBe('totalOf');
    expect(top?.context_line).toBe(THROW_TEXT);
    expect(top?.pre_context).toEqual(SOURCE.split('\n').slice(THROW_LINE - 6, THROW_LINE - 1));
    expect(top?.post_context).toEqual(SOURCE.split('\n').slice(THROW_LINE, THROW_LINE + 5));
    const caller = frames.at(-2);
    expect(caller).toMatchObject({ filename: original, lineno: CALL_LINE, function: 'Checkout.run' });
    expect(caller?.context_line).toContain('const total: Money = totalOf(order);');
  }

  it('resolves frames through a .map file named by sourceMappingURL', async () => {
    expectOriginal(await failIn(compile('linked', 'linked')));
  });

  it('resolves frames through an inline data-URL map', async () => {
    expectOriginal(await failIn(compile('inline', 'inline')));
  });

  it('finds a .map beside the file without a sourceMappingURL comment', async () => {
    expectOriginal(await failIn(compile('external', 'external')));
  });

  it('reads the original source from disk when the map has no sourcesContent', async () => {
    expectOriginal(await failIn(compile('no-content', 'linked', false)));
  });

  it('keeps maps cached: a deleted map still resolves the next error', async () => {
    const file = compile('cached', 'linked');
    expectOriginal(await failIn(file));
    await unlink(`${file}.map`);
    expectOriginal(await failIn(file));
  });

  it('adds context lines from the file itself when there is no map', async () => {
    const file = compile('plain', false);
    const top = (await failIn(file)).at(-1);
    expect(top?.filename).toBe(file);
    expect(top?.context_line).toContain(THROW_TEXT?.trim());
    expect(top?.pre_context).toHaveLength(5);
  });

  it("keeps a dependency's frames at their compiled position, its map unread, with context from the file", async () => {
    // A library compiled from TypeScript ships its map beside its output; mapping it costs the
    // first event a read and a decode and adds nothing the app's own frames need.
    const file = compile(join('node_modules', 'checkout-lib'), 'linked');
    const compiledLines = (await readFile(file, 'utf8')).split('\n');
    const throwAt = compiledLines.findIndex((line) => line.includes('throw new Error')) + 1;
    const frames = await failIn(file);
    const top = frames.at(-1);
    expect(top).toMatchObject({ filename: file, lineno: throwAt, in_app: false });
    expect(top?.context_line).toBe(compiledLines[throwAt - 1]);
    expect(frames.some((frame) => String(frame.filename).endsWith('checkout.ts'))).toBe(false);
    // The same code outside node_modules is mapped, as the tests above show.
    expectOriginal(await failIn(compile('app-copy', 'linked')));
  });

  it('leaves frames alone when a map is broken', async () => {
    const file = compile('broken', 'linked');
    await writeFile(`${file}.map`, '{"version":3,"sources":');
    const top = (await failIn(file)).at(-1);
    expect(top?.filename).toBe(file);
    expect(top?.context_line).toContain('throw new Error');
    expect(await flush(1000)).toBe(true);
  });
});
