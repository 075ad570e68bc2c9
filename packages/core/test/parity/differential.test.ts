import type { Envelope } from '@faultline/core';
import { resetCurrentClient } from '@faultline/core/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { type Api, runtimes } from './runtimes.js';

/** An error with a fixed stack, as V8 prints it, so both pipelines parse the same text. */
function fixedError(): Error {
  const error = new TypeError('card declined for order 42');
  error.stack = [
    'TypeError: card declined for order 42',
    '    at charge (https://shop.example.com/assets/app.js:10:15)',
    '    at checkout (https://shop.example.com/assets/app.js:20:3)',
  ].join('\n');
  const cause = new Error('gateway timeout');
  cause.stack = 'Error: gateway timeout\n    at call (https://shop.example.com/assets/pay.js:5:9)';
  error.cause = cause;
  return error;
}

/** The same captures, through the public API of a package. */
function captures(api: Api): void {
  api.setUser({ id: 'u-1', email: 'ada@example.com' });
  api.setTag('flow', 'checkout');
  api.setExtra('cart', { items: 3, password: 'hunter2' });
  api.addBreadcrumb({ category: 'ui', message: 'clicked pay', timestamp: 1_700_000_000 });
  api.captureException(fixedError());
  api.captureMessage('payment retried with token=abc123secret');
  api.captureEvent({
    message: 'hand-built',
    level: 'warning',
    tags: { step: '2' },
    timestamp: 1_700_000_001,
  });
}

/** An envelope without what legitimately differs: ids, times, platform, sdk, runtime contexts. */
function comparable(envelope: Envelope): unknown {
  const { event_id: _e, sent_at: _at, sdk: _sdk, ...headers } = envelope.headers as Record<string, unknown>;
  return [
    headers,
    ...envelope.items.map(([itemHeaders, payload]) => {
      const {
        event_id: _id,
        timestamp: _t,
        platform: _p,
        sdk: _s,
        contexts: _c,
        ...rest
      } = payload as Record<string, unknown>;
      const { length: _length, ...kept } = itemHeaders as Record<string, unknown>;
      return [kept, rest];
    }),
  ];
}

beforeEach(() => resetCurrentClient());

describe('node and browser pipelines', () => {
  it('send the same envelopes for the same captures, except platform, sdk and runtime contexts', async () => {
    const options = { release: 'shop@1.0.0', environment: 'test', integrations: () => [] };
    const run = async (name: string) => {
      const runtime = runtimes.find((r) => r.name === name)!;
      const sent = await runtime.run(options, (api) => captures(api));
      return sent.envelopes;
    };
    const nodeEnvelopes = await run('node');
    const browserEnvelopes = await run('browser');
    expect(nodeEnvelopes).toHaveLength(3);
    expect(browserEnvelopes.map(comparable)).toEqual(nodeEnvelopes.map(comparable));
  });
});
