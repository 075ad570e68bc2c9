import { type Envelope, pseudonymizeUserIdsIntegration, type WireEvent } from '@faultline/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  captureException,
  captureMessage,
  close,
  flush,
  getClient,
  init,
  setUser,
  withScope,
} from './index.js';

/** A custom transport that keeps what it is given. */
function memoryTransport() {
  const envelopes: Envelope[] = [];
  const transport = () => ({
    send: (envelope: Envelope) => void envelopes.push(envelope),
    recordDroppedEvent() {},
    flush: async () => true,
    close: async () => true,
    takePending: () => [],
  });
  const events = () =>
    envelopes
      .flatMap((e) => e.items)
      .filter(([h]) => h.type === 'event')
      .map(([, p]) => p as WireEvent);
  return { transport, events };
}

afterEach(async () => {
  await close(0);
  vi.restoreAllMocks();
});

describe('init', () => {
  it('disables the SDK with one console message for a bad option, and never throws', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(init({ dsn: 'https://nokey.example.com/1' })).toBeUndefined();
    expect(init({ sampleRate: 2 } as never)).toBeUndefined();
    expect(init(null as never)).toBeUndefined();
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
      expect.stringMatching(/^\[Faultline\] SDK disabled: Invalid DSN .*missing public key/),
      '[Faultline] SDK disabled: option "sampleRate" must be a number from 0 to 1',
      '[Faultline] SDK disabled: options must be an object',
    ]);
    expect(getClient()).toBeUndefined();
    expect(captureMessage('nothing')).toBe('');
  });

  it('stays off silently without a DSN', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(init({})).toBeUndefined();
    expect(warn).not.toHaveBeenCalled();
  });

  it('runs core integrations and a custom transport; scope data reaches the event', async () => {
    const memory = memoryTransport();
    const client = init({
      transport: memory.transport,
      release: 'shop@1.0.0',
      integrations: [pseudonymizeUserIdsIntegration('key')],
    });
    expect(client).toBe(getClient());
    setUser({ id: 'u-42', email: 'jane@example.com' });
    withScope((scope) => {
      scope.setTag('step', 'pay');
      captureException(new Error('declined'));
    });
    expect(await flush(1000)).toBe(true);
    const [event] = memory.events();
    expect(event).toMatchObject({ release: 'shop@1.0.0', platform: 'javascript', tags: { step: 'pay' } });
    expect(event?.user?.id).toMatch(/^[\da-f]{64}$/);
    expect(event?.user?.email).toBeUndefined();
    expect(event?.sdk).toEqual({ name: 'faultline.browser', version: expect.any(String) });
  });

  it('keeps the event when beforeSend or an integration throws', async () => {
    const memory = memoryTransport();
    init({
      transport: memory.transport,
      beforeSend: () => {
        throw new Error('hook bug');
      },
      integrations: [
        {
          name: 'Broken',
          processEvent: () => {
            throw new Error('integration bug');
          },
        },
      ],
    });
    captureMessage('still sent');
    await flush(1000);
    expect(memory.events().map((e) => e.message)).toEqual(['still sent']);
  });
});
