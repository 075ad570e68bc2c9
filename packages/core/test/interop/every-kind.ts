/**
 * Sends one envelope of every kind Faultline produces (event, check-in, client report,
 * session) through the real pipeline: `createClient` with its default transport and core's
 * fetch executor, over real HTTP to whatever receiver the DSN names.
 */
import { type Client, createClient } from '../../src/client.js';
import type { Dsn } from '../../src/dsn.js';
import { envelopeUrlWithAuth } from '../../src/dsn.js';
import { createSessionEnvelope } from '../../src/envelope.js';
import { createFetchExecutor } from '../../src/fetch-executor.js';
import { uuid4 } from '../../src/ids.js';
import { requestDataFrom } from '../../src/request.js';
import { sendCheckIn } from '../../src/send-check-in.js';
import type { TransportExecutor, TransportResponse } from '../../src/transport.js';
import type { SessionUpdate } from '../../src/types.js';

export const SDK = { name: 'faultline.node', version: '0.1.0' };
export const RELEASE = 'interop@1.2.3';

export interface Sent {
  exceptionId: string;
  messageId: string;
  checkInId: string;
  sessionId: string;
  /** Status of every HTTP answer the executor got. */
  statuses: number[];
  flushed: boolean;
}

/** The executor the client would build by default, recording each answer's status. */
function recordingFetchExecutor(dsn: Dsn, sdkClient: string, statuses: number[]): TransportExecutor {
  const inner = createFetchExecutor({ url: envelopeUrlWithAuth(dsn, sdkClient) });
  return {
    async send(body): Promise<TransportResponse> {
      const response = await inner.send(body);
      statuses.push(response.status);
      return response;
    },
  };
}

class CheckoutError extends Error {
  override name = 'CheckoutError';
}

/** Captures an error with request context and a cause, a message, a check-in, a dropped event and a session. */
export async function sendEveryKind(dsn: string): Promise<Sent> {
  const statuses: number[] = [];
  const client: Client = createClient(
    {
      dsn,
      release: RELEASE,
      environment: 'interop',
      beforeSend: (event) => (event.tags?.drop === 'yes' ? null : event),
    },
    {
      platform: 'node',
      sdk: SDK,
      sendCheckIn,
      createExecutor: (parsed, sdkClient) => recordingFetchExecutor(parsed, sdkClient, statuses),
    },
  );
  try {
    const exceptionId = client.withScope((scope) => {
      scope
        .setRequest(
          requestDataFrom(
            {
              method: 'POST',
              url: 'http://shop.test/checkout?token=abc123&page=2',
              headers: { 'content-type': 'application/json', authorization: 'Bearer abc.def.ghi' },
              body: { sku: 'A-1', password: 'hunter2' },
            },
            {},
          ),
        )
        .setUser({ id: 'user-42' })
        .setTag('region', 'eu')
        .setTransaction('POST /checkout')
        .addBreadcrumb({ category: 'db', message: 'SELECT 1' });
      const cause = new RangeError('stock below zero');
      return client.captureException(new CheckoutError('checkout failed ✗ — ünïcode', { cause }));
    });
    const messageId = client.captureMessage('cache warm-up slow', 'warning');
    const checkInId = client.captureCheckIn(
      { monitorSlug: 'nightly-report', status: 'ok', duration: 1.5 },
      { schedule: { type: 'crontab', value: '0 3 * * *' }, checkin_margin: 5, max_runtime: 30 },
    );
    const session: SessionUpdate = {
      sid: uuid4(),
      did: 'user-42',
      init: true,
      started: new Date(Date.now() - 5000).toISOString(),
      timestamp: new Date().toISOString(),
      status: 'exited',
      errors: 1,
      duration: 5,
      attrs: { release: RELEASE, environment: 'interop' },
    };
    client.getTransport()?.send(createSessionEnvelope(session, { sdk: SDK, ...(client.dsn ? { dsn } : {}) }));
    // Dropped by beforeSend last, so the flush sends its count as a standalone client report.
    client.withScope((scope) => {
      scope.setTag('drop', 'yes');
      client.captureMessage('filtered out');
    });
    const flushed = await client.flush(5000);
    return { exceptionId, messageId, checkInId, sessionId: session.sid, statuses, flushed };
  } finally {
    await client.close(1000);
  }
}
