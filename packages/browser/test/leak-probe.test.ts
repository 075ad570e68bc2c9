import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Receiver } from '../../../test-utils/receiver.js';
import {
  bundleSdk,
  hasChromium,
  launchChromium,
  type Site,
  startCorsReceiver,
  startSite,
} from './harness.js';

// Every kind of credential a page can hold, put where a browser app would leak it: the page URL,
// request URLs and headers, console output, error messages and context the app attaches.
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJsZWFrLXByb2JlIn0.c2lnbmF0dXJlLWxlYWstcHJvYmU';
const AWS = 'AKIAIOSFODNN7LEAKPRB';
const CARD = '4111 1111 1111 1111';
const EMAIL = 'leak.probe@example.com';
const PASSWORD = 'hunter2-leak-probe';
const API_KEY = 'sk_live_leakprobe0123456789abcdef';
const PEM =
  '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAleakprobe0123456789\n-----END RSA PRIVATE KEY-----';
const SECRETS = [
  JWT,
  AWS,
  CARD,
  CARD.replaceAll(' ', ''),
  EMAIL,
  PASSWORD,
  API_KEY,
  'MIIEowIBAAKCAQEAleakprobe0123456789',
];

describe.skipIf(!hasChromium)('browser leak probe (headless Chromium, default options)', () => {
  let receiver: Receiver;
  let site: Site;
  let page: Page;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const browser = await launchChromium();
    receiver = await startCorsReceiver();
    site = await startSite('esm', await bundleSdk('esm'), { dsn: receiver.dsn });
    const context = await browser.newContext();
    page = await context.newPage();
    close = async () => {
      await context.close();
      await browser.close();
    };
    await page.goto(`${site.url}/?token=${JWT}&password=${PASSWORD}`);
    await page.waitForFunction(() => (window as { __ready?: boolean }).__ready === true);
  });
  afterAll(async () => {
    await close?.();
    await site?.close();
    await receiver?.close();
  });

  it('sends none of the secrets, and the events say what was filtered', async () => {
    await page.evaluate(
      async ({ JWT, AWS, CARD, EMAIL, PASSWORD, API_KEY, PEM }) => {
        const sdk = (window as unknown as { Faultline: Record<string, (...a: unknown[]) => unknown> })
          .Faultline;
        console.log('signed in with', `Bearer ${JWT}`, 'as', EMAIL);
        sdk.setContext?.('checkout', { password: PASSWORD, card: CARD, apiKey: API_KEY, note: `key ${AWS}` });
        sdk.setContext?.('deploy', { private_key: PEM, token: JWT });
        await fetch(`/api/500?token=${JWT}&password=${PASSWORD}&api_key=${API_KEY}`, {
          headers: { Authorization: `Bearer ${JWT}`, 'X-Api-Key': API_KEY },
        });
        sdk.captureException?.(
          new Error(`payment failed for ${EMAIL} with card ${CARD}, password=${PASSWORD}, ${AWS}, ${PEM}`),
        );
      },
      { JWT, AWS, CARD, EMAIL, PASSWORD, API_KEY, PEM },
    );
    await receiver.waitFor(
      (requests) => requests.flatMap((r) => r.envelope.items).filter(([h]) => h.type === 'event').length >= 2,
    );
    const bytes = Buffer.concat(receiver.requests.map((r) => Buffer.from(r.body))).toString('utf8');
    for (const secret of SECRETS) expect(bytes, `leaked ${secret.slice(0, 12)}…`).not.toContain(secret);
    for (const secret of SECRETS) expect(bytes).not.toContain(encodeURIComponent(secret));
    expect(bytes).toContain('[Filtered]');
    const events = receiver.events();
    const failed = events.find((e) => e.exception?.values.at(-1)?.value?.startsWith('payment failed'));
    expect(failed?.contexts?.checkout).toMatchObject({ password: '[Filtered]', apiKey: '[Filtered]' });
    expect(failed?.contexts?.deploy).toMatchObject({ private_key: '[Filtered]', token: '[Filtered]' });
  });
});
