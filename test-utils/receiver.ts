/**
 * A small Sentry-style ingest server for tests: a real `node:http` server on 127.0.0.1 that
 * decompresses and strictly parses every envelope it receives, records it, and answers what
 * the test asks for (429 with rate-limit headers, 413, 5xx, a slow answer, no answer at all,
 * a dropped connection), which the off-the-shelf receivers cannot do.
 *
 * @example
 * const receiver = await startReceiver();
 * try {
 *   init({ dsn: receiver.dsn });
 *   captureException(new Error('boom'));
 *   await receiver.waitFor(1);
 *   expect(receiver.events()[0]?.exception?.values[0]?.value).toBe('boom');
 * } finally {
 *   await receiver.close();
 * }
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type Envelope, parseEnvelope } from '../packages/core/src/envelope.js';
import type { ClientReport, SessionUpdate, WireCheckIn, WireEvent } from '../packages/core/src/types.js';
import { decompress, UnsupportedEncoding } from './decompress.js';
import { logEnvelope } from './envelope-log.js';

export interface ReceivedRequest {
  method: string;
  /** Path without the query string, e.g. `/api/1/envelope/`. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The body after undoing `Content-Encoding`. */
  body: Uint8Array;
  /** The parsed envelope; empty (`{headers: {}, items: []}`) when `envelopeError` is set. */
  envelope: Envelope;
  /** Why the body is not a valid envelope (or could not be decompressed), if it is not. */
  envelopeError?: string;
  /** The body parsed as one JSON document, when it is one (webhook posts). */
  json?: unknown;
  receivedAt: number;
}

export interface ReceiverResponse {
  /** @default 200 (400 for a malformed envelope, 415 for an unknown Content-Encoding) */
  status?: number;
  headers?: Record<string, string>;
  /** @default `{"id":"<event_id>"}` */
  body?: string;
  /** Answer after this many milliseconds. */
  delayMs?: number;
  /** Never answer; the connection stays open until `close()`. */
  hang?: boolean;
  /** Destroy the socket instead of answering (the client sees a network error). */
  destroy?: boolean;
}

export interface ReceiverOptions {
  /** Decides the answer to each request; it has already been recorded when this runs. */
  respond?: (
    request: ReceivedRequest,
  ) => ReceiverResponse | undefined | Promise<ReceiverResponse | undefined>;
}

export interface Receiver {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `http://public@127.0.0.1:<port>/1` */
  dsn: string;
  port: number;
  requests: ReceivedRequest[];
  events(): WireEvent[];
  checkIns(): WireCheckIn[];
  clientReports(): ClientReport[];
  sessions(): SessionUpdate[];
  /** Every payload of the given item type, across all requests, in arrival order. */
  items(type: string): unknown[];
  /** Forgets what was received so far. */
  clear(): void;
  /**
   * Resolves once the recorded requests satisfy `predicate`, or once at least `count` have
   * arrived; rejects after `timeoutMs` with a list of what did arrive.
   */
  waitFor(condition: number | ((requests: ReceivedRequest[]) => boolean), timeoutMs?: number): Promise<void>;
  /** Destroys open connections (including hanging ones) and stops the server. */
  close(): Promise<void>;
}

const EMPTY: Envelope = { headers: {}, items: [] };

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function record(req: IncomingMessage, raw: Buffer): { request: ReceivedRequest; status: number } {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const request: ReceivedRequest = {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: req.headers,
    body: new Uint8Array(raw),
    envelope: EMPTY,
    receivedAt: Date.now(),
  };
  let status = 200;
  try {
    const body = decompress(
      String(req.headers['content-encoding'] ?? '')
        .trim()
        .toLowerCase(),
      raw,
    );
    request.body = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  } catch (error) {
    request.envelopeError = `cannot decompress: ${(error as Error).message}`;
    return { request, status: error instanceof UnsupportedEncoding ? 415 : 400 };
  }
  try {
    request.json = JSON.parse(new TextDecoder().decode(request.body));
  } catch {
    // Not a single JSON document: the usual case for an envelope.
  }
  try {
    request.envelope = parseEnvelope(request.body);
    logEnvelope(`receiver ${request.path}`, request.envelope);
  } catch (error) {
    request.envelopeError = (error as Error).message;
    status = 400;
  }
  return { request, status };
}

function summarize(request: ReceivedRequest): string {
  const items = request.envelope.items.map(([headers, payload]) => {
    const event = payload as Partial<WireEvent> | undefined;
    const detail =
      headers.type === 'event'
        ? (event?.exception?.values?.at(-1)?.value ?? event?.message)
        : headers.type === 'check_in'
          ? `${(payload as WireCheckIn).monitor_slug}:${(payload as WireCheckIn).status}`
          : undefined;
    return detail === undefined ? headers.type : `${headers.type}(${JSON.stringify(detail)})`;
  });
  const error = request.envelopeError ? ` error: ${request.envelopeError}` : '';
  return `${request.method} ${request.path} [${items.join(', ')}]${error}`;
}

/** Starts a receiver on 127.0.0.1 on a free port. Always `close()` it. */
export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const waiters = new Set<() => void>();
  let closed = false;

  const answer = (res: ServerResponse, spec: ReceiverResponse, request: ReceivedRequest): void => {
    if (closed || res.destroyed) return;
    if (spec.destroy) {
      res.socket?.destroy();
      return;
    }
    if (spec.hang) return;
    const eventId = request.envelope.headers.event_id;
    const body = spec.body ?? JSON.stringify(eventId === undefined ? {} : { id: eventId });
    res.writeHead(spec.status ?? 200, { 'content-type': 'application/json', ...spec.headers });
    res.end(body);
  };

  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const { request, status } = record(req, raw);
      requests.push(request);
      for (const wake of [...waiters]) wake();
      let spec: ReceiverResponse = { status };
      try {
        spec = { status, ...(await options.respond?.(request)) };
      } catch (error) {
        spec = { status: 500, body: String(error) };
      }
      if (spec.delayMs && spec.delayMs > 0) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer(res, spec, request);
        }, spec.delayMs);
        timers.add(timer);
      } else {
        answer(res, spec, request);
      }
    })().catch(() => res.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const items = (type: string): unknown[] =>
    requests.flatMap((r) => r.envelope.items.filter(([h]) => h.type === type).map(([, payload]) => payload));

  return {
    url,
    dsn: `http://public@127.0.0.1:${port}/1`,
    port,
    requests,
    items,
    events: () => items('event') as WireEvent[],
    checkIns: () => items('check_in') as WireCheckIn[],
    clientReports: () => items('client_report') as ClientReport[],
    sessions: () => items('session') as SessionUpdate[],
    clear: () => {
      requests.length = 0;
    },
    waitFor(condition, timeoutMs = 5000) {
      const satisfied = () =>
        typeof condition === 'number' ? requests.length >= condition : condition(requests);
      return new Promise<void>((resolve, reject) => {
        let timer: NodeJS.Timeout | undefined;
        const done = (error?: Error) => {
          waiters.delete(check);
          if (timer) clearTimeout(timer);
          if (error) reject(error);
          else resolve();
        };
        const check = () => {
          let ok: boolean;
          try {
            ok = satisfied();
          } catch (error) {
            done(error as Error);
            return;
          }
          if (ok) done();
          else if (closed) done(new Error('receiver closed while waiting'));
        };
        waiters.add(check);
        timer = setTimeout(() => {
          const what = typeof condition === 'number' ? `${condition} request(s)` : 'the predicate';
          const list = requests.map((r, i) => `  ${i + 1}. ${summarize(r)}`).join('\n');
          done(
            new Error(
              `receiver: timed out after ${timeoutMs} ms waiting for ${what}; received ${requests.length}${list ? `:\n${list}` : ''}`,
            ),
          );
        }, timeoutMs);
        timer.unref();
        check();
      });
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const wake of [...waiters]) wake();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
    },
  };
}

/** A URL on 127.0.0.1 whose port was free a moment ago and is now closed: connections are refused. */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** A DSN pointing at a closed port on 127.0.0.1 (see {@link refusedUrl}). */
export async function refusedDsn(): Promise<string> {
  return `${(await refusedUrl()).replace('://', '://public@')}/1`;
}
