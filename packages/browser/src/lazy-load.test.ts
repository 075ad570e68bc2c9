import { afterEach, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.doUnmock('./pipeline.js');
  vi.restoreAllMocks();
});

it('asks for the pipeline chunk again, then says once that it failed to load and what was lost, and stays off', async () => {
  vi.resetModules();
  let asked = 0;
  vi.doMock('./pipeline.js', () => {
    asked++;
    throw new Error('chunk not found');
  });
  const sdk = await import('./index.js');
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const client = sdk.init({ dsn: 'https://public@o1.ingest.example.com/1' });
  // Until the chunk answers, the SDK counts as on: what is captured now waits for it.
  expect(client.enabled).toBe(true);
  expect(sdk.captureMessage('before')).toMatch(/^[\da-f]{32}$/);
  expect(await client.flush(5000)).toBe(true);
  expect(asked).toBe(3);
  expect(client.enabled).toBe(false);
  expect(sdk.captureMessage('after')).toBe('');
  expect(warn).toHaveBeenCalledTimes(1);
  expect(warn.mock.calls[0]!.slice(0, 2)).toEqual([
    '[Faultline]',
    'SDK disabled: its pipeline failed to load (1 capture lost)',
  ]);
  expect(await sdk.close(100)).toBe(true);
});

it('sends what waited once the chunk loads on a later attempt', async () => {
  vi.resetModules();
  let asked = 0;
  vi.doMock('./pipeline.js', async (load) => {
    if (++asked === 1) throw new Error('network error');
    return load();
  });
  const sdk = await import('./index.js');
  const sent: unknown[] = [];
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const client = sdk.init({
    dsn: 'https://public@o1.ingest.example.com/1',
    transport: () => ({
      send: (envelope: unknown) => void sent.push(envelope),
      recordDroppedEvent: () => undefined,
      flush: async () => true,
      close: async () => true,
      takePending: () => [],
    }),
  });
  const id = sdk.captureMessage('waited');
  expect(await client.flush(5000)).toBe(true);
  expect(asked).toBe(2);
  expect(client.enabled).toBe(true);
  expect(sent).toHaveLength(1);
  expect(JSON.stringify(sent[0])).toContain(id);
  expect(warn).not.toHaveBeenCalled();
  expect(await sdk.close(100)).toBe(true);
});
