import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { type Envelope, parseEnvelope } from '@faultline/core';
import { type Alert, createAlertRules, createWebhookNotifier } from './alerts.js';
import { type Arrival, createArrivalTracker } from './arrivals.js';
import { createIssueStore, type IssueSummary } from './issues.js';

export interface DevReceiverOptions {
  /** @default 8969 (0 picks a free port) */
  port?: number;
  /** Only loopback by default: envelopes may hold data you would not publish. @default '127.0.0.1' */
  host?: string;
  /** Answer every envelope with this status, to see how an SDK backs off (e.g. 429, 413, 503). @default 200 */
  respondStatus?: number;
  /** `Retry-After` seconds sent with a 429. @default 60 */
  retryAfterSeconds?: number;
  /** Write every envelope received to this folder. */
  saveDir?: string;
  /** Called for each event, check-in and client report. */
  onArrival?: (arrival: Arrival) => void;
  /** Called when a request is not a valid envelope. */
  onReject?: (reason: string) => void;
  /** Post every alert as JSON to this URL (`new_issue`, `frequency`, `endpoint_spike`). */
  alertWebhook?: string;
  /** `frequency` alerts when an issue has more than this many events in `alertWindowMs`; also the high-volume mark of the priority rules. @default 50 */
  alertThreshold?: number;
  /** Window of the `frequency` and `endpoint_spike` rules. @default 300000 (5 minutes) */
  alertWindowMs?: number;
  /** Called for each alert raised, whether or not a webhook is set. */
  onAlert?: (alert: Alert) => void;
  /** Called when an alert could not be posted to the webhook. */
  onAlertError?: (message: string) => void;
}

export interface DevReceiver {
  url: string;
  port: number;
  /** A DSN that points at this receiver. */
  dsn: string;
  arrivals: Arrival[];
  envelopes: Envelope[];
  /** Every alert raised so far. */
  alerts: Alert[];
  /** Every issue with its priority, most urgent first (what `GET /api/issues` answers). */
  issues(): IssueSummary[];
  /** Stops listening once the alerts raised so far were posted (at most 10 s). */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 50 * 1024 * 1024;
/** Longest wait at close for alerts still being posted to the webhook. */
const CLOSE_ALERTS_WAIT_MS = 10_000;
const inflate = {
  gzip: promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
} as const;

/** A local Sentry-protocol receiver that shows what your app sends while you develop it. */
export async function startDevReceiver(options: DevReceiverOptions = {}): Promise<DevReceiver> {
  const tracker = createArrivalTracker();
  const arrivals: Arrival[] = [];
  const envelopes: Envelope[] = [];
  const alerts: Alert[] = [];
  const issueStore = createIssueStore(
    options.alertThreshold !== undefined ? { volumeThreshold: options.alertThreshold } : {},
  );
  const rules = createAlertRules({
    ...(options.alertThreshold !== undefined ? { threshold: options.alertThreshold } : {}),
    ...(options.alertWindowMs !== undefined ? { windowMs: options.alertWindowMs } : {}),
  });
  const notifier = options.alertWebhook
    ? createWebhookNotifier(options.alertWebhook, (message) => options.onAlertError?.(message))
    : undefined;
  const sockets = new Set<Socket>();
  let saved = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.onReject?.(String(error));
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Browsers post cross-origin; answering CORS lets the browser SDK report here too.
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', '*');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    if (req.method === 'GET' && new URL(req.url ?? '/', 'http://x').pathname === '/api/issues') {
      return void res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(`${JSON.stringify(issueStore.list(), null, 2)}\n`);
    }
    if (
      req.method !== 'POST' ||
      !/\/api\/[^/]+\/envelope\/?$/.test(new URL(req.url ?? '/', 'http://x').pathname)
    ) {
      return void res
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('faultline-dev accepts POST /api/<project>/envelope/\n');
    }
    const raw = await readBody(req);
    if (!raw) return void res.writeHead(413).end();
    const encoding = String(req.headers['content-encoding'] ?? '').toLowerCase();
    let body: Buffer;
    try {
      body = encoding in inflate ? await inflate[encoding as keyof typeof inflate](raw) : raw;
    } catch (error) {
      options.onReject?.(`could not decompress ${encoding} body: ${String(error)}`);
      return void res.writeHead(400).end();
    }
    let envelope: Envelope;
    try {
      envelope = parseEnvelope(new Uint8Array(body));
    } catch (error) {
      options.onReject?.(`not a valid envelope: ${error instanceof Error ? error.message : String(error)}`);
      return void res.writeHead(400).end();
    }
    envelopes.push(envelope);
    if (options.saveDir) {
      await mkdir(options.saveDir, { recursive: true });
      await writeFile(
        join(options.saveDir, `${Date.now()}-${String(++saved).padStart(5, '0')}.envelope`),
        body,
      );
    }
    for (const arrival of tracker.fromEnvelope(envelope)) {
      const raised: Alert[] = [];
      if (arrival.kind === 'event') {
        const now = Date.now();
        const { issue, isNew } = issueStore.record(arrival, now);
        arrival.priority = issue.priority;
        raised.push(...rules.onEvent(issue, isNew, now));
      }
      arrivals.push(arrival);
      options.onArrival?.(arrival);
      for (const alert of raised) {
        alerts.push(alert);
        options.onAlert?.(alert);
        notifier?.send(alert);
      }
    }
    const status = options.respondStatus ?? 200;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (status === 429) headers['retry-after'] = String(options.retryAfterSeconds ?? 60);
    res.writeHead(status, headers).end(JSON.stringify({ id: envelope.headers.event_id ?? null }));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8969, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    port,
    dsn: `http://faultline-dev@${host}:${port}/0`,
    arrivals,
    envelopes,
    alerts,
    issues: () => issueStore.list(),
    close: async () => {
      // Alerts still being posted get a bounded while: a webhook that hangs must not hang us.
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, CLOSE_ALERTS_WAIT_MS);
      });
      await Promise.race([notifier?.drain(), bound]);
      clearTimeout(timer);
      await new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      });
    },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.destroy();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
