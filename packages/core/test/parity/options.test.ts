import type { Integration } from '@faultline/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runtimes } from './runtimes.js';

afterEach(() => vi.restoreAllMocks());

/** An integration that marks every event, to see that it ran. */
const marker = (): Integration => ({
  name: 'Marker',
  processEvent: (event) => ({ ...event, tags: { ...event.tags, marked: 'yes' } }),
});

const user = { id: 'u-1', email: 'ada@example.com', ip_address: '203.0.113.7', username: 'ada' };

describe.each(runtimes)('$name', (runtime) => {
  it('sendDefaultPii given as the string "false" keeps personal data out', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const sent = await runtime.run({ sendDefaultPii: 'false' }, (api) => {
      api.setUser(user);
      api.captureException(new Error('boom'));
    });
    const [event] = sent.events();
    expect(event?.user?.id).toBeDefined();
    expect(event?.user).not.toHaveProperty('email');
    expect(event?.user).not.toHaveProperty('ip_address');
    expect(event?.user).not.toHaveProperty('username');
  });

  it('an integrations function that returns nothing leaves the SDK on with its defaults', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const sent = await runtime.run({ integrations: () => undefined, pseudonymizeUserIds: 'k' }, (api) => {
      api.setUser({ id: 'u-1' });
      api.captureException(new Error('boom'));
      api.captureMessage('ResizeObserver loop completed with undelivered notifications.');
    });
    const events = sent.events();
    expect(events.map((e) => e.exception?.values.at(-1)?.value ?? e.message)).toEqual(
      runtime.name === 'browser'
        ? // The browser's default noise filter still drops the ResizeObserver message.
          ['boom']
        : ['boom', 'ResizeObserver loop completed with undelivered notifications.'],
    );
    if (runtime.name !== 'browser') expect(events[0]?.user?.id).not.toBe('u-1');
  });

  it('integrations given as an array are added to the defaults', async () => {
    const sent = await runtime.run({ integrations: [marker()], pseudonymizeUserIds: 'k' }, (api) => {
      api.setUser({ id: 'u-1' });
      api.captureException(new Error('boom'));
      api.captureMessage('ResizeObserver loop completed with undelivered notifications.');
    });
    const events = sent.events();
    expect(events[0]?.tags?.marked).toBe('yes');
    if (runtime.name === 'browser') {
      // The default noise filter still runs.
      expect(events).toHaveLength(1);
    } else {
      // The default pseudonymization and contexts still run.
      expect(events[0]?.user?.id).not.toBe('u-1');
      expect(events[0]?.contexts?.runtime).toMatchObject({ name: 'node' });
    }
  });

  it('an integrations function edits the defaults', async () => {
    const sent = await runtime.run(
      { integrations: (defaults: Integration[]) => [...defaults.filter(() => false), marker()] },
      (api) => {
        api.captureMessage('ResizeObserver loop completed with undelivered notifications.');
      },
    );
    const events = sent.events();
    // Every default removed: nothing filters the message, and no runtime context is added.
    expect(events).toHaveLength(1);
    expect(events[0]?.tags?.marked).toBe('yes');
    expect(events[0]?.contexts?.runtime).toBeUndefined();
  });
});
