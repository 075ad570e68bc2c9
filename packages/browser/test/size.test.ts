import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../scripts/size-check.mjs', import.meta.url));

describe('size budget', () => {
  it('init-only app bundle stays under its gzip -9 ceiling', async () => {
    // The built package, as an app's bundler sees it (`npm test` builds before testing): its
    // ES2020 output is a little larger than the sources.
    const result = await promisify(execFile)(process.execPath, [script, '--analyze']).then(
      ({ stdout }) => ({ code: 0, output: stdout }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({
        code: error.code ?? 1,
        output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
      }),
    );
    expect(result.output).toMatch(/raw \d+ B .* gzip -9 \d+ B .* brotli \d+ B/);
    expect(result.code, result.output).toBe(0);
  });

  it('bundles without a warning from the app bundler', async () => {
    const { measure } = (await import(script)) as { measure: () => Promise<{ warnings: string[] }> };
    const { warnings } = await measure();
    expect(warnings).toEqual([]);
  });
});
