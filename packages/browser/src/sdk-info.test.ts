import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SDK_INFO, SDK_VERSION } from './sdk-info.js';

describe('sdk info', () => {
  it('reports the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(SDK_VERSION).toBe(pkg.version);
    expect(SDK_INFO).toEqual({ name: 'faultline.browser', version: pkg.version });
  });
});
