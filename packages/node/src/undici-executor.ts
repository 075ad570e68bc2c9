import type { TransportExecutor, TransportResponse } from '@faultline/core';
import type { Pool } from 'undici';
import { importOptional } from './optional-import.js';

export interface UndiciExecutorOptions {
  /** The envelope endpoint, e.g. `https://o1.ingest.example.com/api/1/envelope/`. */
  url: string;
  /** Sent with every request (`X-Sentry-Auth`, `User-Agent`). */
  headers?: Record<string, string>;
  /** Bodies of at least this many bytes are gzipped. @default 32768 */
  gzipThreshold?: number;
  /** @default 5000 */
  connectTimeoutMs?: number;
  /** Longest wait for the response headers, then for each chunk of the body. @default 10000 */
  responseTimeoutMs?: number;
  /** Idle sockets are closed after this long. @default 10000 */
  keepAliveTimeoutMs?: number;
  /** Sockets to the ingest at most. @default 2 */
  connections?: number;
}

/**
 * Loaded through `importOptional`, so that bundlers leave undici out of apps that use the default
 * executor; an app that picks this executor has undici installed and loads it then.
 */
const UNDICI = 'undici';

interface Loaded {
  pool: Pool;
  gzip: (body: Uint8Array) => Promise<Uint8Array>;
  Readable: typeof import('node:stream').Readable;
}

/**
 * The Node transport executor: POSTs envelope bytes with undici's keep-alive Pool. undici and
 * zlib are loaded on the first send, so importing the SDK costs nothing for them. Its sockets
 * never hold the process open; delivery at exit is the exit-flush integration's job.
 */
export function createUndiciExecutor(options: UndiciExecutorOptions): TransportExecutor {
  const url = new URL(options.url);
  const path = `${url.pathname}${url.search}`;
  const threshold = options.gzipThreshold ?? 32 * 1024;
  let loaded: Promise<Loaded> | undefined;

  const load = (): Promise<Loaded> => {
    loaded ??= Promise.all([
      importOptional(UNDICI) as Promise<typeof import('undici')>,
      import('node:zlib'),
      import('node:util'),
      import('node:stream'),
    ]).then(([undici, zlib, util, stream]) => {
      const connector = undici.buildConnector({ timeout: options.connectTimeoutMs ?? 5000 });
      const pool = new undici.Pool(url.origin, {
        connections: options.connections ?? 2,
        keepAliveTimeout: options.keepAliveTimeoutMs ?? 10_000,
        headersTimeout: options.responseTimeoutMs ?? 10_000,
        bodyTimeout: options.responseTimeoutMs ?? 10_000,
        // undici refs a socket while a request is in flight; ours stay unref'd so a send
        // never delays the process's exit beyond the exit-flush bound.
        connect: (connectOptions, callback) =>
          connector(connectOptions, (error, socket) => {
            if (socket) {
              socket.unref();
              socket.ref = () => socket;
            }
            (callback as (e: Error | null, s: typeof socket | null) => void)(error, socket);
          }),
      });
      const gzip = util.promisify(zlib.gzip) as (body: Uint8Array) => Promise<Uint8Array>;
      return { pool, gzip, Readable: stream.Readable };
    });
    return loaded;
  };

  return {
    async send(body, written) {
      const { pool, gzip, Readable } = await load();
      const headers: Record<string, string> = {
        ...options.headers,
        'content-type': 'application/x-sentry-envelope',
      };
      let payload = body;
      if (body.byteLength >= threshold) {
        payload = await gzip(body);
        headers['content-encoding'] = 'gzip';
      }
      // A stream body ends when undici has written its last chunk to the socket: that is when
      // the receiver may have the envelope, and delivery at exit must not send it again.
      headers['content-length'] = String(payload.byteLength);
      const stream = Readable.from([payload], { objectMode: false });
      if (written) stream.once('end', written);
      const response = await pool.request({
        origin: url.origin,
        path,
        method: 'POST',
        headers,
        body: stream,
      });
      await response.body.dump();
      return { status: response.statusCode, headers: pickHeaders(response.headers) };
    },
    async close() {
      if (!loaded) return;
      const { pool } = await loaded;
      await pool.close();
    },
  };
}

function pickHeaders(headers: Record<string, string | string[] | undefined>): TransportResponse['headers'] {
  const first = (value: string | string[] | undefined): string | null =>
    (Array.isArray(value) ? value[0] : value) ?? null;
  return {
    'x-sentry-rate-limits': first(headers['x-sentry-rate-limits']),
    'retry-after': first(headers['retry-after']),
  };
}
