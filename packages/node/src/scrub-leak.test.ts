import { inspect } from 'node:util';
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

  it('a secret written out in hex bytes does not reach the sent bytes: a logged Buffer, an S3 signature error', async () => {
    const transport = start();
    const password = 'hunter2-Rx9vQ';
    const token = 'IQoJb3JpZ2luX2VjEHoaCXVzLWVhc3QtMSJHMEUCIQDf8Yq1kJx2b9P0aZ4tT2Jq3nJ0h7oX3x9vQ3aL5yZk';
    // What an app logs: the body it sent, as Node prints a Buffer.
    const body = inspect(Buffer.from(`user=jane&password=${password}`));
    addBreadcrumb({ category: 'console', message: `upstream 401 for ${body}` });
    // S3's answer to a bad signature spells out the request it signed, session token included, in hex.
    const signed = `GET\n/reports/q3.csv\n\nhost:s3.amazonaws.com\nx-amz-security-token:${token}\n\nhost;x-amz-security-token\nUNSIGNED-PAYLOAD`;
    const bytes = Buffer.from(signed)
      .toString('hex')
      .replace(/..(?!$)/g, '$& ');
    captureMessage(
      `S3 said: <Error><Code>SignatureDoesNotMatch</Code><CanonicalRequestBytes>${bytes}</CanonicalRequestBytes><RequestId>4442587FB7D0A2F9</RequestId></Error>`,
    );
    expect(await flush(5000)).toBe(true);
    const sent = transport.raw.map((bytes) => new TextDecoder().decode(bytes)).join('\n');
    expect(sent).toContain('<RequestId>4442587FB7D0A2F9</RequestId>');
    expect(sent).toContain('upstream 401 for <Buffer [Filtered]');
    for (const secret of [password, token]) {
      expect(sent).not.toContain(secret);
      // Nor any 8 bytes of it in hex, spaced or not.
      const hex = Buffer.from(secret).toString('hex');
      for (let at = 0; at + 16 <= hex.length; at += 2) {
        const piece = hex.slice(at, at + 16);
        expect(sent).not.toContain(piece);
        expect(sent).not.toContain(piece.replace(/..(?!$)/g, '$& '));
      }
    }
  });

  it('every benign text arrives verbatim', async () => {
    const transport = start();
    const texts = benignTexts();
    for (const text of texts) captureMessage(text);
    expect(await flush(5000)).toBe(true);
    expect(transport.events().map((e) => e.message)).toEqual(texts);
  });
});
