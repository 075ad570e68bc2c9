import type { Server } from 'node:http';
import { type AddressInfo, createConnection } from 'node:net';
import { parseEnvelope as sentryParseEnvelope } from '@sentry/core';
import type { ReceivedRequest } from '../../../test-utils/receiver.js';

export interface Answer {
  status: number;
  contentType: string | null;
  body: string;
}

/** Starts `listen` on 127.0.0.1, port 0; returns the base URL and a closer. */
export async function serve(
  listen: (port: number, host: string, ready: () => void) => Server,
): Promise<{ url: string; close: () => Promise<void> }> {
  let server: Server | undefined;
  await new Promise<void>((resolve) => {
    server = listen(0, '127.0.0.1', resolve);
  });
  const { port } = (server as Server).address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server?.closeAllConnections();
        server?.close(() => resolve());
      }),
  };
}

export async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: await response.text(),
  };
}

/** The request's body as text. */
/**
 * GETs `paths` on one connection, all written at once (HTTP/1.1 pipelining: Node hands each
 * request to the app as it reads it, so later ones start while the first is being answered);
 * resolves with every status code, in order.
 */
export async function pipelined(url: string, paths: string[], host = 'pipelined.test'): Promise<number[]> {
  const { port } = new URL(url);
  const raw = await new Promise<string>((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port: Number(port) }, () => {
      const last = paths.length - 1;
      socket.write(
        paths
          .map(
            (path, i) =>
              `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n${i === last ? 'Connection: close\r\n' : ''}\r\n`,
          )
          .join(''),
      );
    });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      text += chunk;
    });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
  // A body without a line break runs straight into the next status line.
  return [...raw.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
}

/**
 * The reports of the pipelining test an adapter's app answers (`/slow-unavailable` sends a 503
 * late, `/slow-failure` fails late, `/fine` answers at once, all on one connection): the 503's
 * report and the failure's event, each of which must carry its own request and route.
 */
export async function pipelinedReports(
  url: string,
  receiver: { waitFor(count: number): Promise<unknown>; requests: ReceivedRequest[] },
): Promise<{ statuses: number[]; events: Array<Record<string, any>>; reported: Array<[unknown, unknown]> }> {
  const statuses = await pipelined(url, ['/slow-unavailable', '/slow-failure', '/fine']);
  await receiver.waitFor(2);
  const events = eventsParsedBySentry(receiver.requests);
  const unavailable = events.find((e) => e.message?.startsWith('HTTP 503'));
  const failure = events.find((e) => e.exception?.values.at(-1).value === 'slow failure');
  return {
    statuses,
    events,
    reported: [unavailable, failure].map((e) => [e?.request?.url, e?.transaction]) as Array<
      [unknown, unknown]
    >,
  };
}

/** What {@link pipelinedReports} must find: each report with its own request and route. */
export const PIPELINED_EXPECTED = {
  statuses: [503, 500, 200],
  reported: [
    ['http://pipelined.test/slow-unavailable', 'GET /slow-unavailable'],
    ['http://pipelined.test/slow-failure', 'GET /slow-failure'],
  ],
};

export function bodyText(request: ReceivedRequest): string {
  return new TextDecoder().decode(request.body);
}

/**
 * Every event in the received envelopes, parsed by @sentry/core's envelope parser (an
 * independent implementation), not ours.
 */
export function eventsParsedBySentry(requests: ReceivedRequest[]): Array<Record<string, any>> {
  return itemsParsedBySentry(requests, 'event');
}

/** The payloads of every item of `type` in the received envelopes, parsed by @sentry/core. */
export function itemsParsedBySentry(requests: ReceivedRequest[], type: string): Array<Record<string, any>> {
  const out: Array<Record<string, any>> = [];
  for (const request of requests) {
    const [, items] = sentryParseEnvelope(request.body);
    for (const [headers, payload] of items) {
      if (headers.type !== type) continue;
      // With a `length` header @sentry/core hands the payload back as bytes.
      const json = payload instanceof Uint8Array ? JSON.parse(new TextDecoder().decode(payload)) : payload;
      out.push(json as Record<string, any>);
    }
  }
  return out;
}

/** How many drops for `reason` the received client reports count in all. */
export function droppedPerReports(requests: ReceivedRequest[], reason: string): number {
  let sum = 0;
  for (const report of itemsParsedBySentry(requests, 'client_report'))
    for (const entry of report.discarded_events ?? []) if (entry.reason === reason) sum += entry.quantity;
  return sum;
}

/** The secrets a test request carries; none may reach the receiver. */
export const SECRETS = {
  authorization: 'Bearer sk_live_51HxAbCdEfGhIjKlMnOpQrSt',
  cookie: 'session=s3ss10n-c00k13-v4lu3-xyz',
  apiKey: 'xak-9f8e7d6c5b4a39281706',
  token: 'qtok-7c1e2f9a4b8d6e3f',
  password: 'hunter2-Correct-Horse',
  card: '4111 1111 1111 1111',
  email: 'ada.lovelace@example.com',
  jwt: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
  aws: 'AKIAIOSFODNN7EXAMPLE',
};

/** A request carrying every secret in {@link SECRETS}: headers, query and a JSON body. */
export function secretRequest(): RequestInit {
  return {
    method: 'POST',
    headers: {
      authorization: SECRETS.authorization,
      cookie: SECRETS.cookie,
      'x-api-key': SECRETS.apiKey,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      password: SECRETS.password,
      payment: { card: SECRETS.card },
      email: SECRETS.email,
      note: `token for later: ${SECRETS.jwt}`,
      aws: { accessKeyId: SECRETS.aws },
      items: ['tea', 'mug'],
    }),
  };
}

/** Values that must appear nowhere in what was sent, with the card number also without spaces. */
export function secretValues(): string[] {
  return [
    ...Object.values(SECRETS),
    SECRETS.card.replace(/ /g, ''),
    's3ss10n-c00k13-v4lu3-xyz',
    'sk_live_51HxAbCdEfGhIjKlMnOpQrSt',
  ];
}
