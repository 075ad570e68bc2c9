import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { SDK_INFO, SDK_VERSION } from './sdk-info.js';

it('reports the version in package.json', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  expect(SDK_VERSION).toBe(pkg.version);
  expect(SDK_INFO).toEqual({ name: 'faultline.node', version: pkg.version });
});
