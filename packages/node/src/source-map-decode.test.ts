import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { SourceMapConsumer } from 'source-map-js';
import { describe, expect, it } from 'vitest';
import { LEAST_UPPER_BOUND, readSourceMap, type SourceMapReader } from './source-map-decode.js';

// Our reader is checked against source-map-js (an independent implementation) on real maps.
const CORE = fileURLToPath(new URL('../../core/src/index.ts', import.meta.url));

function bundleMap(minify: boolean): { code: string; map: Record<string, any> } {
  const out = buildSync({
    entryPoints: [CORE],
    bundle: true,
    minify,
    format: 'cjs',
    sourcemap: 'external',
    sourcesContent: true,
    outfile: 'out.js',
    write: false,
    logLevel: 'silent',
  });
  const text = (suffix: string) => out.outputFiles.find((f) => f.path.endsWith(suffix))?.text ?? '';
  return { code: text('out.js'), map: JSON.parse(text('out.js.map')) };
}

/** What map-frames asks: the mapping at or left of the column, else the first one right of it. */
function lookup(
  map: { originalPositionFor: SourceMapReader['originalPositionFor'] },
  line: number,
  column: number,
) {
  let found = map.originalPositionFor({ line, column });
  if (found.source == null) found = map.originalPositionFor({ line, column, bias: LEAST_UPPER_BOUND });
  return found;
}

/** Positions to probe: every line, at its start, its end, and columns spread along it. */
function* positions(code: string, perLine: number): Generator<[number, number]> {
  const lines = code.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const length = lines[i]?.length ?? 0;
    const step = Math.max(1, Math.floor(length / perLine));
    for (let column = 0; column <= length; column += step) yield [i + 1, column];
    yield [i + 1, length + 5];
  }
}

function compare(code: string, map: Record<string, any>, perLine: number): number {
  const ours = readSourceMap(map);
  const theirs = new SourceMapConsumer(map as never);
  let compared = 0;
  for (const [line, column] of positions(code, perLine)) {
    const expected = lookup(theirs as never, line, column);
    const actual = lookup(ours, line, column);
    expect({ at: [line, column], ...actual }).toEqual({ at: [line, column], ...expected });
    if (actual.source !== null) compared++;
  }
  return compared;
}

describe('source map reader', () => {
  it('finds the same original positions and names as source-map-js in a bundle', () => {
    const { code, map } = bundleMap(false);
    expect(compare(code, map, 8)).toBeGreaterThan(1000);
  });

  it('does so in a minified bundle (one long line, names)', () => {
    const { code, map } = bundleMap(true);
    expect(map.names.length).toBeGreaterThan(100);
    expect(compare(code, map, 4000)).toBeGreaterThan(1000);
  });

  it('returns the embedded source of a position', () => {
    const { code, map } = bundleMap(false);
    const ours = readSourceMap(map);
    const line = code.split('\n').findIndex((l) => l.includes('function parseDsn')) + 1;
    const found = ours.originalPositionFor({ line, column: 2 });
    expect(found.source).toMatch(/dsn\.ts$/);
    const content = ours.sourceContentFor(found.source as string);
    expect(content?.split('\n')[(found.line as number) - 1]).toContain('parseDsn');
    expect(ours.sourceContentFor('no/such/file.ts')).toBeUndefined();
  });

  it('reads index maps (sections) as source-map-js does', () => {
    const a = bundleMap(false);
    const b = bundleMap(true);
    const firstLines = a.code.split('\n').length;
    const indexMap = {
      version: 3,
      sections: [
        { offset: { line: 0, column: 0 }, map: a.map },
        { offset: { line: firstLines, column: 10 }, map: b.map },
      ],
    };
    const code = `${a.code}\n${' '.repeat(10)}${b.code}`;
    expect(compare(code, indexMap, 200)).toBeGreaterThan(1000);
  });

  it('agrees on segments without a source, repeated columns, unsorted segments and empty lines', () => {
    // Line 1: a segment without a source at column 0, then two at column 4 (different names),
    // then one at column 2 written after them; line 2 empty; line 3 one segment at column 6.
    const map = {
      version: 3,
      sources: ['a.ts', 'b.ts'],
      names: ['first', 'second'],
      mappings: 'A,IAAAA,AACAC,FAAAA;;MCCC',
    };
    const code = `${'x'.repeat(12)}\n\n${'y'.repeat(12)}`;
    let probes = 0;
    for (const [line, column] of positions(code, 12)) {
      const ours = lookup(readSourceMap(map), line, column);
      const theirs = lookup(new SourceMapConsumer(map as never) as never, line, column);
      expect({ at: [line, column], ...ours }).toEqual({ at: [line, column], ...theirs });
      probes++;
    }
    expect(probes).toBeGreaterThan(20);
  });

  it('prefixes relative sources with sourceRoot, and leaves absolute ones alone', () => {
    const map = {
      version: 3,
      sourceRoot: '/app/src',
      sources: ['a.ts', '/elsewhere/b.ts'],
      names: [],
      mappings: 'AAAA,KCCA',
    };
    const ours = readSourceMap(map);
    expect(ours.originalPositionFor({ line: 1, column: 0 })).toEqual({
      source: '/app/src/a.ts',
      line: 1,
      column: 0,
      name: null,
    });
    expect(ours.originalPositionFor({ line: 1, column: 7 })).toMatchObject({
      source: '/elsewhere/b.ts',
      line: 2,
    });
    expect(ours.originalPositionFor({ line: 2, column: 0 }).source).toBeNull();
  });

  it('rejects what is not a revision 3 map', () => {
    expect(() => readSourceMap({ version: 2, sources: [], mappings: '' })).toThrow();
    expect(() =>
      readSourceMap({ version: 3, sources: ['a.js'], mappings: 'A!!' }).originalPositionFor({
        line: 1,
        column: 0,
      }),
    ).toThrow();
  });
  it('finds the last line first, then earlier ones, as source-map-js does (a bundle’s first error)', () => {
    const { code, map } = bundleMap(false);
    const ours = readSourceMap(map);
    const theirs = new SourceMapConsumer(map as never);
    const last = code.split('\n').length - 1;
    for (const line of [last, 1, Math.floor(last / 2), last - 1, 2]) {
      for (const column of [0, 2, 10]) {
        expect(lookup(ours, line, column)).toEqual(lookup(theirs as never, line, column));
      }
    }
  });

  it('rejects bad mappings in the lines passed on the way to a later one', () => {
    const read = (mappings: string) => readSourceMap({ version: 3, sources: ['a.js'], names: [], mappings });
    for (const mappings of ['AAAA;A!AA;AAAA', 'AAAA;AA;AAAA', 'AAAA;AAAAAAA;AAAA', 'AAAA;Ag;AAAA']) {
      expect(read(mappings).originalPositionFor({ line: 1, column: 0 }).line).toBe(1);
      expect(() => read(mappings).originalPositionFor({ line: 3, column: 0 })).toThrow();
    }
    expect(read('AAAA;;AACA').originalPositionFor({ line: 3, column: 0 })).toMatchObject({ line: 2 });
    expect(read('AAAA;AACA').originalPositionFor({ line: 9, column: 0 }).source).toBeNull();
  });
});
