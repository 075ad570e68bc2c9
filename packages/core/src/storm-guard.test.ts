import { describe, expect, it } from 'vitest';
import { type ClientRuntime, createClient } from './client.js';
import type { Envelope } from './envelope.js';
import { isId } from './ids.js';
import type { ClientOptions } from './options.js';
import { createStormGuard, issueKey, type StormGuardOptions } from './storm-guard.js';
import type { Transport } from './transport.js';
import type { WireEvent } from './types.js';

const runtime: ClientRuntime = {
  platform: 'node',
  sdk: { name: 'faultline.test', version: '0.0.0' },
  createStormGuard,
};

function recordingClient(stormGuard?: false | StormGuardOptions, more: ClientOptions = {}) {
  const envelopes: Envelope[] = [];
  const drops = new Map<string, number>();
  const transport: Transport = {
    send: (envelope) => void envelopes.push(envelope),
    recordDroppedEvent: (reason, category, quantity = 1) =>
      void drops.set(`${reason}:${category}`, (drops.get(`${reason}:${category}`) ?? 0) + quantity),
    flush: async () => true,
    close: async () => true,
    takePending: () => [],
  };
  const options = stormGuard === undefined ? {} : { stormGuard };
  const client = createClient({ transport: () => transport, ...options, ...more }, runtime);
  const events = () =>
    envelopes.flatMap((e) => e.items.filter(([h]) => h.type === 'event').map(([, p]) => p as WireEvent));
  return { client, drops, events };
}

function failAt(n: number): Error {
  return new TypeError(`order ${n} failed`);
}
function failElsewhere(n: number): Error {
  return new TypeError(`order ${n} failed`);
}

/** An error thrown at a place of its own: each `n` is an issue of its own. */
function failInJob(n: number): Error {
  const error = new Error(`job ${n} failed`);
  error.stack = `Error: job ${n} failed\n    at run (/app/jobs/job-${n}.js:1:1)`;
  return error;
}

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
/** A few macrotasks later: captures put off have been built by then. */
const laterTasks = async () => {
  for (let i = 0; i < 3; i++) await nextTask();
};
/** The admissions that build an event now (not counted, not put off). */
const built = (admissions: unknown[]) => admissions.filter((a) => typeof a === 'object');

describe('storm guard', () => {
  it('keys an issue by type and top in-app frame, not by message', () => {
    expect(issueKey(failAt(1))).toBe(issueKey(failAt(2)));
    expect(issueKey(failAt(1))).not.toBe(issueKey(failElsewhere(1)));
    expect(issueKey(new RangeError('x'))).not.toBe(issueKey(new TypeError('x')));
    expect(issueKey('a string')).toBe(issueKey('another'));
  });

  it('sends a burst of one issue, counts the rest, and the next event carries how many', async () => {
    let t = 1_000_000;
    const guard = createStormGuard({ burst: 3, perSecond: 1, perTask: 100, now: () => t });
    const admitted = [];
    for (let i = 0; i < 1000; i++) admitted.push(guard.admit(failAt(i)));
    expect(built(admitted)).toHaveLength(3);
    expect(admitted.slice(0, 3)).toEqual([{ suppressed: 0 }, { suppressed: 0 }, { suppressed: 0 }]);
    // Past the run's bound the rest is counted (a guard in a client puts the first of a type off).
    expect(admitted.filter((a) => a === 'later')).toHaveLength(0);
    await nextTask();
    t += 1000; // one second later: one more token
    expect(guard.admit(failAt(5000))).toEqual({
      suppressed: 997,
      since: new Date(1_000_000).toISOString(),
    });
    expect(guard.admit(failAt(5001))).toBeUndefined();
    // Another issue has a burst of its own.
    expect(guard.admit(failElsewhere(1))).toEqual({ suppressed: 0 });
  });

  it('builds at most perTask events per synchronous run, over all issues', async () => {
    const guard = createStormGuard({ burst: 1000, perTask: 5 });
    const errors = (from: number) => Array.from({ length: 50 }, (_, i) => failInJob(from + i));
    expect(built(errors(0).map((e) => guard.admit(e)))).toHaveLength(5);
    await nextTask();
    expect(built(errors(50).map((e) => guard.admit(e)))).toHaveLength(5);
  });

  it('while a storm goes on, an issue builds perSecond events a second, and a different error still gets its own', async () => {
    let t = 1_000_000;
    const guard = createStormGuard({
      burst: 1000,
      perSecond: 2,
      perTask: 100,
      taskBudgetMs: 0,
      now: () => t,
    });
    // A first run: its first few events, then (its time spent) repeats are counted.
    const first = Array.from({ length: 50 }, (_, i) => guard.admit(failAt(i)));
    expect(built(first)).toHaveLength(3);
    // Later runs while the storm goes on: one event every half second, the rest counted.
    const later: unknown[] = [];
    for (let run = 0; run < 10; run++) {
      await nextTask();
      t += 100;
      for (let i = 0; i < 50; i++) later.push(guard.admit(failAt(i)));
    }
    expect(built(later)).toHaveLength(2);
    expect(guard.admit(failElsewhere(1))).toEqual({ suppressed: 0 });
    // A second without a count: the storm is over, a run builds its first few events again.
    await nextTask();
    t += 1000;
    const calm = [guard.admit(failAt(0)), guard.admit(failAt(1)), guard.admit(failAt(2))];
    expect(built(calm)).toHaveLength(3);
  });

  it('without a client to capture through, counts what a run cannot build and puts nothing off', () => {
    const guard = createStormGuard({ perTask: 1 });
    const admissions = [new Error('a'), new RangeError('b'), new SyntaxError('c')].map((e) => guard.admit(e));
    expect(admissions).not.toContain('later');
    expect(built(admissions)).toHaveLength(1);
  });

  it('in a client: every capture of a storm is sent or counted, and the count reaches the backend', async () => {
    let t = 5_000_000;
    const { client, drops, events } = recordingClient({ now: () => t });
    const ids = new Set<string>();
    for (let i = 0; i < 10_000; i++) ids.add(client.captureException(failAt(i)));
    // Counted or sent, each capture has an id of its own, in the event-id form.
    expect(ids.size).toBe(10_000);
    expect([...ids].every(isId)).toBe(true);
    const sent = events();
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.length).toBeLessThanOrEqual(25);
    // The storm's type has its events: nothing was put off, every other capture was counted.
    await laterTasks();
    const counted = drops.get('backpressure:error') ?? 0;
    expect(events()).toHaveLength(sent.length);
    expect(sent.length + counted).toBe(10_000);
    // The issue's next event says how many.
    t += 1000;
    await nextTask();
    client.captureException(failAt(-1));
    expect(events()).toHaveLength(sent.length + 1);
    expect(events().at(-1)?.contexts?.repeats).toMatchObject({ suppressed: counted });
    // Counted once: the one after carries no repeats.
    t += 1000;
    await nextTask();
    client.captureException(failAt(-2));
    expect(events()).toHaveLength(sent.length + 2);
    expect(events().at(-1)?.contexts?.repeats).toBeUndefined();
  });

  it('is off with stormGuard: false', () => {
    const { client, events } = recordingClient(false);
    for (let i = 0; i < 40; i++) client.captureException(failAt(i));
    expect(events()).toHaveLength(40);
  });
});

describe('storm guard and users', () => {
  it('counts one user repeating an error, but builds the same error for many users', async () => {
    const { client, drops, events } = recordingClient({ burst: 2, perSecond: 0, perTask: 100 });
    // One user in a loop: the burst, then counted.
    for (let n = 0; n < 5; n++) {
      client.withScope((scope) => {
        scope.setUser({ id: 'looping' });
        client.captureException(failAt(n));
      });
      await nextTask();
    }
    expect(events()).toHaveLength(2);
    expect(drops.get('backpressure:error')).toBe(3);
    // Many users at once: an outage whose reach must be counted, one event each.
    for (let n = 0; n < 5; n++) {
      client.withScope((scope) => {
        scope.setUser({ id: `user-${n}` });
        client.captureException(failAt(n));
      });
      await nextTask();
    }
    expect(events().map((e) => e.user?.id)).toEqual([
      'looping',
      'looping',
      'user-0',
      'user-1',
      'user-2',
      'user-3',
      'user-4',
    ]);
  });
});

describe('storm guard issue keys of repeats', () => {
  it('one stack text thrown as two types is two issues, and each repeat is counted', () => {
    const stack = new Error('x').stack ?? '';
    const thrown = (name: string) => ({ name, message: 'x', stack });
    const guard = createStormGuard({ burst: 1, perSecond: 0, perTask: 100, now: () => 0 });
    expect(guard.admit(thrown('RangeError'))).toEqual({ suppressed: 0 });
    expect(guard.admit(thrown('RangeError'))).toBeUndefined();
    expect(guard.admit(thrown('TypeError'))).toEqual({ suppressed: 0 });
    expect(guard.admit(thrown('TypeError'))).toBeUndefined();
    expect(guard.admit(thrown('RangeError'))).toBeUndefined();
  });

  it('keys errors from many places thrown in turn, each repeat to its own issue', () => {
    // More throw sites than stack texts compared first, each error a new object with its own
    // (equal) stack string, as a server failing in several places at once throws them.
    const sites = Array.from({ length: 9 }, (_, n) => `Error: x\n    at handler (/app/routes/r${n}.js:1:1)`);
    const thrown = (n: number) => ({ name: 'Error', message: 'x', stack: `${sites[n]}\n` });
    const guard = createStormGuard({ burst: 2, perSecond: 0, perTask: 1000, now: () => 0 });
    const built = Array.from({ length: 9 }, () => 0);
    for (let round = 0; round < 5; round++)
      for (let n = 0; n < 9; n++)
        if (typeof guard.admit(thrown(n)) === 'object') built[n] = (built[n] ?? 0) + 1;
    expect(built).toEqual(Array.from({ length: 9 }, () => 2));
    expect(issueKey(thrown(4))).toBe('Error\n/app/routes/r4.js:1:1');
  });

  it('a capture put off gets its id from the guard, and its event carries that id', async () => {
    const { client, events } = recordingClient({ perTask: 1 });
    client.captureException(failAt(0));
    const id = client.captureException(new RangeError('elsewhere'));
    expect(isId(id)).toBe(true);
    await laterTasks();
    expect(events().map((e) => e.event_id)).toContain(id);
  });
});

describe('storm guard: runs that only count', () => {
  it('a capture counted per run (a server failing one request at a time) leaves the next runs their whole bounds', async () => {
    let t = 1_000_000;
    const guard = createStormGuard({ burst: 1, perSecond: 0, perTask: 25, now: () => t });
    expect(guard.admit(failAt(0))).toEqual({ suppressed: 0 });
    await nextTask();
    for (let i = 1; i <= 100; i++) {
      t += 1;
      expect(guard.admit(failAt(i))).toBeUndefined();
      await nextTask();
    }
    // A run of 25 different errors after them: each is built, as in a run of their own.
    expect(built(Array.from({ length: 25 }, (_, i) => guard.admit(failInJob(i))))).toHaveLength(25);
    await nextTask();
    // The issue counted all along says how many once it may send again.
    const later = createStormGuard({ burst: 1, perSecond: 1, perTask: 1, now: () => t });
    expect(later.admit(failAt(0))).toEqual({ suppressed: 0 });
    await nextTask();
    expect(later.admit(failAt(1))).toBeUndefined();
    await nextTask();
    // perTask 1: a run that counted one capture has spent its bound; the next run has its own.
    t += 1000;
    expect(later.admit(failInJob(1))).toEqual({ suppressed: 0 });
  });
});

describe('storm guard: time per macrotask', () => {
  /**
   * A client whose events each take 3 ms to build (by the guard's clock), more than a run's
   * budget of 2 ms: after the first event of a run, captures wait for a later run or are counted.
   */
  function slowClient(perTask?: number, now?: () => number) {
    let ms = 0;
    const beforeSend = <T>(event: T): T => {
      ms += 3;
      return event;
    };
    const clock = () => ms;
    return recordingClient({ clock, ...(perTask && { perTask }), ...(now && { now }) }, { beforeSend });
  }

  it('a different error inside a storm is still sent, in a later macrotask, and every capture is sent or counted', async () => {
    let t = 1_000_000;
    const { client, drops, events } = slowClient(undefined, () => t);
    for (let i = 0; i < 500; i++) client.captureException(failAt(i));
    const lone = client.captureException(new RangeError('only once'));
    for (let i = 500; i < 1000; i++) client.captureException(failAt(i));
    // The run's first few events, then only counted: the other error is put off.
    expect(events()).toHaveLength(3);
    await laterTasks();
    const sent = events();
    const rare = sent.find((e) => e.exception?.values.at(-1)?.type === 'RangeError');
    expect(rare?.event_id).toBe(lone);
    expect(sent.filter((e) => e.exception?.values.at(-1)?.type === 'TypeError')).toHaveLength(3);
    expect(sent.length + (drops.get('backpressure:error') ?? 0)).toBe(1001);
    // The storm's own count reaches the backend on the issue's next event, once it is over.
    t += 1000;
    client.captureException(failAt(1000));
    const repeats = events().map(
      (e) => (e.contexts?.repeats as { suppressed?: number } | undefined)?.suppressed ?? 0,
    );
    expect(repeats.reduce((a, b) => a + b, 0)).toBe(drops.get('backpressure:error'));
  });

  it('a run builds its first few events whatever their time, then different errors only', async () => {
    const { client, events } = slowClient();
    for (let i = 0; i < 10; i++) client.captureException(failAt(i));
    client.captureException(new RangeError('another error'));
    client.captureException(failElsewhere(1));
    expect(events().map((e) => e.exception?.values.at(-1)?.value)).toEqual([
      'order 0 failed',
      'order 1 failed',
      'order 2 failed',
      'another error',
      'order 1 failed',
    ]);
  });

  it('a capture put off is built with the scope it was captured in', async () => {
    const { client, events } = slowClient(1);
    client.captureException(failAt(1));
    client.withScope((scope) => {
      scope.setTag('order', '42');
      client.captureException(new RangeError('put off'));
    });
    client.getScope().setTag('order', 'changed later');
    await laterTasks();
    const event = events().find((e) => e.exception?.values.at(-1)?.type === 'RangeError');
    expect(event?.tags?.order).toBe('42');
  });

  it('flush and exit delivery do not wait for the next macrotask', async () => {
    const { client, events } = slowClient(1);
    client.captureException(failAt(1));
    const first = client.captureException(new RangeError('put off'));
    expect(events().map((e) => e.event_id)).not.toContain(first);
    // Exit delivery asks for the transport to take what is pending: it holds the capture now.
    client.getTransport();
    expect(events().map((e) => e.event_id)).toContain(first);

    const second = client.captureException(new SyntaxError('put off too'));
    await client.flush(100);
    expect(events().map((e) => e.event_id)).toContain(second);
  });

  it('a capture put off while close flushes is still sent', async () => {
    const { client, drops, events } = slowClient(1);
    const closing = client.close(100);
    client.captureException(failAt(1));
    const late = client.captureException(new RangeError('put off during close'));
    client.captureException(failAt(2));
    await closing;
    await laterTasks();
    expect(events().map((e) => e.event_id)).toContain(late);
    expect(events().length + (drops.get('backpressure:error') ?? 0)).toBe(3);
  });
});

describe('storm guard: messages and events given whole', () => {
  it('keys a message by its level and text', () => {
    const guard = createStormGuard({ burst: 1, perTask: 100 });
    expect(guard.admitMessage('GET /checkout answered 500', 'error')).toEqual({
      suppressed: 0,
    });
    expect(guard.admitMessage('GET /checkout answered 500', 'error')).toBeUndefined();
    // Another text, another level: issues of their own.
    expect(guard.admitMessage('GET /cart answered 500', 'error')).toEqual({
      suppressed: 0,
    });
    expect(guard.admitMessage('GET /checkout answered 500', 'warning')).toEqual({
      suppressed: 0,
    });
  });

  it('events given whole to captureEvent are each built: each is one the app meant', () => {
    const { client, events } = recordingClient({ perTask: 2, burst: 1 });
    const failed = { exception: { values: [{ type: 'JobFailed', value: 'nightly export timed out' }] } };
    // One report per run of the job: the same failure text, each its own occurrence.
    for (let i = 0; i < 5; i++)
      client.captureEvent({ ...failed, fingerprint: ['nightly', String(i)], tags: { run: String(i) } });
    expect(events().map((e) => e.tags?.run)).toEqual(['0', '1', '2', '3', '4']);
  });

  it('a message captured in a loop: every capture sent or counted, and the next event says how many', async () => {
    let t = 7_000_000;
    const { client, drops, events } = recordingClient({ now: () => t });
    const ids = new Set<string>();
    for (let i = 0; i < 5_000; i++) ids.add(client.captureMessage('GET /orders/:id answered 503', 'error'));
    expect(ids.size).toBe(5_000);
    expect([...ids].every(isId)).toBe(true);
    await laterTasks();
    const sent = events();
    const counted = drops.get('backpressure:error') ?? 0;
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.length).toBeLessThanOrEqual(25);
    // The run's few events built are duplicates of the first (dropped as such, and counted).
    const everyDrop = [...drops.values()].reduce((a, b) => a + b, 0);
    expect(counted).toBeGreaterThan(4_900);
    expect(sent.length + everyDrop).toBe(5_000);
    t += 1000;
    await nextTask();
    client.captureMessage('GET /orders/:id answered 503', 'error');
    expect(events().at(-1)?.message).toBe('GET /orders/:id answered 503');
    expect(events().at(-1)?.contexts?.repeats).toMatchObject({ suppressed: counted });
  });

  it('a message inside a storm of errors is built at once, with the id it was given', async () => {
    let ms = 0;
    const beforeSend = <T>(event: T): T => {
      ms += 3;
      return event;
    };
    const { client, events } = recordingClient({ clock: () => ms }, { beforeSend });
    for (let i = 0; i < 200; i++) client.captureException(failAt(i));
    const id = client.captureMessage('payment provider answered 502', 'warning');
    const message = events().find((e) => e.message === 'payment provider answered 502');
    expect(message?.event_id).toBe(id);
    expect(message?.level).toBe('warning');
  });

  it('a loop of different messages is not a storm: each is sent, a text given twice too', () => {
    let ms = 0;
    const beforeSend = <T>(event: T): T => {
      ms += 3;
      return event;
    };
    const { client, events } = recordingClient({ clock: () => ms }, { beforeSend });
    for (let i = 0; i < 300; i++) client.captureMessage(`order ${i} shipped late`, 'warning');
    client.captureMessage('order 7 shipped late', 'warning');
    expect(events()).toHaveLength(301);
  });
});
