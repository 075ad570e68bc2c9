import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient } from './client.js';

afterEach(() => vi.restoreAllMocks());

describe('debug logging of drops', () => {
  it('logs an event dropped by a rate limit once', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(args.join(' '));
    });
    const client = createClient(
      { dsn: 'https://public@example.invalid/1', debug: true },
      {
        platform: 'node',
        sdk: { name: 'faultline.test', version: '0.0.0' },
        createExecutor: () => ({
          send: async () => ({ status: 429, headers: { 'retry-after': '60' } }),
        }),
      },
    );
    client.captureException(new Error('first, answered 429'));
    expect(await client.flush(1000)).toBe(true);
    lines.length = 0;
    client.captureException(new Error('second, dropped while limited'));
    expect(lines.filter((line) => line.includes('ratelimit_backoff'))).toHaveLength(1);
  });
});
