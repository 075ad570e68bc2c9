import { createClient, serializeEnvelope } from '@faultline/core';
import { parseEnvelope } from '@sentry/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SendResult } from './delivery.js';
import { createOfflineQueue, type OfflineQueueFactory } from './offline-queue.js';
import { BROWSER_OPTION_RULES, type BrowserOptions } from './options.js';
import { pageDelivery } from './page-delivery.js';
import { SDK_INFO } from './sdk-info.js';

const DSN = 'https://public@o1.ingest.example.com/1';

/**
 * A fake server behind the page's `fetch`: records what it receives (parsed by @sentry/core),
 * whether it was asked for keepalive, and answers what `answer` says (a promise: an answer
 * that comes when the test says).
 */
function server(answer: (n: number) => SendResult | Error | Promise<SendResult> = () => ok()) {
  const received: Array<{ type: string; payload: any }[]> = [];
  const keepalive: boolean[] = [];
  const pageFetch = (async (_url: string, init: RequestInit) => {
    const body = new Uint8Array(await (init.body as Blob).arrayBuffer());
    keepalive.push(init.keepalive === true);
    const [, items] = parseEnvelope(body);
    received.push(
      items.map(([h, p]) => ({
        type: h.type as string,
        payload: JSON.parse(p instanceof Uint8Array ? new TextDecoder().decode(p) : String(p)),
      })),
    );
    const result = await answer(received.length);
    if (result instanceof Error) throw result;
    return result;
  }) as unknown as typeof fetch;
  const reports = () =>
    received
      .flat()
      .filter((i) => i.type === 'client_report')
      .flatMap((i) => i.payload.discarded_events)
      .reduce((sum: Record<string, number>, d: any) => {
        sum[`${d.reason}:${d.category}`] = (sum[`${d.reason}:${d.category}`] ?? 0) + d.quantity;
        return sum;
      }, {});
  const events = () =>
    received
      .flat()
      .filter((i) => i.type === 'event')
      .map((i) => i.payload);
  return { pageFetch, received, keepalive, reports, events };
}

function ok(status = 200, headers: Record<string, string> = {}): SendResult {
  return { status, headers: { get: (name) => headers[name] ?? null } };
}

/** Core's client with the page's delivery, as the pipeline chunk builds it. */
function pageClient(
  fake: ReturnType<typeof server>,
  options: BrowserOptions = {},
  offlineQueue?: OfflineQueueFactory,
) {
  const delivery = pageDelivery(fake.pageFetch, offlineQueue);
  return createClient({ dsn: DSN, ...options } as never, {
    platform: 'javascript',
    sdk: SDK_INFO,
    optionRules: BROWSER_OPTION_RULES,
    createExecutor: delivery.createExecutor,
    defaultIntegrations: [delivery.integration],
  });
}

// The page's globals the lifecycle integration listens on; this runtime has no sendBeacon, so
// every beacon is refused, as the browser refuses one over its quota.
const page = globalThis as { window?: EventTarget; document?: EventTarget & { hidden?: boolean } };
beforeEach(() => {
  page.window = new EventTarget();
  page.document = Object.assign(new EventTarget(), { hidden: false });
});
afterEach(() => {
  delete page.window;
  delete page.document;
});

describe('page delivery', () => {
  it('counts every dropped event by reason in a client report', async () => {
    const fake = server();
    const client = pageClient(fake, {
      ignoreErrors: ['ignored'],
      beforeSend: (e) => (e.message === 'drop me' ? null : e),
      integrations: [{ name: 'Filter', processEvent: (e) => (e.message === 'filtered' ? null : e) }],
    });
    for (const message of ['sent', 'ignored', 'drop me', 'filtered']) client.captureMessage(message, 'error');
    expect(await client.flush(2000)).toBe(true);
    expect(fake.events().map((e) => e.message)).toEqual(['sent']);
    expect(fake.reports()).toEqual({ 'event_processor:error': 2, 'before_send:error': 1 });
    await client.close(0);
  });

  it('asks for keepalive for bodies up to 60 KB only', async () => {
    const fake = server();
    const client = pageClient(fake, { transportOptions: { concurrency: 1 } });
    client.captureMessage('small');
    client.captureEvent({
      message: 'large',
      extra: {
        a: 'x'.repeat(15_000),
        b: 'y'.repeat(15_000),
        c: 'z'.repeat(15_000),
        d: 'w'.repeat(15_000),
        e: 'v'.repeat(15_000),
      },
    });
    expect(await client.flush(2000)).toBe(true);
    expect(fake.events().map((e) => e.message)).toEqual(['small', 'large']);
    expect(fake.keepalive).toEqual([true, false]);
    await client.close(0);
  });

  it('at page hide, counts an envelope that neither a beacon nor an offline queue takes', async () => {
    let release = () => {};
    const fake = server((n) =>
      n > 1
        ? ok()
        : new Promise<SendResult>((resolve) => {
            release = () => resolve(ok());
          }),
    );
    const client = pageClient(fake, { transportOptions: { concurrency: 1 }, dedupe: false });
    client.captureMessage('in flight');
    client.captureMessage('waiting');
    // The first request is on its way (keepalive): only the waiting one is taken at page hide.
    await new Promise((resolve) => setTimeout(resolve, 10));
    page.window!.dispatchEvent(new Event('pagehide'));
    release();
    expect(await client.flush(2000)).toBe(true);
    expect(fake.events().map((e) => e.message)).toEqual(['in flight']);
    expect(fake.reports()).toEqual({ 'network_error:error': 1 });
    await client.close(0);
  });

  it('does not send again by beacon a keepalive request whose promise the browser rejected as the page left', async () => {
    // Chromium rejects a keepalive fetch's promise at page hide ("Failed to fetch") while the
    // request itself still reaches the server.
    let fail = (_error: Error) => {};
    const fake = server(() => new Promise<SendResult>((_resolve, reject) => (fail = reject)));
    const beacons: unknown[] = [];
    const scope = globalThis as { navigator?: unknown };
    const had = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    Object.defineProperty(globalThis, 'navigator', {
      configurable: true,
      value: { onLine: true, sendBeacon: (_url: string, body: unknown) => beacons.push(body) > 0 },
    });
    try {
      const client = pageClient(fake, { transportOptions: { retryBaseMs: 0 } });
      client.captureMessage('left with the page');
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(fake.keepalive).toEqual([true]);
      page.window!.dispatchEvent(new Event('pagehide'));
      fail(new TypeError('Failed to fetch'));
      await new Promise((resolve) => setTimeout(resolve, 10));
      page.document!.hidden = true;
      page.document!.dispatchEvent(new Event('visibilitychange'));
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(beacons).toEqual([]);
      expect(fake.events().map((e) => e.message)).toEqual(['left with the page']);
      await client.close(0);
    } finally {
      if (had) Object.defineProperty(globalThis, 'navigator', had);
      else delete scope.navigator;
    }
  });

  it('sends what an earlier page kept offline and counts what expired in storage unsent', async () => {
    const stored = new Map<string, string>();
    const storage = {
      getItem: (k: string) => stored.get(k) ?? null,
      setItem: (k: string, v: string) => void stored.set(k, v),
      removeItem: (k: string) => void stored.delete(k),
    } as Storage;
    const body = (message: string) =>
      new TextDecoder().decode(serializeEnvelope({ headers: {}, items: [[{ type: 'event' }, { message }]] }));
    const key = 'faultline:offline:o1.ingest.example.com:1';
    stored.set(
      key,
      JSON.stringify([
        { t: Date.now() - 60_000, b: body('too old') },
        { t: Date.now(), b: body('kept') },
      ]),
    );
    const fake = server();
    let keyAsked: string | undefined;
    const client = pageClient(fake, {}, (k) => {
      keyAsked = k;
      return createOfflineQueue({ key: k, storage, maxAgeMs: 30_000 });
    });
    expect(await client.flush(2000)).toBe(true);
    expect(keyAsked).toBe(key);
    expect(fake.events().map((e) => e.message)).toEqual(['kept']);
    expect(fake.reports()).toEqual({ 'queue_overflow:error': 1 });
    await client.close(0);
  });
});
