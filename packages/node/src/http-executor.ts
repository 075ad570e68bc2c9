import type { TransportExecutor, TransportResponse } from '@faultline/core';
import type { UndiciExecutorOptions } from './undici-executor.js';

/** The same settings as the undici executor. */
export type HttpExecutorOptions = UndiciExecutorOptions;

type Http = typeof import('node:http');

/**
 * The default Node transport executor: POSTs envelope bytes with `node:http`/`node:https` and a
 * keep-alive agent. Node ships these modules, so the SDK adds no HTTP client to an app or a
 * bundle (undici alone is about 1 MB minified and 16 MiB of memory once loaded), and they are
 * loaded on the first send. Its sockets never hold the process open; delivery at exit is the
 * exit-flush integration's job.
 */
export function createHttpExecutor(options: HttpExecutorOptions): TransportExecutor {
  const url = new URL(options.url);
  const threshold = options.gzipThreshold ?? 32 * 1024;
  const responseTimeoutMs = options.responseTimeoutMs ?? 10_000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  let http: Http | undefined;
  let agent: import('node:http').Agent | undefined;

  const load = (): { http: Http; agent: import('node:http').Agent } => {
    http ??= process.getBuiltinModule(url.protocol === 'https:' ? 'node:https' : 'node:http') as Http;
    agent ??= new http.Agent({
      keepAlive: true,
      maxSockets: options.connections ?? 2,
      timeout: options.keepAliveTimeoutMs ?? 10_000,
    });
    return { http, agent };
  };

  const post = (
    body: Uint8Array,
    headers: Record<string, string>,
    written?: () => void,
  ): Promise<TransportResponse> =>
    new Promise((resolve, reject) => {
      const { http, agent } = load();
      const request = http.request(url, { method: 'POST', agent, headers, timeout: responseTimeoutMs });
      let connectTimer: ReturnType<typeof setTimeout> | undefined;
      request.on('socket', (socket) => {
        // Never keep the process alive for a send (the exit flush owns delivery at exit).
        socket.unref();
        if ((socket as { connecting?: boolean }).connecting) {
          connectTimer = setTimeout(() => request.destroy(new Error('connect timeout')), connectTimeoutMs);
          connectTimer.unref();
          socket.once('connect', () => clearTimeout(connectTimer));
        }
      });
      request.on('timeout', () => request.destroy(new Error('response timeout')));
      request.on('error', (error) => {
        clearTimeout(connectTimer);
        reject(error);
      });
      request.on('response', (response) => {
        response.resume();
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: {
              'x-sentry-rate-limits': first(response.headers['x-sentry-rate-limits']),
              'retry-after': first(response.headers['retry-after']),
            },
          }),
        );
      });
      // The callback runs once the last byte is handed to the socket: from then on the exit
      // flush must not send this envelope again (the ingest may already have it).
      request.end(body, written);
    });

  return {
    async send(body, written) {
      const headers: Record<string, string> = {
        ...options.headers,
        'content-type': 'application/x-sentry-envelope',
      };
      let payload = body;
      if (body.byteLength >= threshold) {
        const zlib = process.getBuiltinModule('node:zlib');
        payload = await new Promise<Uint8Array>((resolve, reject) =>
          zlib.gzip(body, (error, out) => (error ? reject(error) : resolve(out))),
        );
        headers['content-encoding'] = 'gzip';
      }
      headers['content-length'] = String(payload.byteLength);
      return post(payload, headers, written);
    },
    async close() {
      agent?.destroy();
    },
  };
}

function first(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}
