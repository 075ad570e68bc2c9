import { describe, expect, it } from 'vitest';
import { MAX_COPIED_STRING } from './bounded.js';
import { type ClientRuntime, createClient } from './client.js';
import { sendCheckIn } from './send-check-in.js';
import { createTestTransport } from './testing/index.js';

const runtime: ClientRuntime = {
  platform: 'node',
  sdk: { name: 'faultline.test', version: '0.0.0' },
  sendCheckIn,
};

function recordingClient() {
  const transport = createTestTransport();
  const client = createClient({ transport: () => transport }, runtime);
  const wire = () => transport.raw.map((bytes) => new TextDecoder().decode(bytes)).join('\n');
  return { client, events: transport.events, wire };
}

/**
 * An object that says it has `size` keys and counts what is asked of it: `ownKeys` lists, the
 * descriptors looked up (one per key `Object.keys` or `for...in` goes through) and value reads.
 */
function countingObject(size: number) {
  const keys = Array.from({ length: size }, (_, i) => `k${i}`);
  const counts = { lists: 0, descriptors: 0, reads: 0 };
  const isKey = (key: PropertyKey) => typeof key === 'string' && /^k\d+$/.test(key);
  const value = new Proxy({} as Record<string, unknown>, {
    ownKeys() {
      counts.lists++;
      return keys;
    },
    getOwnPropertyDescriptor(_target, key) {
      counts.descriptors++;
      return isKey(key) ? { value: 1, enumerable: true, configurable: true, writable: true } : undefined;
    },
    get(_target, key) {
      if (!isKey(key)) return undefined;
      counts.reads++;
      return 1;
    },
  });
  return { value, counts };
}

describe('work bounded by the SDK limits, not by the input', () => {
  const SIZE = 200_000;

  it('every public call touches a bounded number of keys of a huge object', () => {
    const { client, events } = recordingClient();
    const scope = client.getScope();
    const calls: Array<[string, (value: Record<string, unknown>) => void]> = [
      ['setContext', (v) => scope.setContext('big', v)],
      ['setUser', (v) => scope.setUser(v)],
      ['setExtras', (v) => scope.setExtras(v)],
      ['setTags', (v) => scope.setTags(v as Record<string, string>)],
      ['setExtra', (v) => scope.setExtra('big', { nested: v })],
      ['addBreadcrumb', (v) => client.addBreadcrumb({ message: 'm', data: v })],
      ['captureException', (v) => client.captureException(v)],
      [
        'captureEvent',
        (v) => client.captureEvent({ message: 'm', extra: { deep: { v } }, contexts: { big: v } }),
      ],
    ];
    for (const [name, call] of calls) {
      const { value, counts } = countingObject(SIZE);
      call(value);
      // One listing per copy the engine makes (captureEvent copies it twice: as a context and
      // as extra), then per listing about 1,100 keys named or counted, each looked up
      // at most twice (enumerable, own): never one lookup per key of the object.
      expect({ name, lists: counts.lists }).toEqual({ name, lists: expect.toSatisfy((n: number) => n <= 2) });
      expect({ name, descriptors: counts.descriptors }).toEqual({
        name,
        descriptors: expect.toSatisfy((n: number) => n <= counts.lists * 2 * 1_200),
      });
      expect({ name, reads: counts.reads <= 200 }).toEqual({ name, reads: true });
    }
    // What was kept says how much was left out, and a later event does not read the object again.
    const event = events().at(-1)!;
    expect(event.contexts?.big).toMatchObject({ k0: 1, k98: 1, '…': '[1001+ more keys]' });
    const { value, counts } = countingObject(SIZE);
    scope.setContext('again', value);
    const before = { ...counts };
    client.captureException(new Error('later'));
    expect(counts).toEqual(before);
  });

  it('a 10 MB string given to every public call arrives cut, its kept part scrubbed', () => {
    const secret = 'Zq7vW2pLk9';
    // A secret at the start and one across each place where something cuts: every limit a
    // string meets on its way (8 KiB message fields, the 16 KiB data limit, the copy limit).
    const at = (offsets: number[]) => {
      let text = `password=${secret}0 `;
      for (const offset of offsets) text = `${text.padEnd(offset - 12, 'x')} password=${secret}1 `;
      return `${text.padEnd(10_000_000, 'y')}`;
    };
    const huge = at([8192, 16_384, MAX_COPIED_STRING]);
    expect(huge.length).toBe(10_000_000);

    const { client, events, wire } = recordingClient();
    const scope = client.getScope();
    scope.setContext('big', { text: huge });
    scope.setContext('plain', huge as unknown as Record<string, unknown>);
    scope.setUser({ id: huge, username: huge });
    scope.setExtra('big', huge);
    scope.setExtras({ other: huge });
    scope.setTag('big', huge);
    scope.setTags({ other: huge });
    scope.setFingerprint([huge, ...Array.from({ length: 1_000_000 }, (_, i) => `part ${i}`)]);
    scope.setTransaction(huge);
    client.addBreadcrumb({ message: huge, data: { text: huge } });
    client.captureException(huge);
    client.captureException(new Error(huge));
    client.captureMessage(huge);
    client.captureEvent({
      message: huge,
      fingerprint: ['not the message above'],
      extra: { text: huge },
      contexts: { more: { text: huge } },
    });

    expect(events()).toHaveLength(4);
    const sent = wire();
    expect(sent).not.toContain(secret.slice(0, 4));
    for (const event of events()) {
      const strings: string[] = [];
      JSON.stringify(event, (_key, value) => {
        if (typeof value === 'string') strings.push(value);
        return value;
      });
      expect(Math.max(...strings.map((s) => s.length))).toBeLessThanOrEqual(16_384);
      expect(JSON.stringify(event).length).toBeLessThan(1024 * 1024);
    }
    const last = events().at(-1)!;
    expect(last.message?.length).toBeGreaterThan(1000);
    expect(last.message).toContain('[Filtered]');
  });

  it('a 10 MB key is cut, and its value filtered without judging all of it', () => {
    const key = 'k'.repeat(10_000_000);
    const { client, events, wire } = recordingClient();
    const scope = client.getScope();
    scope.setExtra(key, 'Zq7vW2pLk9');
    scope.setTag(key, 'Zq7vW2pLk9');
    scope.setContext(key, { field: 'kept' });
    client.captureEvent({ message: 'boom', extra: { nested: { [key]: 'Zq7vW2pLk9' } } });
    const event = events()[0]!;
    expect(wire()).not.toContain('Zq7v');
    for (const name of Object.keys(event.extra ?? {})) expect(name.length).toBeLessThanOrEqual(256);
    expect(Object.values(event.extra ?? {})).toContain('[Filtered]');
    for (const name of Object.keys(event.contexts ?? {})) expect(name.length).toBeLessThanOrEqual(256);
  });
});
