/**
 * `faultline-symbolicate` on the minified-bundle frames Chromium, Firefox ESR and WebKitGTK
 * printed (recorded by record-stacks.mjs): each maps back to the original TypeScript line and
 * function, through the bundle's debug ID alone.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackFrame } from '@faultline/core';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStackFrames } from '../src/stack-frames.js';
import { symbolicate } from '../src/symbolicate.js';

const dir = fileURLToPath(new URL('../../core/test/fixtures/stacks/', import.meta.url));
const map = JSON.parse(readFileSync(join(dir, 'bundle/cart.min.js.map'), 'utf8')) as { debugId: string };
const source = readFileSync(join(dir, 'bundle/cart.ts'), 'utf8').split('\n');
const THROW_LINE = source.findIndex((line) => line.includes('throw new Error')) + 1;

// Only the map, under a name no frame points at: a match can come from the debug ID alone.
const mapsDir = mkdtempSync(join(tmpdir(), 'faultline-maps-'));
copyFileSync(join(dir, 'bundle/cart.min.js.map'), join(mapsDir, 'release-4711.js.map'));
afterAll(() => rmSync(mapsDir, { recursive: true, force: true }));

const recordings = readdirSync(dir)
  .filter((file) => file.endsWith('.json'))
  .map(
    (file) =>
      JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
        engine: string;
        samples: Record<string, string>;
      },
  );

describe.each(recordings.map((r) => [r.engine, r.samples.minified!] as const))(
  '%s minified bundle',
  (_engine, stack) => {
    it('maps the throw site to the original TypeScript file, line and function by debug ID', () => {
      const frames = parseStackFrames({ stack, message: '' });
      expect(frames.at(-1)).toMatchObject({ filename: 'http://stacks.test/cart.min.js', lineno: 2 });
      const event = {
        exception: { values: [{ type: 'Error', value: 'bad quantity for A-1', stacktrace: { frames } }] },
        debug_meta: {
          images: [{ type: 'sourcemap', code_file: 'http://stacks.test/cart.min.js', debug_id: map.debugId }],
        },
      };
      const result = symbolicate(JSON.stringify(event), mapsDir, { cwd: mapsDir });
      const resolved = JSON.parse(String(result.output)).exception.values[0].stacktrace
        .frames as StackFrame[];
      expect(resolved.at(-1)).toMatchObject({
        function: 'checkQuantity',
        lineno: THROW_LINE,
        context_line: source[THROW_LINE - 1],
      });
      expect(resolved.at(-1)?.filename).toMatch(/cart\.ts$/);
      expect(resolved.map((f) => f.function)).toContain('totalOf');
    });
  },
);
