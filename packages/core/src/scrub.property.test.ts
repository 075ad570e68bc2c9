import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sanitizeEvent } from './sanitize.js';
import { scrubString } from './scrub.js';
import { leaked, vendorCases } from './scrub-corpus.js';
import type { FaultlineEvent } from './types.js';

/** Sensitive key names as apps spell them. */
const KEYS = [
  'password',
  'passwd',
  'api_key',
  'apiKey',
  'X-Api-Key',
  'token',
  'access_token',
  'refreshToken',
  'client_secret',
  'SECRET',
  'auth',
  'session_id',
  'pwd',
  'db-password',
  'AWS_SECRET_ACCESS_KEY',
];

/** Text that may come before a pair: words, other pairs, separators, the start of JSON or a URL. */
const HEAD = fc
  .array(
    fc.constantFrom(
      'login',
      'failed:',
      'request failed:',
      'Error:',
      'note: ',
      'a=1',
      'user=bob',
      'x: y',
      '&',
      '?',
      ';',
      ',',
      '(',
      '[',
      '{"msg":"',
      '"',
      "'",
      ' ',
      '\t',
      '\n',
      'https://api.example.com/v1/items?page=2&',
      'GET /cb?',
      'mytool',
      '--verbose',
      'next=',
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(' '));

const TAIL = fc
  .array(
    fc.constantFrom(
      ' done',
      '&page=2',
      '"}',
      "'",
      ')',
      ' --verbose',
      ', retrying',
      '\n',
      ' at 12:30:45',
      '#top',
    ),
    {
      maxLength: 4,
    },
  )
  .map((parts) => parts.join(''));

/** A password: 8–24 token characters with a digit, as real ones have. */
const SECRET = fc
  .string({
    unit: fc.constantFrom(
      ...'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789!$*_.-+/~@'.split(''),
    ),
    minLength: 7,
    maxLength: 23,
  })
  .map((s) => `Q${s.replace(/^[-@]+/, '')}7`);

/** The ways a key and its value are written: pairs, JSON, escaped JSON, flags, URL parameters, percent-encoding. */
const FORMS: Array<(key: string, value: string) => string> = [
  (k, v) => `${k}=${v}`,
  (k, v) => `${k}: ${v}`,
  (k, v) => `${k}:${v}`,
  (k, v) => `"${k}":"${v}"`,
  (k, v) => `"${k}": "${v}"`,
  (k, v) => `\\"${k}\\":\\"${v}\\"`,
  (k, v) => `'${k}': '${v}'`,
  (k, v) => `--${k}=${v}`,
  (k, v) => `--${k} ${v}`,
  (k, v) => `${k}="${v}"`,
  (k, v) => `?${k}=${encodeURIComponent(v)}`,
  (k, v) => `&${k}=${encodeURIComponent(v)}`,
  (k, v) => `#${k}=${encodeURIComponent(v)}`,
  (k, v) => `${encodeURIComponent(k).replace(/_/g, '%5F')}=${encodeURIComponent(v)}`,
  (k, v) => `next=${encodeURIComponent(`/cb?${k}=${v}`)}`,
];

describe('scrub properties', () => {
  it('a planted credential never survives, whatever comes before and after it and however it is nested', () => {
    fc.assert(
      fc.property(
        HEAD,
        fc.constantFrom(...KEYS),
        SECRET,
        fc.integer({ min: 0, max: FORMS.length - 1 }),
        TAIL,
        fc.constantFrom('plain', 'json', 'url', 'twice'),
        fc.boolean(),
        (head, key, secret, form, tail, wrap, sendDefaultPii) => {
          let text = `${head}${/[\s(=&?;,[{"']$/.test(head) || head === '' ? '' : ' '}${FORMS[form]!(key, secret)}${tail}`;
          if (wrap === 'json') text = JSON.stringify({ message: text });
          if (wrap === 'url') text = `fetch https://h.example.com/p?q=1&${text.replace(/\s+/g, '+')} failed`;
          if (wrap === 'twice') text = `${text} and again: ${text}`;
          const out = scrubString(text, { sendDefaultPii });
          const encoded = encodeURIComponent(secret);
          expect(out.includes(secret) || out.includes(encoded), `${text}\n→ ${out}`).toBe(false);
        },
      ),
      { numRuns: 6000 },
    );
  });

  const vendors = [1, 2, 3, 4].flatMap((seed) => vendorCases(seed)).filter((c) => c.found === 'shape');

  it('a vendor credential never survives anywhere in free text', () => {
    fc.assert(
      fc.property(
        HEAD,
        fc.constantFrom(...vendors),
        TAIL,
        fc.boolean(),
        (head, vendor, tail, sendDefaultPii) => {
          const text = `${head} ${vendor.secret}${tail}`;
          const out = scrubString(text, { sendDefaultPii });
          expect(leaked(out, vendor.secret), `${text}\n→ ${out}`).toBeUndefined();
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('a sanitized event keeps the ingest limits and loses the planted credential, whatever the message length', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 12_000 }),
        fc.constantFrom(...KEYS),
        SECRET,
        fc.integer({ min: 0, max: FORMS.length - 1 }),
        (padding, key, secret, form) => {
          const planted = FORMS[form]!(key, secret);
          const message = `${'word '.repeat(padding / 5)}${planted} end`;
          const event = {
            event_id: 'a'.repeat(32),
            timestamp: 1,
            message,
            tags: { note: planted.slice(0, 150), [key]: secret },
            extra: { detail: message },
            breadcrumbs: [
              { message: planted, data: { [key]: secret, url: `https://x.io/?${key}=${secret}` } },
            ],
          } as unknown as FaultlineEvent;
          const wire = sanitizeEvent(event);
          const json = JSON.stringify(wire);
          expect(json.includes(secret) || json.includes(encodeURIComponent(secret)), json.slice(0, 300)).toBe(
            false,
          );
          expect((wire.message ?? '').length).toBeLessThanOrEqual(8192);
          for (const value of Object.values(wire.tags ?? {})) expect(value.length).toBeLessThanOrEqual(200);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
