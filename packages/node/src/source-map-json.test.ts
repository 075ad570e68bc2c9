import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { parseSourceMap } from './source-map-file.js';
import { readMapJson } from './source-map-json.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');

/** A real bundle's map: sources of core, with characters beyond ASCII in their text. */
function bundleMap(): string {
  const out = buildSync({
    entryPoints: [fileURLToPath(new URL('../../core/src/index.ts', import.meta.url))],
    bundle: true,
    format: 'cjs',
    sourcemap: 'external',
    sourcesContent: true,
    // Characters beyond ASCII as they are (esbuild escapes them by default), as bundlers that
    // pass on their inputs' maps leave them.
    charset: 'utf8',
    outfile: 'out.js',
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles.find((f) => f.path.endsWith('.map'))?.text ?? '';
}

describe('source map files read from their bytes', () => {
  it('gives the fields and every source text as JSON.parse does, on a real bundle map', () => {
    const text = bundleMap();
    expect(Buffer.byteLength(text)).toBeGreaterThan(text.length);
    const expected = JSON.parse(text);
    const json = readMapJson(bytes(text));
    expect(json?.raw).toEqual({
      version: expected.version,
      sources: expected.sources,
      names: expected.names,
      mappings: expected.mappings,
    });
    expected.sourcesContent.forEach((content: string, i: number) => {
      expect(json?.contentAt(i)).toBe(content);
    });
    expect(json?.contentAt(expected.sourcesContent.length)).toBeUndefined();
  });

  it('follows escapes, spacing, null entries and repeated keys as JSON.parse does', () => {
    const map = {
      version: 3,
      sourceRoot: 'src/',
      sources: ['a "quoted" \\ name.ts', 'b.ts', 'c.ts'],
      sourcesContent: ['ends with a backslash \\', null, 'say "hi" \\"not a quote\\" ✓\n\ttab'],
      names: [],
      mappings: 'AAAA;AACA',
      x_google_ignoreList: [1, { nested: ['[', '{', '"'] }],
      debugId: '85314830-023F-4CF1-8D7A-2A8EDA9E4D2B',
    };
    for (const text of [
      JSON.stringify(map),
      JSON.stringify(map, null, 2),
      JSON.stringify(map).replace('"version":3', '"version":2,"version":3'),
    ]) {
      const json = readMapJson(bytes(text));
      expect(json?.raw).toEqual({
        version: 3,
        sourceRoot: 'src/',
        sources: map.sources,
        names: [],
        mappings: 'AAAA;AACA',
        debugId: map.debugId,
      });
      expect([0, 1, 2].map((i) => json?.contentAt(i))).toEqual(map.sourcesContent);
    }
  });

  it('leaves files that are not one JSON object to JSON.parse', () => {
    for (const text of ['[1]', '{"version":3', '{"version":3}x', '{version:3}', '', '\ufeff{"version":3}']) {
      expect(readMapJson(bytes(text))).toBeUndefined();
    }
    expect(readMapJson(bytes(' {} '))?.raw).toEqual({});
  });

  it('resolves positions and source text the same from bytes as from text', () => {
    const text = bundleMap();
    const fromText = parseSourceMap(text, '/app');
    const fromBytes = parseSourceMap(bytes(text), '/app');
    const raw = JSON.parse(text);
    const lines = raw.mappings.split(';').length;
    for (const line of [1, 2, Math.floor(lines / 2), lines - 1, lines]) {
      for (const column of [0, 4, 30]) {
        const position = { line, column };
        const found = fromText?.consumer.originalPositionFor(position);
        expect(fromBytes?.consumer.originalPositionFor(position)).toEqual(found);
        if (found?.source)
          expect(fromBytes?.consumer.sourceContentFor(found.source)).toBe(
            fromText?.consumer.sourceContentFor(found.source),
          );
      }
    }
    // Not a usable map either way.
    expect(parseSourceMap(bytes('{"version":3,"mappings":""}'), '/app')).toBeUndefined();
    expect(parseSourceMap(bytes('{"version":3,"sources":[],"mappings":"A'), '/app')).toBeUndefined();
  });
});
