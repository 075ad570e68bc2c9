import { describe, expect, it } from 'vitest';
import { decodeDataUrl, findDebugId, findSourceMappingUrl, resolveSourcePath } from './source-map-file.js';

describe('source map references', () => {
  it('takes the last sourceMappingURL comment, in either comment style', () => {
    expect(
      findSourceMappingUrl('a();\n//# sourceMappingURL=old.js.map\nb();\n//# sourceMappingURL=app.js.map\n'),
    ).toBe('app.js.map');
    expect(findSourceMappingUrl('a();\n/*# sourceMappingURL=app.css.map */')).toBe('app.css.map');
    expect(findSourceMappingUrl('const s = "sourceMappingURL=nope";')).toBeUndefined();
  });

  it('decodes base64 and percent-encoded data URLs', () => {
    const json = '{"version":3}';
    expect(decodeDataUrl(`data:application/json;charset=utf-8;base64,${btoa(json)}`)).toBe(json);
    expect(decodeDataUrl(`data:application/json,${encodeURIComponent(json)}`)).toBe(json);
    expect(decodeDataUrl('app.js.map')).toBeUndefined();
  });

  it('reads debug ids in either form', () => {
    expect(findDebugId('x();\n//# debugId=85314830-023F-4CF1-8D7A-2A8EDA9E4D2B\n')).toBe(
      '85314830-023f-4cf1-8d7a-2a8eda9e4d2b',
    );
    expect(findDebugId('x();\n//# debugId=85314830023f4cf18d7a2a8eda9e4d2b')).toBe(
      '85314830-023f-4cf1-8d7a-2a8eda9e4d2b',
    );
    expect(findDebugId('x();')).toBeUndefined();
  });

  it('resolves sources relative to the map, file URLs and bundler namespaces', () => {
    expect(resolveSourcePath('../src/a.ts', '/app/dist')).toEqual({
      display: '/app/src/a.ts',
      path: '/app/src/a.ts',
    });
    expect(resolveSourcePath('file:///app/src/a.ts', '/x')).toEqual({
      display: '/app/src/a.ts',
      path: '/app/src/a.ts',
    });
    expect(resolveSourcePath('webpack://shop/./src/a.ts', '/app')).toEqual({
      display: 'src/a.ts',
      path: '/app/src/a.ts',
    });
    expect(resolveSourcePath('https://cdn.example.com/a.ts', '/app')).toEqual({
      display: 'https://cdn.example.com/a.ts',
    });
  });
});
