import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { createEventEnvelope, type StackFrame, serializeEnvelope } from '@faultline/core';
import { parseEnvelope as sentryParseEnvelope } from '@sentry/core';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStackFrames } from '../src/stack-frames.js';
import { runSymbolicateCli } from '../src/symbolicate-cli.js';

const CART = `export interface Line {
  sku: string;
  quantity: number;
  price?: number;
}

/** A line without a price is a catalogue bug. */
export function priceOf(line: Line): number {
  const pricingKey = '${'sk_'}live_${'4eC39HqLy'}${'jWDarjtT1zdp7dc'}';
  if (line.price === undefined && pricingKey) {
    throw new Error(\`no price for \${line.sku}\`);
  }
  return line.price * line.quantity;
}

export function totalOf(lines: Line[]): number {
  return lines.reduce((sum, line) => sum + priceOf(line), 0);
}
`;

const MAIN = `import { totalOf } from './cart';

export function checkoutButtonClicked(): number {
  const lines = [
    { sku: 'tea', quantity: 1, price: 4 },
    { sku: 'mug', quantity: 2 },
  ];
  return totalOf(lines);
}

(globalThis as unknown as { checkout: () => number }).checkout = checkoutButtonClicked;
`;

const lineOf = (source: string, text: string) => source.split('\n').findIndex((l) => l.includes(text)) + 1;

interface Run {
  stdout: string;
  stderr: string;
  code: number;
}

function cli(args: string[]): Run {
  const out: string[] = [];
  const err: string[] = [];
  const code = runSymbolicateCli(args, {
    stdout: (chunk) => out.push(typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk)),
    stderr: (text) => err.push(text),
    readStdin: () => '',
  });
  return { stdout: out.join(''), stderr: err.join(''), code };
}

describe('faultline-symbolicate', () => {
  let dir: string;
  let dist: string;
  let bundle: string;

  /** Runs the minified bundle as a page would load it from `url`; returns the frames of its error. */
  function minifiedFrames(url: string): { type: string; value: string; frames: StackFrame[] } {
    const context: Record<string, unknown> = {};
    context.globalThis = context;
    runInNewContext(bundle, context, { filename: url });
    try {
      (context.checkout as () => number)();
    } catch (error) {
      return { type: 'Error', value: (error as Error).message, frames: parseStackFrames(error) };
    }
    throw new Error('the fixture did not throw');
  }

  function browserEvent(url: string, extra: Record<string, unknown> = {}) {
    const { type, value, frames } = minifiedFrames(url);
    return {
      event_id: randomUUID().replace(/-/g, ''),
      timestamp: 1_700_000_000,
      platform: 'javascript',
      level: 'error',
      exception: {
        values: [{ type, value, mechanism: { type: 'onerror', handled: false }, stacktrace: { frames } }],
      },
      ...extra,
    };
  }

  function expectOriginal(frames: Array<Record<string, any>>) {
    const cart = join(dir, 'src', 'cart.ts');
    const top = frames.at(-1);
    expect(top).toMatchObject({ filename: cart, abs_path: cart, lineno: lineOf(CART, 'throw new Error') });
    expect(top?.function).toBe('priceOf');
    expect(top?.context_line).toBe(CART.split('\n')[lineOf(CART, 'throw new Error') - 1]);
    expect(top?.pre_context).toHaveLength(5);
    const main = frames.find((frame) => frame.filename === join(dir, 'src', 'main.ts'));
    expect(main).toMatchObject({
      lineno: lineOf(MAIN, 'return totalOf(lines)'),
      function: 'checkoutButtonClicked',
    });
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'faultline-symbolicate-'));
    await mkdir(join(dir, 'src'));
    await writeFile(join(dir, 'src', 'cart.ts'), CART);
    await writeFile(join(dir, 'src', 'main.ts'), MAIN);
    dist = join(dir, 'dist');
    buildSync({
      entryPoints: [join(dir, 'src', 'main.ts')],
      outfile: join(dist, 'assets', 'app.min.js'),
      bundle: true,
      minify: true,
      format: 'iife',
      platform: 'browser',
      sourcemap: 'linked',
      logLevel: 'silent',
    });
    bundle = await readFile(join(dist, 'assets', 'app.min.js'), 'utf8');
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('the fixture is really minified: names and positions are not the original ones', () => {
    const top = minifiedFrames('http://127.0.0.1:5173/assets/app.min.js').frames.at(-1);
    expect(top?.filename).toBe('http://127.0.0.1:5173/assets/app.min.js');
    expect(top?.lineno).toBe(1);
    expect(top?.function).not.toBe('priceOf');
  });

  it('resolves a JSON event by the file name of its frames', async () => {
    const eventFile = join(dir, 'event.json');
    await writeFile(eventFile, JSON.stringify(browserEvent('http://127.0.0.1:5173/assets/app.min.js?v=3')));
    const run = cli(['--maps', dist, eventFile]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/resolved \d+ of \d+ frames/);
    const event = JSON.parse(run.stdout);
    expectOriginal(event.exception.values[0].stacktrace.frames);
    expect(event.exception.values[0].value).toBe('no price for mug');
  });

  it('names sources of a webpack map (webpack://app/./src/…) relative to the project, as the docs say', async () => {
    // webpack names sources from the project's folder, not from the map's: `src/cart.ts` is no
    // file beside the map, and the line comes from the map's sourcesContent.
    const webpackDist = join(dir, 'dist-webpack');
    await mkdir(join(webpackDist, 'assets'), { recursive: true });
    const map = JSON.parse(await readFile(join(dist, 'assets', 'app.min.js.map'), 'utf8'));
    map.sources = map.sources.map((source: string) => `webpack://shop/./${source.replace(/^(\.\.\/)+/, '')}`);
    await writeFile(join(webpackDist, 'assets', 'app.min.js'), bundle);
    await writeFile(join(webpackDist, 'assets', 'app.min.js.map'), JSON.stringify(map));
    const eventFile = join(dir, 'event-webpack.json');
    await writeFile(eventFile, JSON.stringify(browserEvent('http://127.0.0.1:5173/assets/app.min.js')));
    const run = cli(['--maps', webpackDist, eventFile]);
    expect(run.code).toBe(0);
    const top = JSON.parse(run.stdout).exception.values[0].stacktrace.frames.at(-1);
    expect(top).toMatchObject({
      filename: 'src/cart.ts',
      lineno: lineOf(CART, 'throw new Error'),
      context_line: CART.split('\n')[lineOf(CART, 'throw new Error') - 1],
    });
  });

  it('scrubs the source lines it prints', async () => {
    const eventFile = join(dir, 'event-scrub.json');
    await writeFile(eventFile, JSON.stringify(browserEvent('http://127.0.0.1:5173/assets/app.min.js')));
    const run = cli(['--maps', dist, eventFile]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('const pricingKey = ');
    expect(run.stdout).not.toContain(['4eC39HqLy', 'jWDarjtT1zdp7dc'].join(''));
  });

  it('resolves by debug id when the served file name matches no map', async () => {
    const debugId = '5c6f1e2a-9b7d-4e3f-a1b2-c3d4e5f60718';
    const idDist = join(dir, 'dist-ids');
    await mkdir(idDist, { recursive: true });
    // What `sentry-cli sourcemaps inject` does: the id in a comment of the bundle and in its map.
    const map = JSON.parse(await readFile(join(dist, 'assets', 'app.min.js.map'), 'utf8'));
    map.debugId = debugId;
    await writeFile(join(idDist, 'bundle.js'), `${bundle}\n//# debugId=${debugId}\n`);
    map.sources = map.sources.map((s: string) => join('..', 'dist', 'assets', s));
    await writeFile(join(idDist, 'bundle.js.map'), JSON.stringify(map));
    const url = 'https://cdn.example.com/build/7f3a9c.js';
    const event = browserEvent(url, {
      debug_meta: { images: [{ type: 'sourcemap', code_file: url, debug_id: debugId }] },
    });
    const eventFile = join(dir, 'event-debug-id.json');
    await writeFile(eventFile, JSON.stringify(event));
    const run = cli(['-m', idDist, eventFile]);
    expect(run.code).toBe(0);
    expectOriginal(JSON.parse(run.stdout).exception.values[0].stacktrace.frames);
  });

  it('rewrites the events inside an envelope and keeps it a valid envelope', async () => {
    const event = browserEvent('http://127.0.0.1:5173/assets/app.min.js');
    const bytes = serializeEnvelope(
      createEventEnvelope(event as never, { sdk: { name: 'faultline.browser', version: '0.1.0' } }),
    );
    const envelopeFile = join(dir, 'event.envelope');
    await writeFile(envelopeFile, bytes);
    const run = cli(['--maps', dist, envelopeFile]);
    expect(run.code).toBe(0);
    const [headers, items] = sentryParseEnvelope(run.stdout);
    expect(headers.event_id).toBe(event.event_id);
    const [itemHeaders, payload] = items[0] as [Record<string, unknown>, unknown];
    expect(itemHeaders.type).toBe('event');
    const parsed = JSON.parse(
      payload instanceof Uint8Array ? new TextDecoder().decode(payload) : JSON.stringify(payload),
    );
    expectOriginal(parsed.exception.values[0].stacktrace.frames);
  });

  it('leaves frames without a map alone and says how many it resolved', async () => {
    const eventFile = join(dir, 'event-other.json');
    await writeFile(eventFile, JSON.stringify(browserEvent('http://127.0.0.1:5173/assets/other.js')));
    const run = cli(['--maps', dist, eventFile]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('resolved 0 of');
    const frames = JSON.parse(run.stdout).exception.values[0].stacktrace.frames;
    expect(frames.at(-1).filename).toBe('http://127.0.0.1:5173/assets/other.js');
  });

  it('explains its usage and fails clearly on bad input', async () => {
    expect(cli([]).code).toBe(2);
    expect(cli(['--help']).stdout).toContain('Usage: faultline-symbolicate');
    const garbage = join(dir, 'garbage.txt');
    await writeFile(garbage, 'not an event');
    const run = cli(['--maps', dist, garbage]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('not a JSON event or an envelope');
    expect(cli(['--maps', join(dir, 'nope'), garbage]).code).toBe(1);
  });
});
