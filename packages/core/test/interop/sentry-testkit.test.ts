import { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sentryTestkit from 'sentry-testkit';
import { describe, expect, it } from 'vitest';
import { RELEASE, sendEveryKind } from './every-kind.js';

type Listen = (this: Server, ...args: unknown[]) => Server;

/**
 * sentry-testkit's `localServer.start()` calls `server.listen(callback)`, which binds every
 * interface, and has no host option. It calls `listen` synchronously, so wrapping
 * `Server.prototype.listen` for the duration of that call alone puts it on 127.0.0.1.
 */
async function startOnLoopback(start: () => Promise<unknown>): Promise<Server[]> {
  const proto = Server.prototype as unknown as { listen: Listen };
  const listen = proto.listen;
  const servers: Server[] = [];
  proto.listen = function loopbackListen(this: Server, ...args: unknown[]) {
    servers.push(this);
    if (typeof args[0] === 'function') return listen.call(this, 0, '127.0.0.1', args[0]);
    return listen.apply(this, args);
  };
  let started: Promise<unknown>;
  try {
    started = start();
  } finally {
    proto.listen = listen;
  }
  await started;
  return servers;
}

describe('interop: sentry-testkit localServer', () => {
  it('accepts and parses every kind of envelope the client sends', async () => {
    const { testkit, localServer } = sentryTestkit();
    const servers = await startOnLoopback(() => localServer.start('http://key@127.0.0.1/7'));
    try {
      expect(servers.map((s) => (s.address() as AddressInfo).address)).toEqual(['127.0.0.1']);
      // Its DSN names `localhost`; the server listens on 127.0.0.1 only.
      const dsn = (localServer.getDsn() ?? '').replace('@localhost:', '@127.0.0.1:');
      expect(dsn).toMatch(/^http:\/\/\w+@127\.0\.0\.1:\d+\/7$/);
      const sent = await sendEveryKind(dsn);
      expect(sent.flushed).toBe(true);
      expect(sent.statuses.length).toBeGreaterThanOrEqual(5);
      expect(sent.statuses.every((s) => s === 200)).toBe(true);

      const reports = await testkit.waitForReports(2, { timeout: 3000 });
      const error = reports.find((r) => r.originalReport.event_id === sent.exceptionId);
      // testkit's `error` is `exception.values[0]`: the root cause, as Sentry orders chains.
      expect(error?.error).toMatchObject({ name: 'RangeError', message: 'stock below zero' });
      expect(error?.originalReport.exception?.values?.at(-1)).toMatchObject({
        type: 'CheckoutError',
        value: 'checkout failed ✗ — ünïcode',
      });
      expect(error?.release).toBe(RELEASE);
      expect(error?.user).toEqual({ id: 'user-42' });
      expect(error?.tags).toMatchObject({ region: 'eu' });
      // Faultline sends the `{values: [...]}` form of breadcrumbs (the one Relay's schema
      // names); testkit passes it through as it came.
      expect(error?.breadcrumbs).toMatchObject({ values: [{ category: 'db', message: 'SELECT 1' }] });
      expect(testkit.findReportByMessage('cache warm-up slow')?.level).toBe('warning');
      expect(testkit.findReportByMessage('filtered out')).toBeUndefined();

      const [checkIn] = await testkit.waitForCheckIns(1, { timeout: 3000 });
      expect(checkIn).toMatchObject({
        checkInId: sent.checkInId,
        monitorSlug: 'nightly-report',
        status: 'ok',
      });
      const [session] = await testkit.waitForSessions(1, { timeout: 3000 });
      expect(session).toMatchObject({ sid: sent.sessionId, status: 'exited', errors: 1, release: RELEASE });
      const [report] = await testkit.waitForClientReports(1, { timeout: 3000 });
      expect(report?.discardedEvents).toEqual([{ reason: 'before_send', category: 'error', quantity: 1 }]);
    } finally {
      await localServer.stop();
    }
  });
});
