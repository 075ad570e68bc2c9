/**
 * Node and the browser read stacks with the same parser: the same stack gives the same frames.
 * Checked on the stacks recorded from Chromium, Firefox ESR and WebKitGTK.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { exceptionFromValue } from '@faultline/core';
import { describe, expect, it } from 'vitest';
import { startReceiver } from '../../../test-utils/receiver.js';
import { mapFrames } from '../src/map-frames.js';
import { parseStackFrames } from '../src/stack-frames.js';
import { runFixture } from './helpers/child.js';

const dir = fileURLToPath(new URL('../../core/test/fixtures/stacks/', import.meta.url));
const samples = readdirSync(dir)
  .filter((file) => file.endsWith('.json'))
  .flatMap((file) => {
    const { engine, samples } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      engine: string;
      samples: Record<string, string>;
    };
    return Object.entries(samples).map(([name, stack]) => [`${engine} ${name}`, stack] as const);
  });

describe('node and browser frames', () => {
  it('covers the recorded stacks of all three engines', () => {
    expect(samples.length).toBeGreaterThanOrEqual(36);
  });

  it.each(samples)('%s: identical', (_name, stack) => {
    const error = Object.assign(new Error('sample'), { stack });
    // The browser builds exceptions with core's default parser.
    const browser =
      exceptionFromValue(error, { mechanism: { type: 'generic' } }).values![0]!.stacktrace?.frames ?? [];
    expect(parseStackFrames(error)).toEqual(browser);
  });
});

describe('file:// frames of ES modules', () => {
  it('get context lines from the file on disk', () => {
    const folder = mkdtempSync(join(tmpdir(), 'faultline-esm-'));
    try {
      const file = join(folder, 'job.mjs');
      writeFileSync(file, ['export function run() {', "  throw new Error('x');", '}', ''].join('\n'));
      const url = pathToFileURL(file).href;
      const frames = parseStackFrames({ stack: `Error: x\n    at run (${url}:2:9)`, message: 'x' });
      expect(frames[0]).toMatchObject({ filename: url, abs_path: url, lineno: 2 });
      const [mapped] = mapFrames(frames, {
        mapFor: () => undefined,
        linesFor: (path) => readFileSync(path, 'utf8').split('\n'),
      });
      expect(mapped).toMatchObject({
        context_line: "  throw new Error('x');",
        pre_context: ['export function run() {'],
      });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('name their file by path in the event, as the same file run as CommonJS does', async () => {
    // A folder whose name V8 percent-encodes in a file:// URL (space, non-ASCII letter).
    const folder = mkdtempSync(join(tmpdir(), 'faultline esm ü-'));
    const receiver = await startReceiver();
    const dist = fileURLToPath(new URL('../dist/', import.meta.url));
    const body = (load: string) =>
      [
        load,
        `sdk.init({ dsn: ${JSON.stringify(receiver.dsn)}, captureUnhandled: false });`,
        'function run() {',
        "  throw new Error('from a module');",
        '}',
        'try { run(); } catch (error) { sdk.captureException(error); }',
        'sdk.flush(5000);',
        '',
      ].join('\n');
    try {
      writeFileSync(
        join(folder, 'job.mjs'),
        body(`import * as sdk from ${JSON.stringify(pathToFileURL(join(dist, 'index.js')).href)};`),
      );
      writeFileSync(
        join(folder, 'job.cjs'),
        body(`const sdk = require(${JSON.stringify(join(dist, 'index.cjs'))});`),
      );
      for (const name of ['job.mjs', 'job.cjs']) {
        const run = await runFixture(join(folder, name), []);
        expect(run.stderr).toBe('');
      }
      await receiver.waitFor(2);
      const tops = receiver
        .events()
        .map((event) => event.exception?.values.at(-1)?.stacktrace?.frames.at(-1));
      expect(tops).toEqual(
        ['job.mjs', 'job.cjs'].map((name) =>
          expect.objectContaining({
            filename: join(folder, name),
            abs_path: join(folder, name),
            function: 'run',
            lineno: 4,
            in_app: true,
            context_line: "  throw new Error('from a module');",
          }),
        ),
      );
    } finally {
      await receiver.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
