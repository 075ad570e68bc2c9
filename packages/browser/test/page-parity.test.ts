import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Receiver } from '../../../test-utils/receiver.js';
import { bundleSdk, hasChromium, launchChromium, startCorsReceiver, startSite } from './harness.js';

/** Stands in for the SDK on the page without it: every call is a no-op. */
const NO_SDK = 'window.Faultline = new Proxy({}, { get: () => () => undefined });';

/**
 * What the page's own code sees when it uses the APIs the SDK wraps in unusual ways: values,
 * and the name and message of what they throw or reject with. Runs in the page.
 */
async function probe(): Promise<string[]> {
  const out: string[] = [];
  const note = async (name: string, run: () => unknown) => {
    try {
      const value = await run();
      out.push(`${name} → ${value instanceof Response ? `Response ${value.status}` : String(value)}`);
    } catch (error) {
      const e = error as { name?: string; message?: string };
      out.push(`${name} ✗ ${e?.name}: ${e?.message}`);
    }
  };
  const xhr = (method: string, url: string, async = true) =>
    new Promise((resolve, reject) => {
      const request = new XMLHttpRequest();
      request.open(method, url, async);
      request.onloadend = () => resolve(request.status);
      request.onerror = () => reject(new Error('xhr error'));
      request.send();
      if (!async) resolve(request.status);
    });
  await note('fetch URL object', () => fetch(new URL('/api/200', location.href)));
  await note('fetch Request', () => fetch(new Request('/api/500', { method: 'POST', body: 'x' })));
  await note('fetch Request + init', () => fetch(new Request('/api/200'), { method: 'PUT' }));
  await note('fetch bad URL', () => fetch('http://[bad'));
  await note('fetch aborted', () => fetch('/api/200', { signal: AbortSignal.abort() }));
  await note('fetch unbound', () => {
    const f = window.fetch;
    return f('/api/204');
  });
  await note('fetch wrong this', () => window.fetch.call({}, '/api/200'));
  await note('fetch returns a Promise', () => {
    const p = fetch('/api/200');
    return p instanceof Promise && typeof p.then === 'function';
  });
  await note('xhr sync', () => xhr('GET', '/api/200', false));
  await note('xhr 503', () => xhr('DELETE', '/api/503'));
  await note('xhr bad method', () => xhr('BAD METHOD', '/api/200'));
  await note('xhr send before open', () => new XMLHttpRequest().send());
  await note('pushState other origin', () => history.pushState({}, '', 'https://other.example/'));
  await note('pushState same origin', () => history.pushState({ a: 1 }, '', '?step=2'));
  await note('replaceState no URL', () => history.replaceState(null, ''));
  await note('state kept', () => JSON.stringify(history.state));
  await note('console.log circular', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    return console.log('circular', a);
  });
  await note('console.warn hostile', () =>
    console.warn(
      new Proxy(
        {},
        {
          get() {
            throw new Error('trap');
          },
        },
      ),
    ),
  );
  await note('console.error nothing', () => console.error());
  // Thrown from a task of its own, as uncaught errors and rejections are: the SDK reads them.
  const hostile = new Proxy(
    {},
    {
      get() {
        throw new Error('trap');
      },
      ownKeys() {
        throw new Error('trap');
      },
      getPrototypeOf() {
        throw new Error('trap');
      },
    },
  );
  await note('uncaught values', async () => {
    for (const value of [hostile, null, undefined, Symbol('s'), { message: 7, stack: {} }]) {
      setTimeout(() => {
        throw value;
      });
      Promise.reject(value);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    return 'thrown';
  });
  await note('click handler order', () => {
    const seen: string[] = [];
    const button = document.createElement('button');
    button.addEventListener('click', () => seen.push('page'));
    document.body.append(button);
    button.click();
    button.remove();
    return seen.join();
  });
  return out;
}

describe.skipIf(!hasChromium)('the page behaves the same with the SDK as without it', () => {
  let browser: Browser;
  let receiver: Receiver;

  beforeAll(async () => {
    browser = await launchChromium();
    receiver = await startCorsReceiver();
  });
  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
  });

  /** Runs the probe in a fresh page; `settle` runs before the page closes (events still in flight would be lost). */
  async function run(
    sdk: string,
    settle?: () => Promise<unknown>,
  ): Promise<{ results: string[]; sdkMessages: string[]; pageErrors: string[] }> {
    const site = await startSite('script', sdk, { dsn: receiver.dsn });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const sdkMessages: string[] = [];
      const pageErrors: string[] = [];
      page.on('console', (message) => {
        if (message.text().includes('[Faultline]')) sdkMessages.push(message.text());
      });
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(site.url);
      await page.waitForFunction(() => (window as { __ready?: boolean }).__ready === true);
      // Each run has its own port; the messages that name the page's origin differ only there.
      const results = (await page.evaluate(probe)).map((line) => line.replaceAll(site.url, 'PAGE'));
      await settle?.();
      return { results, sdkMessages, pageErrors };
    } finally {
      await context.close();
      await site.close();
    }
  }

  it('same values and errors from fetch, XHR, history, console and events; no SDK message', async () => {
    // Delivery order is the page's, not the test's: the page stays open until the uncaught values have arrived.
    const mechanismsSent = () => receiver.events().map((e) => e.exception?.values.at(-1)?.mechanism?.type);
    const delivered = () =>
      receiver
        .waitFor(
          () =>
            mechanismsSent().filter((type) => type === 'onerror').length >= 4 &&
            mechanismsSent().includes('onunhandledrejection'),
        )
        .catch(() => undefined);
    const without = await run(NO_SDK);
    const withSdk = await run(await bundleSdk('script'), delivered);
    expect(withSdk.results).toEqual(without.results);
    expect(withSdk.sdkMessages).toEqual([]);
    // The page's uncaught errors are the page's own, as many and the same, with the SDK or not.
    expect(withSdk.pageErrors).toEqual(without.pageErrors);
    expect(without.pageErrors.length).toBeGreaterThanOrEqual(5);
    // The SDK was on: the 500 and the 503 the page saw were reported.
    await receiver.waitFor(
      (requests) => requests.flatMap((r) => r.envelope.items).filter(([h]) => h.type === 'event').length >= 2,
    );
    const statuses = receiver
      .events()
      .map((e) => (e.contexts as { response?: { status_code?: number } } | undefined)?.response?.status_code);
    expect(statuses).toEqual(expect.arrayContaining([500, 503]));
    // And the uncaught values, each as the page threw it (repeats of one value are sent once).
    const mechanisms = mechanismsSent();
    expect(mechanisms.filter((type) => type === 'onerror').length).toBeGreaterThanOrEqual(4);
    expect(mechanisms).toContain('onunhandledrejection');
  });
});
