import { describe, expect, it } from 'vitest';
import { FILTERED, scrubString } from './scrub.js';
import {
  BENIGN,
  type LeakCase,
  leakCases,
  leaked,
  leakPlantings,
  plantings,
  type VendorCase,
  vendorCases,
} from './scrub-corpus.js';

const CASES = [1, 2, 3].flatMap((seed) => vendorCases(seed));

describe('vendor credential corpus', () => {
  it('covers at least 40 providers across cloud, VCS, payment, chat, mail, AI and registries', () => {
    const providers = new Set(CASES.map((c) => c.provider));
    expect(providers.size).toBeGreaterThanOrEqual(40);
    expect(
      new Set(CASES.filter((c) => c.found === 'shape').map((c) => c.provider)).size,
    ).toBeGreaterThanOrEqual(40);
    for (const category of ['cloud', 'vcs', 'payment', 'chat', 'mail', 'ai', 'registry'] as const) {
      expect(CASES.some((c) => c.category === category && c.found === 'shape')).toBe(true);
    }
  });

  it.each(vendorCases(1).map((c) => [c.provider, c] as [string, VendorCase]))(
    '%s: removed wherever it is planted',
    (_, first) => {
      for (const c of CASES.filter((x) => x.provider === first.provider)) {
        for (const text of plantings(c)) {
          for (const sendDefaultPii of [false, true]) {
            const out = scrubString(text, { sendDefaultPii });
            expect(leaked(out, c.secret), `${text}\n→ ${out}`).toBeUndefined();
            expect(out).toContain(FILTERED);
          }
        }
      }
    },
  );
});

describe('leak corpus: secrets without a shape of their own, where apps write them', () => {
  const leaks = [1, 2, 3].flatMap((seed) => leakCases(seed));

  it('covers prose, config files, URLs, command lines, cards, IBANs, driver and client errors, bodies', () => {
    expect(leakCases(1).length).toBeGreaterThanOrEqual(40);
    expect(new Set(leaks.map((c) => c.place)).size).toBeGreaterThanOrEqual(15);
  });

  it.each(leakCases(1).map((c, i) => [c.place, c.text, i] as [string, string, number]))(
    '%s: %j loses its secret in every planting',
    (_, _text, index) => {
      for (const c of [1, 2, 3].map((seed) => leakCases(seed)[index] as LeakCase)) {
        for (const text of leakPlantings(c.text)) {
          for (const sendDefaultPii of [false, true]) {
            const out = scrubString(text, { sendDefaultPii });
            const found = leaked(out, c.secret) ?? leaked(out, encodeURIComponent(c.secret));
            expect(found, `${text}\n→ ${out}`).toBeUndefined();
            expect(out).toContain(FILTERED);
          }
        }
      }
    },
  );
});

describe('benign corpus', () => {
  for (const [family, texts] of Object.entries(BENIGN)) {
    it.each(texts)(`${family}: keeps %j`, (text) => {
      expect(scrubString(text)).toBe(text);
      expect(scrubString(text, { sendDefaultPii: true })).toBe(text);
    });
  }
});
