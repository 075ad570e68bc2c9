import { describe, expect, it } from 'vitest';
import { type ClientRuntime, createClient } from './client.js';
import type { Envelope } from './envelope.js';
import type { ClientOptions } from './options.js';
import { createSanitizeMemory } from './sanitize-memory.js';
import { cachedStackParser } from './stack-cache.js';
import { SECRET_CASES } from './test-secrets.js';
import { createTestTransport } from './testing/index.js';
import type { FaultlineEvent } from './types.js';

// The fast capture path (stacks parsed once per stack text, frames and scope parts sanitized
// once and shared, frozen, between events) must send what the plain path sends, byte for byte.

const sdk = { name: 'faultline.test', version: '0.0.0' };
const fast: ClientRuntime = {
  platform: 'node',
  sdk,
  cacheStacks: cachedStackParser,
  createSanitizeMemory,
};
const plain: ClientRuntime = { platform: 'node', sdk };
// Each secret in the text it comes in; e-mail and IP addresses stay with sendDefaultPii.
const cases = SECRET_CASES.filter((c) => !/mail|ip/.test(c.name));
const texts = cases.map((c) => c.text);
const secrets = cases.map((c) => c.secret);

/** A client on `runtime` whose scope carries every kind of part, secrets and odd values in each. */
function start(runtime: ClientRuntime, options: ClientOptions, lone: boolean) {
  // What left the client, serialized and read back.
  const transport = createTestTransport();
  const client = createClient(
    { transport: () => transport, release: 'shop@1.2.3', environment: 'production', ...options },
    runtime,
  );
  const scope = client.getScope();
  scope.setRequest({
    method: 'POST',
    url: `https://shop.example.com/orders/42?page=2&token=${texts[0]}`,
    headers: {
      authorization: `Bearer ${texts[1]}`,
      cookie: 'session=abc123; theme=dark',
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64)',
      'x-note': `key=${texts[2]} mail jane@example.com from 203.0.113.7`,
    },
  });
  scope.setTransaction('POST /orders/:id');
  scope.setUser({ id: 'user-42', email: 'jane@example.com', note: `pw ${texts[3]}` });
  scope.setTags({ region: 'eu-west-1', 'odd key!': 'a\nb', api_token: `${texts[4]}` });
  scope.setContext('order', { id: 7, password: 'hunter2', nested: { note: `secret=${texts[5]}` } });
  scope.setContext('device', { memory_size: '2048', charging: 'yes', name: 7 });
  scope.setContext('proto', JSON.parse('{"__proto__": {"polluted": "yes"}, "id": 7}'));
  scope.setExtra('attempt', {
    count: 1,
    apiKey: texts[6],
    list: [1, 'two', { card: '4111 1111 1111 1111' }],
  });
  for (let i = 0; i < 10; i++)
    client.addBreadcrumb({
      category: 'db',
      message: `SELECT ${i} -- ${texts[(i + 7) % texts.length]}`,
      level: i % 3 ? 'info' : ('warn' as 'warning'),
      // Milliseconds by mistake on some: the protocol step turns them into seconds.
      timestamp: i % 2 ? 1_700_000_000 + i : 1_700_000_000_000 + i,
      data: { i, password: 'hunter2' },
    });
  // A lone surrogate anywhere makes the protocol step copy the whole event.
  if (lone) client.addBreadcrumb({ message: 'lone \ud83d surrogate', timestamp: 1_700_000_100 });
  return { client, envelopes: transport.envelopes };
}

class OrderError extends Error {
  override name = 'OrderError';
}
/** The same throw site each time, with a message of its own (as an app in a loop has). */
function failure(n: number): Error {
  return new OrderError(`order 42 could not be loaded (attempt ${n}) then ${texts[(n * 5) % texts.length]}`, {
    cause: new Error(`ECONNRESET on socket ${n} from 198.51.100.${n % 200}`),
  });
}

/** `beforeSend` that makes an event too big for the ingest: the sanitizer must trim it. */
function huge(event: FaultlineEvent): FaultlineEvent {
  for (let i = 0; i < 80; i++) event.extra[`blob${i}`] = `${i} ${'x'.repeat(16_000)}`;
  return event;
}

/** An envelope's event as bytes of JSON, without what differs from run to run. */
function bytes(envelope: Envelope | undefined): string {
  const event = { ...(envelope?.items[0]?.[1] as Record<string, unknown>) };
  expect(event.event_id).toMatch(/^[\da-f]{32}$/);
  expect(typeof event.timestamp).toBe('number');
  delete event.event_id;
  delete event.timestamp;
  return JSON.stringify(event);
}

describe('the fast capture path', () => {
  for (const [name, options, lone] of [
    ['default options', {}],
    ['sendDefaultPii', { sendDefaultPii: true }],
    ['events over 1 MiB, trimmed to fit', { beforeSend: huge }],
    ['a lone surrogate in a breadcrumb', {}, true],
  ] as Array<[string, ClientOptions, boolean?]>) {
    it(`sends every event as the plain path does, byte for byte: ${name}`, () => {
      const a = start(fast, options, !!lone);
      const b = start(plain, options, !!lone);
      // The same error objects for both: one stack text, read by each client.
      for (let n = 0; n < 6; n++) {
        const error = failure(n);
        a.client.captureException(error);
        b.client.captureException(error);
        const sent = bytes(a.envelopes.at(-1));
        expect(sent).toBe(bytes(b.envelopes.at(-1)));
        for (const secret of secrets) expect(sent).not.toContain(secret);
        expect(sent).not.toContain('hunter2');
        if (!options.sendDefaultPii) expect(sent).not.toContain('jane@example.com');
      }
      expect(a.envelopes).toHaveLength(6);
    });
  }
});
