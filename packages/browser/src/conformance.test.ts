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
  // The browser applies the rules that cost whole events or tags (`normalizeEventEssentials`);
  // release and environment names, breadcrumb levels and timestamps and context field types are
  // checked by the full step only (core's client), to keep the bundle under its ceiling.
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
});
