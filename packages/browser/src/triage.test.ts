import { afterEach, describe, expect, it } from 'vitest';
import { memoryTransport } from '../test/memory-transport.js';
import { captureEvent, captureException, close, flush, init, triageIntegration, withScope } from './index.js';

const PAGE = 'https://shop.example.com/checkout';
const script = (url: string) => ({
  filename: url,
  abs_path: url,
  function: 'f',
  lineno: 1,
  colno: 1,
  in_app: true,
});

afterEach(async () => {
  await close(0);
  delete (globalThis as { SENTRY_RELEASE?: unknown }).SENTRY_RELEASE;
});

describe('browser: triage signals', () => {
  it('tags events of a critical flow named in triageIntegration', async () => {
    const mem = memoryTransport();
    init({ transport: mem.transport, integrations: [triageIntegration({ critical: ['/checkout*'] })] });
    for (const route of ['/checkout/pay', '/about']) {
      withScope((scope) => {
        scope.setTransaction(route);
        captureException(new Error(`failed on ${route}`));
      });
    }
    await flush(1000);
    expect(mem.events().map((e) => [e.transaction, e.tags?.critical])).toEqual([
      ['/checkout/pay', 'true'],
      ['/about', undefined],
    ]);
  });

  it('tags an error thrown by a script from another origin, not one from the page', async () => {
    const mem = memoryTransport();
    init({ transport: mem.transport, integrations: [triageIntegration()] });
    const own = script('https://shop.example.com/assets/app.js');
    const widget = script('https://cdn.chat-widget.example.net/v2/widget.js');
    for (const frames of [
      [own, widget],
      [widget, own],
    ]) {
      captureEvent({
        request: { url: PAGE },
        exception: { values: [{ type: 'TypeError', value: 'x is undefined', stacktrace: { frames } }] },
      });
    }
    await flush(1000);
    expect(mem.events().map((e) => e.tags?.third_party)).toEqual(['true', undefined]);
  });

  it('reports the release a build step put on the page, unless init names one', async () => {
    (globalThis as { SENTRY_RELEASE?: unknown }).SENTRY_RELEASE = { id: 'shop-web@7.1.0' };
    let mem = memoryTransport();
    init({ transport: mem.transport });
    captureException(new Error('a'));
    await flush(1000);
    expect(mem.events()[0]?.release).toBe('shop-web@7.1.0');
    mem = memoryTransport();
    init({ transport: mem.transport, release: 'given@1' });
    captureException(new Error('b'));
    await flush(1000);
    expect(mem.events()[0]?.release).toBe('given@1');
  });

  it('sends no release when neither init nor the page names one', async () => {
    const mem = memoryTransport();
    init({ transport: mem.transport });
    captureException(new Error('c'));
    await flush(1000);
    expect(mem.events()[0]?.release).toBeUndefined();
  });
});
