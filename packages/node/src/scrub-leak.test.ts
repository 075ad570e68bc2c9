import { createTestTransport, type TestTransport } from '@faultline/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { benignTexts, leaked, plantedLeaks, plantedTexts } from '../../core/src/scrub-corpus.js';
import {
  addBreadcrumb,
  captureCheckIn,
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

function start(): TestTransport {
  const transport = createTestTransport();
  init({ transport: () => transport, breadcrumbs: { console: false }, maxBreadcrumbs: 3 });
  return transport;
}

afterEach(async () => {
  await close();
});

describe('node public API: scrubber corpus', () => {
  // Each field once per provider and planting style (the full corpus runs through the scrubber in core).
  it('no corpus credential reaches the sent bytes, whichever field carries it', {
    timeout: 120_000,
  }, async () => {
    const transport = start();
    const planted = plantedTexts([1]).filter((_, i) => i % 11 === 0);
    for (const { text } of planted) {
      withScope(() => {
        setTag('note', text.slice(0, 180));
        setExtra('detail', text);
        setContext('job', { args: text });
        addBreadcrumb({ message: text, data: { line: text } });
        captureMessage(text);
      });
      captureCheckIn({ monitorSlug: text.slice(0, 40), status: 'ok' });
    }
    // Exception values and causes take the same path; a sample keeps the run short.
    for (const { text } of planted.filter((_, i) => i % 4 === 0)) {
      captureException(new Error(text, { cause: new Error(text) }));
    }
    expect(await flush(5000)).toBe(true);
    const sent = transport.raw.map((bytes) => new TextDecoder().decode(bytes)).join('\n');
    expect(sent.length).toBeGreaterThan(planted.length * 100);
    const leaks = planted.map(({ secret }) => leaked(sent, secret)).filter((piece) => piece !== undefined);
    expect(leaks).toEqual([]);
  });

  it('no leak-corpus secret (prose, YAML, URLs, command lines, bodies) reaches the sent bytes', async () => {
    const transport = start();
    const planted = plantedLeaks([1]);
    for (const { text } of planted) {
      withScope(() => {
        setExtra('detail', text);
        captureMessage(text);
      });
    }
    expect(await flush(5000)).toBe(true);
    const sent = transport.raw.map((bytes) => new TextDecoder().decode(bytes)).join('\n');
    expect(transport.events().length).toBe(planted.length);
    const leaks = planted.filter(
      ({ secret }) => leaked(sent, secret) ?? leaked(sent, encodeURIComponent(secret)),
    );
    expect(leaks).toEqual([]);
  });

  it('every benign text arrives verbatim', async () => {
    const transport = start();
    const texts = benignTexts();
    for (const text of texts) captureMessage(text);
    expect(await flush(5000)).toBe(true);
    expect(transport.events().map((e) => e.message)).toEqual(texts);
  });
});
