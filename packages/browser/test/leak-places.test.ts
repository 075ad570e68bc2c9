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

// Credentials where single-page apps hold them: the fragment of an OAuth implicit-flow redirect
// (the page URL of every event), a magic-link token moved into the URL by the router, request
// URLs of fetch and XHR, and headers the app keeps as lists of [name, value] pairs (what
// `[...new Headers()]`, `Object.entries(headers)` and fetch's `headers: [[...]]` give).
const ACCESS = 'ya29.Zq8WmN3vLx7Kp2Rt5Yh9Bc4Df';
const ID_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJsZWFrLXBsYWNlcyJ9.c2lnLWxlYWstcGxhY2Vz';
const MAGIC = 'mL7q2Wx9Kd4Rt8Yp3Zn6';
const XHR_TOKEN = 'xT5k9Qw2Er7Ty4Ui';
const PAIR_KEY = 'pK3m8Nq1Wz6Xc';
const PAIR_COOKIE = 'rM4e7Ab2Cd9Ef';
const PAIR_TOKEN = 'tK8s2Dx5Lq';
const SECRETS = [ACCESS, ID_TOKEN, MAGIC, XHR_TOKEN, PAIR_KEY, PAIR_COOKIE, PAIR_TOKEN];

describe.skipIf(!hasChromium)('browser leak places (headless Chromium, default options)', () => {
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
    await page.goto(
      `${site.url}/#access_token=${ACCESS}&token_type=Bearer&expires_in=3599&id_token=${ID_TOKEN}&state=af0ifjsldkj`,
    );
    await page.waitForFunction(() => (window as { __ready?: boolean }).__ready === true);
  });
  afterAll(async () => {
    await close?.();
    await site?.close();
    await receiver?.close();
  });

  it('sends none of them; ordinary URLs and header values arrive unchanged', async () => {
    await page.evaluate(
      async ({ MAGIC, XHR_TOKEN, PAIR_KEY, PAIR_COOKIE, PAIR_TOKEN }) => {
        const sdk = (window as unknown as { Faultline: Record<string, (...a: unknown[]) => unknown> })
          .Faultline;
        history.pushState({}, '', `/login/magic#token=${MAGIC}`);
        history.pushState({}, '', '/orders?page=2');
        await new Promise<void>((resolve) => {
          const xhr = new XMLHttpRequest();
          xhr.open('GET', `/api/200?auth=${XHR_TOKEN}&page=2`);
          xhr.addEventListener('loadend', () => resolve());
          xhr.send();
        });
        const headers: Array<[string, string]> = [
          ['accept', 'application/json'],
          ['x-api-key', PAIR_KEY],
          ['cookie', `theme=dark; remember=${PAIR_COOKIE}`],
          ['authorization', `Token ${PAIR_TOKEN}`],
        ];
        await fetch('/api/503', { headers });
        sdk.setContext?.('upstream', { headers });
        sdk.captureException?.(new Error('orders failed'));
      },
      { MAGIC, XHR_TOKEN, PAIR_KEY, PAIR_COOKIE, PAIR_TOKEN },
    );
    await receiver.waitFor((requests) =>
      requests
        .flatMap((r) => r.envelope.items)
        .some(([h, payload]) => h.type === 'event' && JSON.stringify(payload).includes('orders failed')),
    );
    const bytes = Buffer.concat(receiver.requests.map((r) => Buffer.from(r.body))).toString('utf8');
    for (const secret of SECRETS) {
      expect(bytes, `leaked ${secret.slice(0, 8)}`).not.toContain(secret);
      expect(bytes).not.toContain(encodeURIComponent(secret));
    }
    const event = receiver.events().find((e) => e.exception?.values.at(-1)?.value === 'orders failed');
    expect(event?.contexts?.upstream?.headers).toEqual([
      ['accept', 'application/json'],
      ['x-api-key', '[Filtered]'],
      ['cookie', '[Filtered]'],
      ['authorization', '[Filtered]'],
    ]);
    const navigation = event?.breadcrumbs?.values.filter((b) => b.category === 'navigation') ?? [];
    expect(navigation.at(-1)?.data).toEqual({
      from: `${site.url}/login/magic#token=[Filtered]`,
      to: `${site.url}/orders?page=2`,
    });
    expect(event?.request?.url).toBe(`${site.url}/orders?page=2`);
  });

  it('cuts click and console breadcrumbs without keeping a split address or token', async () => {
    const member = 'ottoline.k4fan7@example.com';
    const token = 'Qw7eRt2YuI9oPa4SdF6gHj1KlZ';
    await page.evaluate(
      ({ member, token }) => {
        const sdk = (window as unknown as { Faultline: Record<string, (...a: unknown[]) => unknown> })
          .Faultline;
        const button = document.createElement('button');
        button.setAttribute('aria-label', `Remove member ${member}`);
        document.body.append(button);
        button.click();
        // The console breadcrumb is cut at 1,024 characters, 14 into the token.
        console.log('y'.repeat(1000), `session ${token}`);
        sdk.captureException?.(new Error('member removal failed'));
      },
      { member, token },
    );
    await receiver.waitFor((requests) =>
      requests
        .flatMap((r) => r.envelope.items)
        .some(
          ([h, payload]) => h.type === 'event' && JSON.stringify(payload).includes('member removal failed'),
        ),
    );
    const event = receiver
      .events()
      .find((e) => e.exception?.values.at(-1)?.value === 'member removal failed');
    const crumbs = JSON.stringify(event?.breadcrumbs?.values ?? []);
    // No part of either: the first 12 characters would be enough to find a person or a session.
    expect(crumbs).not.toContain(member.slice(0, 12));
    expect(crumbs).not.toContain(token.slice(0, 12));
    const click = event?.breadcrumbs?.values.find((b) => b.category === 'ui.click');
    expect(click?.message).toContain('[aria-label="Remove member');
  });
});
