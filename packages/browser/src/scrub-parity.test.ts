import { afterEach, describe, expect, it, vi } from 'vitest';
import { benignTexts, leaked, plantedLeaks, plantedTexts } from '../../core/src/scrub-corpus.js';
import { memoryTransport } from '../test/memory-transport.js';
import {
  addBreadcrumb,
  captureException,
  captureMessage,
  close,
  flush,
  init,
  setContext,
  setExtra,
  setTag,
  withScope,
} from './index.js';

afterEach(async () => {
  await close(0);
  vi.restoreAllMocks();
});

describe('browser public API: scrubber corpus', () => {
  it('no corpus credential reaches the sent envelope, whichever field carries it', {
    timeout: 120_000,
  }, async () => {
    const memory = memoryTransport();
    init({ transport: memory.transport, maxBreadcrumbs: 3 });
    const planted = plantedTexts([1]).filter((_, i) => i % 3 === 0);
    for (const [i, { text }] of planted.entries()) {
      // The client holds a bounded number of events in flight.
      if (i % 50 === 0) await flush(5000);
      withScope(() => {
        setTag('note', text.slice(0, 180));
        setExtra('detail', text);
        setContext('job', { args: text });
        addBreadcrumb({ message: text, data: { url: `https://x.io/?q=${encodeURIComponent(text)}` } });
        captureException(new Error(text, { cause: new Error(text) }));
      });
    }
    expect(await flush(5000)).toBe(true);
    const sent = JSON.stringify(memory.envelopes);
    expect(memory.events().length).toBe(planted.length);
    const leaks = planted.map(({ secret }) => leaked(sent, secret)).filter((piece) => piece !== undefined);
    expect(leaks).toEqual([]);
  });

  it('no leak-corpus secret (prose, YAML, URLs, command lines, bodies) reaches the sent envelope', async () => {
    const memory = memoryTransport();
    init({ transport: memory.transport, maxBreadcrumbs: 3 });
    const planted = plantedLeaks([1]);
    for (const [i, { text }] of planted.entries()) {
      if (i % 50 === 0) await flush(5000);
      withScope(() => {
        setExtra('detail', text);
        captureMessage(text);
      });
    }
    expect(await flush(5000)).toBe(true);
    const sent = JSON.stringify(memory.envelopes);
    expect(memory.events().length).toBe(planted.length);
    const leaks = planted.filter(
      ({ secret }) => leaked(sent, secret) ?? leaked(sent, encodeURIComponent(secret)),
    );
    expect(leaks).toEqual([]);
  });

  it('every benign text arrives verbatim', async () => {
    const memory = memoryTransport();
    init({ transport: memory.transport });
    const texts = benignTexts();
    for (const [i, text] of texts.entries()) {
      // The client holds a bounded number of events in flight.
      if (i % 50 === 0) await flush(5000);
      captureMessage(text);
    }
    expect(await flush(5000)).toBe(true);
    expect(memory.events().map((e) => e.message)).toEqual(texts);
  });

  it('a malformed scrub option is named once; events are still sent and scrubbed', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const memory = memoryTransport();
    expect(init({ transport: memory.transport, scrub: { allowKeys: 'token' as never } })).toBeDefined();
    captureMessage('login failed: token=t0k3n99');
    expect(await flush(1000)).toBe(true);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.join(' ')).toContain('option "scrub.allowKeys" must be an array of strings');
    expect(memory.events()[0]?.message).toBe('login failed: token=[Filtered]');
  });
});
