import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Breadcrumb, WireEvent } from '@faultline/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Receiver } from '../../../test-utils/receiver.js';
import {
  bundleSdk,
  CHROMIUM,
  hasChromium,
  launchChromium,
  type Site,
  startCorsReceiver,
  startSite,
  type Variant,
} from './harness.js';

const SECRETS = ['SECRET_PAGE_TOKEN', 'SECRET_REQUEST_TOKEN', 'SECRET_XHR_KEY', 'SECRET_ROUTE_TOKEN'];

/** Line and column (1-based) of `needle` in the page script, to compare with reported frames. */
function positionOf(needle: string): { lineno: number; colno: number } {
  const lines = readFileSync(fileURLToPath(new URL('fixtures/page.js', import.meta.url)), 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes(needle));
  return { lineno: index + 1, colno: (lines[index] ?? '').indexOf(needle) + 1 };
}

const summaryOf = (event: WireEvent) => event.exception?.values.at(-1)?.value ?? event.message;
const byValue = (receiver: Receiver, value: string) => receiver.events().find((e) => summaryOf(e) === value);
const hasEvent = (value: string) => (requests: Receiver['requests']) =>
  requests.some((r) =>
    r.envelope.items.some(
      ([h, p]) => h.type === 'event' && summaryOf(p as WireEvent)?.includes(value) === true,
    ),
  );

const suiteName = hasChromium
  ? 'in headless Chromium'
  : `in headless Chromium (SKIPPED: ${CHROMIUM} not found; install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH)`;

describe.skipIf(!hasChromium)(suiteName, () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  describe.each<Variant>(['esm', 'script'])('%s build', (variant) => {
    let receiver: Receiver;
    let site: Site;
    let context: BrowserContext;
    let page: Page;

    beforeAll(async () => {
      receiver = await startCorsReceiver();
      site = await startSite(variant, await bundleSdk(variant), { dsn: receiver.dsn, release: 'shop@1.0.0' });
      context = await browser.newContext();
      page = await context.newPage();
      await page.goto(`${site.url}/?token=SECRET_PAGE_TOKEN`);
      await page.waitForFunction(() => (window as { __ready?: boolean }).__ready === true);
    });
    afterAll(async () => {
      await context?.close();
      await site?.close();
      await receiver?.close();
    });

    it('reports an uncaught error with frames, mechanism and breadcrumbs in order', async () => {
      await page.click('#log');
      await page.click('#push');
      await page.click('#throw');
      await receiver.waitFor(hasEvent('sync boom'));
      const event = byValue(receiver, 'sync boom')!;
      const exception = event.exception!.values.at(-1)!;
      expect(exception.type).toBe('Error');
      expect(exception.mechanism).toMatchObject({ type: 'onerror', handled: false });
      expect(event.platform).toBe('javascript');
      expect(event.release).toBe('shop@1.0.0');
      expect(event.sdk.name).toBe('faultline.browser');
      const frames = exception.stacktrace!.frames;
      const top = frames.at(-1)!;
      expect(top.function).toBe('throwSync');
      expect(top.abs_path).toBe(`${site.url}/page.js`);
      expect(top).toMatchObject(positionOf("new Error('sync boom')"));
      expect(frames.at(-2)?.function).toMatch(/^(?:HTMLButtonElement\.)?<anonymous>$|action/);

      const crumbs = (event.breadcrumbs?.values ?? []).map((b: Breadcrumb) => [
        b.category,
        b.message ?? b.data?.to,
      ]);
      expect(crumbs).toEqual([
        ['ui.click', 'button#log'],
        ['console', 'hello from the page {"step":1}'],
        ['ui.click', 'button#push'],
        ['navigation', `${site.url}/checkout?token=[Filtered]`],
        ['ui.click', 'button#throw'],
      ]);
      expect(event.request?.url).toBe(`${site.url}/checkout?token=[Filtered]`);
      expect(event.request?.headers?.['User-Agent']).toMatch(/Chrome/);
    });

    it('sends debug_meta for bundles with a debug ID', () => {
      const event = byValue(receiver, 'sync boom')!;
      expect(event.contexts?.debug_meta).toBeUndefined();
      expect(event.debug_meta).toEqual({
        images: [
          {
            type: 'sourcemap',
            code_file: `${site.url}/page.js`,
            debug_id: '6c9a5b0e-4d2f-4c3a-9a8e-2f1b7d0c5e11',
          },
        ],
      });
    });

    it('reports unhandled rejections, with Error and non-Error reasons', async () => {
      await page.click('#reject');
      await page.click('#reject-plain');
      await receiver.waitFor((r) => hasEvent('async boom')(r) && hasEvent('plain reason')(r));
      const error = byValue(receiver, 'async boom')!.exception!.values.at(-1)!;
      expect(error.mechanism).toMatchObject({ type: 'onunhandledrejection', handled: false });
      expect(error.stacktrace?.frames.at(-1)).toMatchObject({
        function: 'rejectAsync',
        abs_path: `${site.url}/page.js`,
        ...positionOf("new Error('async boom')"),
      });
      const plain = receiver.events().find((e) => summaryOf(e)?.includes('plain reason'))!;
      expect(plain.exception!.values.at(-1)!.mechanism).toMatchObject({
        type: 'onunhandledrejection',
        handled: false,
      });
    });

    it('reports a fetch answered 500 with method, scrubbed URL and status, and not one answered 404', async () => {
      expect(await page.evaluate(() => (window as unknown as PageApi).fetchStatus(404))).toBe(404);
      expect(await page.evaluate(() => (window as unknown as PageApi).fetchStatus(500))).toBe(500);
      await receiver.waitFor(hasEvent('HTTP 500 response for GET'));
      expect(await page.evaluate(() => (window as unknown as PageApi).Faultline.flush(2000))).toBe(true);
      const url = `${site.url}/api/500?token=[Filtered]`;
      const event = receiver.events().find((e) => summaryOf(e) === `HTTP 500 response for GET ${url}`)!;
      expect(event).toBeDefined();
      const exception = event.exception!.values.at(-1)!;
      expect(exception.mechanism).toMatchObject({ type: 'http.client', handled: false });
      expect(exception.stacktrace?.frames.at(-1)?.function).toBe('fetchStatus');
      expect(event.request).toMatchObject({ method: 'GET', url });
      expect(event.contexts?.response).toEqual({ status_code: 500 });
      expect(event.tags?.['http.status_code']).toBe('500');
      expect(receiver.events().filter((e) => summaryOf(e)?.includes('HTTP 404'))).toEqual([]);
      const http = (event.breadcrumbs?.values ?? []).filter((b) => b.category === 'fetch').map((b) => b.data);
      expect(http.slice(-2)).toEqual([
        { method: 'GET', url: `${site.url}/api/404?token=[Filtered]`, status_code: 404 },
        { method: 'GET', url, status_code: 500 },
      ]);
    });

    it('reports an XMLHttpRequest answered 500', async () => {
      expect(await page.evaluate(() => (window as unknown as PageApi).xhrStatus(503))).toBe(503);
      await receiver.waitFor(hasEvent('HTTP 503 response for POST'));
      const event = receiver.events().find((e) => summaryOf(e)?.startsWith('HTTP 503'))!;
      expect(event.request).toMatchObject({ method: 'POST', url: `${site.url}/api/503?api_key=[Filtered]` });
      const frames = event.exception!.values.at(-1)!.stacktrace!.frames;
      // The newest frame is the Promise executor that calls send(); xhrStatus is its caller.
      expect(frames.at(-1)).toMatchObject({ abs_path: `${site.url}/page.js`, ...positionOf("send('{}')") });
      expect(frames.map((f) => f.function)).toContain('xhrStatus');
    });

    it('reports a muted cross-origin "Script error." with a hint about crossorigin', async () => {
      await page.click('#cross-origin');
      await receiver.waitFor(hasEvent('Script error.'));
      const event = receiver.events().find((e) => summaryOf(e) === 'Script error.')!;
      const exception = event.exception!.values.at(-1)!;
      expect(exception.mechanism?.type).toBe('onerror');
      expect(exception.mechanism?.handled).toBe(false);
      expect(String(exception.mechanism?.data?.hint)).toContain('crossorigin="anonymous"');
      expect(JSON.stringify(event)).not.toContain('detail only the other origin may see');
    });

    it('delivers an error raised right before the page navigates away', async () => {
      await Promise.all([page.waitForURL(`${site.url}/next`), page.click('#navigate')]);
      await receiver.waitFor(hasEvent('before navigation'));
      const event = byValue(receiver, 'before navigation')!;
      expect(event.exception!.values.at(-1)!.mechanism).toMatchObject({ type: 'onerror', handled: false });
    });

    it('posts text/plain with the sentry_key query auth, so no CORS preflight is needed', () => {
      expect(receiver.requests.every((r) => r.method === 'POST')).toBe(true);
      for (const request of receiver.requests) {
        expect(request.query).toMatchObject({ sentry_key: 'public', sentry_version: '7' });
        expect(request.headers['content-type']).toMatch(/^text\/plain/);
        expect(request.envelopeError).toBeUndefined();
      }
    });

    it('leaks no secret from the page URL or the requests', () => {
      expect(receiver.requests.length).toBeGreaterThan(0);
      for (const request of receiver.requests) {
        const text = new TextDecoder().decode(request.body);
        for (const secret of SECRETS) expect(text).not.toContain(secret);
      }
    });
  });

  describe('delivery', () => {
    let receiver: Receiver;
    let site: Site;
    let context: BrowserContext;
    let delayFirst = true;

    beforeAll(async () => {
      receiver = await startCorsReceiver({
        // Keep the first request busy so that, with one request at a time, the second waits.
        respond: () => {
          if (!delayFirst) return undefined;
          delayFirst = false;
          return { delayMs: 1500 };
        },
      });
      const config = { dsn: receiver.dsn, transportOptions: { concurrency: 1 } };
      site = await startSite('script', await bundleSdk('script'), config);
      context = await browser.newContext();
    });
    afterAll(async () => {
      await context?.close();
      await site?.close();
      await receiver?.close();
    });

    async function open(): Promise<Page> {
      const page = await context.newPage();
      await page.goto(site.url);
      await page.waitForFunction(() => (window as { __ready?: boolean }).__ready === true);
      return page;
    }

    it('hands what is still queued at page hide to sendBeacon', async () => {
      const page = await open();
      await Promise.all([page.waitForURL(`${site.url}/next`), page.click('#two-then-navigate')]);
      await receiver.waitFor(
        (r) => hasEvent('first before leaving')(r) && hasEvent('second before leaving')(r),
      );
      const second = receiver.requests.find((r) => hasEvent('second before leaving')([r]))!;
      // A beacon is a no-cors request; the keepalive fetch that carried the first is a CORS one.
      expect(second.headers['sec-fetch-mode']).toBe('no-cors');
      expect(second.query.sentry_key).toBe('public');
      await page.close();
    });

    it('a second init replaces the first: one event per error, one breadcrumb per action', async () => {
      const page = await open();
      receiver.clear();
      await page.evaluate(() => {
        const w = window as unknown as { __config: object; Faultline: { init(o: object): unknown } };
        w.Faultline.init({ ...w.__config, release: 'second' });
      });
      await page.click('#log');
      await page.click('#throw');
      await receiver.waitFor(hasEvent('sync boom'));
      await page.evaluate(() => (window as unknown as PageApi).Faultline.flush(2000));
      const events = receiver.events().filter((e) => summaryOf(e) === 'sync boom');
      expect(events.map((e) => e.release)).toEqual(['second']);
      const crumbs = events[0]!.breadcrumbs!.values.map((b) => b.category);
      expect(crumbs).toEqual(['ui.click', 'console', 'ui.click']);
      await page.close();
    });

    it('close() removes every handler and wrapper it installed', async () => {
      const page = await open();
      const installed = () =>
        [
          window.fetch,
          XMLHttpRequest.prototype.open,
          XMLHttpRequest.prototype.send,
          history.pushState,
          history.replaceState,
          console.log,
          console.error,
        ].filter((fn) => !Function.prototype.toString.call(fn).includes('[native code]')).length;
      expect(await page.evaluate(installed)).toBe(7);
      await page.evaluate(() => (window as unknown as PageApi).Faultline.close(1000));
      expect(await page.evaluate(installed)).toBe(0);
      receiver.clear();
      await page.click('#throw');
      await page.evaluate(() => (window as unknown as PageApi).fetchStatus(500));
      // The page is still usable and nothing is sent: a later request proves the receiver is reachable.
      await page.evaluate((dsnUrl) => fetch(`${dsnUrl}/ping`, { method: 'POST', body: 'x' }), receiver.url);
      await receiver.waitFor(1);
      expect(receiver.requests.map((r) => r.path)).toEqual(['/ping']);
      await page.close();
    });

    it('keeps events in localStorage while offline and sends them when back online', async () => {
      const page = await open();
      receiver.clear();
      await context.setOffline(true);
      await page.click('#message');
      await page.waitForFunction(() =>
        Object.keys(localStorage).some((key) => key.startsWith('faultline:offline:')),
      );
      expect(receiver.requests).toEqual([]);
      await context.setOffline(false);
      await receiver.waitFor(hasEvent('offline message'));
      const event = receiver.events().find((e) => e.message === 'offline message')!;
      expect(event.level).toBe('warning');
      await page.waitForFunction(
        () => !Object.keys(localStorage).some((key) => key.startsWith('faultline:')),
      );
      await page.close();
    });
  });
});

interface PageApi {
  fetchStatus(status: number): Promise<number>;
  xhrStatus(status: number): Promise<number>;
  Faultline: { flush(timeoutMs?: number): Promise<boolean>; close(timeoutMs?: number): Promise<boolean> };
}
