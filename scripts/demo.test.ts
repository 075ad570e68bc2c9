import { describe, expect, it } from 'vitest';
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
    expect(result.ok).toBe(true);
  }, 120_000);
});
