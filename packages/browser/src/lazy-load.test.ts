import { afterEach, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.doUnmock('./pipeline.js');
  vi.restoreAllMocks();
});

it('says once that the pipeline chunk failed to load, and stays off', async () => {
  vi.resetModules();
  vi.doMock('./pipeline.js', () => {
    throw new Error('chunk not found');
  });
  const sdk = await import('./index.js');
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const client = sdk.init({ dsn: 'https://public@o1.ingest.example.com/1' });
  // Until the chunk answers, the SDK counts as on: what is captured now waits for it.
  expect(client.enabled).toBe(true);
  expect(sdk.captureMessage('before')).toMatch(/^[\da-f]{32}$/);
  expect(await client.flush(5000)).toBe(true);
  expect(client.enabled).toBe(false);
  expect(sdk.captureMessage('after')).toBe('');
  expect(warn).toHaveBeenCalledTimes(1);
  expect(warn.mock.calls[0]!.slice(0, 2)).toEqual([
    '[Faultline]',
    'SDK disabled: its pipeline failed to load',
  ]);
  expect(await sdk.close(100)).toBe(true);
});
