/**
 * A local stand-in for the OpenWhisk controller's activation endpoints, as apache/openwhisk's
 * API description (core/controller/src/main/resources/apiv1swagger.json) defines them:
 *
 * - `GET /api/v1/namespaces/{namespace}/activations` with `name`, `limit` (0–200, default 30,
 *   0 = the maximum), `skip`, `since`, `upto` (epoch ms) and `docs`: newest first; brief records
 *   (`ActivationBrief`, with `statusCode` 0–3) unless `docs=true` gives the full `Activation`;
 * - `GET …/activations/{activationid}`, `…/logs` (`{logs}`), `…/result` (the `response`).
 *
 * Basic authentication with `uuid:key`; the namespace `_` is the key's own. Records are shaped
 * like the platform's (`WhiskActivation` with the invoker's annotations: path, kind, limits,
 * timeout, waitTime, initTime; `response.status` as the controller renders it).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const API_KEY =
  '23bc46b1-71f6-4ed5-8c54-816aa4f8c502:123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP';
const NAMESPACE = 'guest';

export type Status = 'success' | 'application_error' | 'action_developer_error' | 'whisk_internal_error';
const CODES: Record<Status, number> = {
  success: 0,
  application_error: 1,
  action_developer_error: 2,
  whisk_internal_error: 3,
};

export interface RecordSpec {
  name: string;
  kind?: string;
  status?: Status;
  result?: Record<string, unknown>;
  logs?: string[];
  start?: number;
  duration?: number;
  timeout?: boolean;
  /** Action time limit in ms. @default 3000 */
  limit?: number;
  initTime?: number;
  package?: string;
}

export interface ApiRequest {
  path: string;
  query: Record<string, string>;
}

export interface FakeApi {
  url: string;
  requests: ApiRequest[];
  records: Array<Record<string, unknown>>;
  add(spec: RecordSpec): Record<string, unknown>;
  close(): Promise<void>;
}

/** A log line as the invoker stores it: ISO time, stream, text. */
export function logLine(text: string, at: number, stream: 'stdout' | 'stderr' = 'stdout'): string {
  return `${new Date(at).toISOString()} ${stream}: ${text}`;
}

export async function startFakeApi(): Promise<FakeApi> {
  const records: Array<Record<string, unknown>> = [];
  const requests: ApiRequest[] = [];
  let clock = Date.now() - 60_000;

  function add(spec: RecordSpec): Record<string, unknown> {
    clock += 10;
    const start = spec.start ?? clock;
    const limit = spec.limit ?? 3000;
    const duration = spec.duration ?? (spec.timeout ? limit : 42);
    const status = spec.status ?? 'success';
    const path = `${NAMESPACE}/${spec.package ? `${spec.package}/` : ''}${spec.name}`;
    const annotations: Array<{ key: string; value: unknown }> = [
      { key: 'path', value: path },
      { key: 'waitTime', value: 37 },
      { key: 'kind', value: spec.kind ?? 'nodejs:20' },
      { key: 'timeout', value: spec.timeout === true },
      { key: 'limits', value: { concurrency: 1, logs: 10, memory: 256, timeout: limit } },
    ];
    if (spec.initTime !== undefined) annotations.push({ key: 'initTime', value: spec.initTime });
    const record = {
      namespace: NAMESPACE,
      name: spec.name,
      version: '0.0.1',
      subject: NAMESPACE,
      activationId: randomBytes(16).toString('hex'),
      start,
      end: start + duration,
      duration,
      response: {
        status,
        statusCode: CODES[status],
        success: status === 'success',
        result: spec.result ?? {},
      },
      logs: spec.logs ?? [],
      annotations,
      publish: false,
    };
    records.push(record);
    return record;
  }

  const send = (res: ServerResponse, code: number, body: unknown) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  /** What the controller renders: the response without its numeric statusCode. */
  const full = (r: Record<string, unknown>): Record<string, unknown> => {
    const { statusCode, ...response } = r.response as Record<string, unknown>;
    return { ...r, response };
  };
  const brief = (r: Record<string, unknown>): Record<string, unknown> => {
    const { logs: _logs, response, subject: _subject, ...rest } = r;
    return { ...rest, statusCode: (response as { statusCode: number }).statusCode };
  };

  function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams);
    requests.push({ path: url.pathname, query });
    const auth = req.headers.authorization ?? '';
    if (auth !== `Basic ${Buffer.from(API_KEY).toString('base64')}`) {
      send(res, 401, { error: 'The supplied authentication is invalid', code: 'x1' });
      return;
    }
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/activations(?:\/([^/]+)(?:\/(logs|result))?)?$/.exec(
      url.pathname,
    );
    if (req.method !== 'GET' || !m)
      return send(res, 404, { error: 'The requested resource does not exist.' });
    const namespace = m[1] === '_' ? NAMESPACE : decodeURIComponent(m[1] ?? '');
    if (namespace !== NAMESPACE)
      return send(res, 403, {
        error: 'The supplied authentication is not authorized to access this resource.',
      });
    const id = m[2];
    if (id) {
      const record = records.find((r) => r.activationId === id);
      if (!record) return send(res, 404, { error: 'The requested resource does not exist.' });
      if (m[3] === 'logs') return send(res, 200, { logs: record.logs });
      if (m[3] === 'result') return send(res, 200, (full(record) as { response: unknown }).response);
      return send(res, 200, full(record));
    }
    const int = (v: string | undefined, d: number) => (v === undefined ? d : Number(v));
    let limit = int(query.limit, 30);
    if (!Number.isInteger(limit) || limit < 0 || limit > 200) {
      return send(res, 400, { error: `The value '${query.limit}' is not in the range of 0 to 200.` });
    }
    if (limit === 0) limit = 200;
    const skip = int(query.skip, 0);
    const since = int(query.since, 0);
    const upto = int(query.upto, Number.MAX_SAFE_INTEGER);
    const list = records
      .filter((r) => (r.start as number) >= since && (r.start as number) <= upto)
      .filter((r) => !query.name || r.name === query.name)
      .sort((a, b) => (b.start as number) - (a.start as number))
      .slice(skip, skip + limit);
    send(res, 200, list.map(query.docs === 'true' ? full : brief));
  }

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    records,
    add,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
