// Browser: the example page in headless Chromium, each button clicked once.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeEvents, shortFrame, waitFor } from './checks.mjs';
import { startServer } from './proc.mjs';

/** The Chromium to drive: `CHROMIUM_PATH`, else Debian's. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const PAGE_SECRET = 'demo-page-token-5f6e7d8c';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const CLICKS = [
  {
    button: 'throw',
    scenario: 'button throws',
    expected: 'TypeError · app.js · unhandled',
    count: 1,
    match: (text) => text.includes('cartTotal'),
    check: (events) => {
      const frame = shortFrame(events[0]?.frame) ?? 'missing';
      return frame.startsWith('app.js:') ? undefined : `top frame ${frame}, expected app.js`;
    },
  },
  {
    button: 'reject',
    scenario: 'unhandled rejection',
    expected: 'Error "coupon SUMMER has expired" · unhandled',
    count: 1,
    match: (text) => text.includes('coupon SUMMER'),
  },
  {
    button: 'checkout',
    scenario: 'fetch answers 500',
    expected: 'POST /api/checkout · 500',
    count: 1,
    match: (text) => text.includes('/api/checkout'),
  },
  {
    button: 'missing',
    scenario: 'fetch answers 404',
    expected: 'nothing (404s are noise)',
    count: 0,
    match: (text) => text.includes('/api/orders/123/tracking'),
  },
];

export const browserSuite = {
  name: 'browser',
  needs: ['browser'],
  example: 'browser',
  unavailable: ({ browser }) => {
    const byHand = 'run `FAULTLINE_DSN=<dsn> npm start` in examples/browser and open the page';
    if (!browser) return `skipped; to see it, ${byHand}`;
    return existsSync(CHROMIUM) ? undefined : `no ${CHROMIUM}; to see it, ${byHand}`;
  },
  async run(ctx) {
    const { chromium } = await import('playwright-core');
    const cwd = join(ctx.root, 'examples/browser');
    const server = startServer(process.execPath, ['server.mjs'], { cwd, env: { ...ctx.env, PORT: '0' } });
    let browser;
    try {
      const base = await server.url;
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ARGS,
        timeout: 15_000,
      });
      const page = await browser.newPage();
      // Anything but 127.0.0.1 is refused: the demo stays offline.
      await page.route(/^(?!https?:\/\/127\.0\.0\.1[:/])/, (route) => route.abort());
      await page.goto(`${base}/?token=${PAGE_SECRET}`);
      await page.waitForFunction(() => typeof window.Faultline !== 'undefined', null, { timeout: 5000 });
      for (const click of CLICKS) {
        await page.click(`#${click.button}`);
        ctx.log(`  clicked "${click.button}"`);
        if (click.count > 0) await waitFor(() => ctx.arrivals().some((a) => click.match(ctx.text(a))), 3000);
        else await new Promise((resolve) => setTimeout(resolve, 300));
      }
      await page.close({ runBeforeUnload: true });
    } finally {
      await browser?.close().catch(() => {});
      await server.stop();
    }
    return CLICKS.map((click) => ({
      ...click,
      match: (a) => click.match(ctx.text(a)),
      describe: (events) => describeEvents(events),
    }));
  },
};
