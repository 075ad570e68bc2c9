import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ClientRuntime, createClient } from './client.js';
import type { Envelope } from './envelope.js';
import { sendCheckIn } from './send-check-in.js';
import type { Transport } from './transport.js';
import type { WireCheckIn, WireEvent } from './types.js';

const runtime: ClientRuntime = {
  platform: 'node',
  sdk: { name: 'faultline.test', version: '0.0.0' },
  sendCheckIn,
};

function recording() {
  const envelopes: Envelope[] = [];
  const transport: Transport = {
    send: (envelope) => void envelopes.push(envelope),
    recordDroppedEvent: () => {},
    flush: async () => true,
    close: async () => true,
    takePending: () => [],
  };
  const items = (type: string) =>
    envelopes.flatMap((e) => e.items.filter(([h]) => h.type === type).map(([, p]) => p));
  return {
    transport: () => transport,
    events: () => items('event') as WireEvent[],
    checkIns: () => items('check_in') as WireCheckIn[],
  };
}

afterEach(() => vi.restoreAllMocks());

describe('a malformed scrub option', () => {
  it.each([
    [{ allowKeys: 'token' }, 'option "scrub.allowKeys" must be an array of strings'],
    [{ valuePatterns: [{ name: 'ticket', pattern: 'TCK-\\d+' }] }, 'option "scrub.valuePatterns[0]" must be'],
    [{ denyKeys: ['tenant', 42] }, 'option "scrub.denyKeys[1]" must be a string or RegExp'],
  ])('%j is named once, and events are still sent, scrubbed by the built-in rules', (scrub, message) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const rec = recording();
    const client = createClient({ transport: rec.transport, scrub: scrub as never }, runtime);
    expect(client.enabled).toBe(true);
    client.captureMessage('login failed: password=hunter2 token=t0k3n99');
    client.captureCheckIn({ monitorSlug: 'nightly?token=t0k3n99', status: 'ok' });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain(message);
    const [event] = rec.events();
    expect(event?.message).toBe('login failed: password=[Filtered] token=[Filtered]');
    expect(JSON.stringify(rec.checkIns())).not.toContain('t0k3n99');
  });

  it('keeps the valid entries of a partly malformed option', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const rec = recording();
    const client = createClient(
      { transport: rec.transport, scrub: { denyKeys: ['tenant', 42] as never } },
      runtime,
    );
    client.captureMessage('tenant=acme-eu');
    expect(rec.events()[0]?.message).toBe('tenant=[Filtered]');
  });
});
