import type { Envelope } from '@faultline/core';
import { afterEach, describe, expect, it } from 'vitest';
import { envelopeProblems } from '../../../test-utils/ingest-rules.js';
import {
  addBreadcrumb,
  captureEvent,
  captureException,
  captureMessage,
  close,
  flush,
  init,
  setTag,
} from './index.js';

afterEach(async () => {
  await close(0);
});

describe('conformance with the ingest (browser pipeline)', () => {
  // The browser applies the rules that cost whole events, tags or breadcrumbs
  // (`normalizeEventEssentials`: levels, timestamps, tags, release and environment names); context
  // field types are checked by the full step only (core's client), to keep the bundle small.
  it('sends events the ingest keeps: lone surrogates, level names, tag keys, empty tags, ms timestamps', async () => {
    const envelopes: Envelope[] = [];
    init({
      transport: () => ({
        send: (envelope: Envelope) => void envelopes.push(envelope),
        recordDroppedEvent() {},
        flush: async () => true,
        close: async () => true,
        takePending: () => [],
      }),
      release: 'page@2.0',
      environment: 'prod',
    });
    const key = 'http.response.status_code.category.extra';
    setTag(key, '5xx');
    setTag('empty', '');
    addBreadcrumb({ message: 'clicked \ud83d', level: 'warning' });
    captureException(new TypeError('lone \udc00 surrogate'));
    captureMessage('level critical', 'critical' as never);
    captureEvent({ message: 'odd', level: 'log' as never, timestamp: Date.now(), tags: { 'a b/c': 'x' } });
    expect(await flush(1000)).toBe(true);

    const items = envelopes.map((e) => e.items.map(([h, payload]) => ({ type: h.type, payload })));
    expect(items.flat()).toHaveLength(3);
    const events = items.flat().map((i) => i.payload as Record<string, any>);
    expect(events.map((e) => e.level)).toEqual(['error', 'fatal', 'info']);
    expect(events.every((e) => e.tags[key] === '5xx' && !('empty' in e.tags))).toBe(true);
    expect(events[2]?.tags.a_b_c).toBe('x');
    expect(events[0]?.exception.values.at(-1).value).toBe('lone \ufffd surrogate');
    expect(
      envelopes.flatMap((e, i) => envelopeProblems(items[i] ?? [], e.headers as Record<string, unknown>)),
    ).toEqual([]);
  });

  it('sends release and environment names and breadcrumbs the ingest keeps', async () => {
    const envelopes: Envelope[] = [];
    init({
      transport: () => ({
        send: (envelope: Envelope) => void envelopes.push(envelope),
        recordDroppedEvent() {},
        flush: async () => true,
        close: async () => true,
        takePending: () => [],
      }),
      release: 'web/shop@2.0\n',
      environment: 'prod/eu',
    });
    addBreadcrumb({ message: 'in ms', level: 'log' as never, timestamp: Date.now() });
    captureException(new Error('with a breadcrumb'));
    expect(await flush(1000)).toBe(true);
    const event = envelopes[0]?.items[0]?.[1] as Record<string, any>;
    expect(event.release).toBe('web-shop@2.0');
    expect(event.environment).toBe('prod-eu');
    const crumb = event.breadcrumbs.values.find((b: { message?: string }) => b.message === 'in ms');
    expect(crumb.level).toBe('info');
    expect(crumb.timestamp).toBeLessThan(1e11);
    expect(envelopeProblems([{ type: 'event', payload: event }], envelopes[0]?.headers as never)).toEqual([]);
  });
});
