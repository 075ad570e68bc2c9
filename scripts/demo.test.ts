import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without type declarations
import { CHROMIUM } from './demo/browser-suite.mjs';
// @ts-expect-error: a plain ES module without type declarations
import { runDemo } from './demo/run.mjs';

describe('npm run demo', () => {
  it('drives every example and gets exactly what it expects', async () => {
    let output = '';
    const result = await runDemo({
      write: (text: string) => {
        output += text;
      },
    });
    const failed = result.rows.filter((row: { ok?: boolean }) => row.ok === false);
    expect(failed, output).toEqual([]);
    // A suite that did not run proves nothing: only the browser one may be missing, and only
    // where there is no Chromium.
    const notRun = result.rows
      .filter((row: { ok?: boolean }) => row.ok === undefined)
      .map((row: { suite: string }) => row.suite);
    expect(notRun, output).toEqual(existsSync(CHROMIUM) ? [] : ['browser']);
    expect(result.ok).toBe(true);
  }, 120_000);
});
