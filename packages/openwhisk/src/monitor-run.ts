import type { Client } from '@faultline/core';
import { getClient, init } from '@faultline/node';
import { type ActivationsApi, checkActivations, type MonitorOptions, type MonitorState } from './monitor.js';

export interface ApiOptions {
  /** `https://openwhisk.example.com`; inside an action `__OW_API_HOST`. */
  apihost: string;
  /** `uuid:key`; inside an action `__OW_API_KEY` (annotation `provide-api-key`). */
  apiKey: string;
  namespace?: string;
  /** Accept a self-signed certificate of the API host. */
  ignoreCerts?: boolean;
}

export interface RunOptions extends MonitorOptions {
  /** Monitor slug of the monitor's own check-ins; false sends none. @default 'openwhisk-activation-monitor' */
  checkInSlug?: string | false;
  /** Upper bound of the final flush. @default 5000 */
  flushTimeoutMs?: number;
}

export interface RunResult {
  state: MonitorState;
  read: number;
  reported: number;
  alreadyReported: number;
  /** More records had started since the last run than one run reads: the oldest were skipped. */
  truncated: boolean;
  /** Event ids of the failures reported in this run. */
  eventIds: string[];
}

type OpenWhiskFactory = (options: Record<string, unknown>) => { activations: ActivationsApi };

/** The official `openwhisk` client's activations API. Loaded on first use only. */
export async function activationsApi(options: ApiOptions): Promise<ActivationsApi> {
  const loaded = (await import('openwhisk')) as unknown as { default?: OpenWhiskFactory };
  const factory = (loaded.default ?? loaded) as OpenWhiskFactory;
  const ow = factory({
    apihost: options.apihost,
    api_key: options.apiKey,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    ...(options.ignoreCerts ? { ignore_certs: true } : {}),
  });
  return ow.activations;
}

/**
 * One monitor run: an `in_progress` check-in, the records since `state`, an event per failure,
 * then `ok` (or `error` when the API could not be read) with the duration, flushed.
 */
export async function runMonitor(
  client: Client,
  api: ActivationsApi,
  state: MonitorState,
  options: RunOptions = {},
): Promise<RunResult> {
  const slug = options.checkInSlug === undefined ? 'openwhisk-activation-monitor' : options.checkInSlug;
  const started = Date.now();
  const checkInId = slug ? client.captureCheckIn({ monitorSlug: slug, status: 'in_progress' }) : undefined;
  const close = async (status: 'ok' | 'error') => {
    if (slug) {
      const checkIn = { monitorSlug: slug, status, duration: (Date.now() - started) / 1000 } as const;
      client.captureCheckIn(checkInId ? { ...checkIn, checkInId } : checkIn);
    }
    await client.flush(options.flushTimeoutMs ?? 5000);
  };
  try {
    const run = await checkActivations(api, state, options);
    const eventIds = run.events.map((event) => client.captureEvent(event));
    await close('ok');
    return {
      state: run.state,
      read: run.read,
      reported: run.events.length,
      alreadyReported: run.alreadyReported,
      truncated: run.truncated,
      eventIds,
    };
  } catch (error) {
    await close('error');
    throw error;
  }
}

/** A client for the monitor: every failure is its own event (no dedupe of look-alikes). */
export function monitorClient(
  dsn: string | undefined,
  extra: Record<string, unknown> = {},
): Client | undefined {
  const existing = getClient();
  if (existing?.enabled) return existing;
  return init({ ...(dsn ? { dsn } : {}), dedupe: false, captureUnhandled: false, ...extra });
}

/** Last position seen by this warm container, when no `since` parameter is given. */
let lastState: MonitorState | undefined;

/**
 * The monitor as an OpenWhisk action, for an alarms trigger (e.g. every 5 minutes):
 * `wsk action create faultline-monitor monitor.js --kind nodejs:20 -a provide-api-key true
 *  -p FAULTLINE_DSN https://…`. Parameters: `since` (epoch ms; else where this container
 * stopped, else `lookbackMs` ago), `lookbackMs` (default 600000), `namespace`, `apihost`,
 * `api_key` (default the action's own `__OW_API_HOST` / `__OW_API_KEY`), `applicationErrors`,
 * `checkInSlug`. Returns the new `since` and `seen`, so a sequence can pass them on.
 */
export async function monitorAction(params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const apihost = str(params.apihost) ?? process.env.__OW_API_HOST;
  const apiKey = str(params.api_key) ?? process.env.__OW_API_KEY;
  if (!apihost || !apiKey) {
    return { error: 'the monitor needs the API host and key: annotate the action with provide-api-key' };
  }
  const client = monitorClient(str(params.FAULTLINE_DSN));
  if (!client?.enabled) return { error: 'no DSN: bind FAULTLINE_DSN as a parameter' };
  const lookback = typeof params.lookbackMs === 'number' ? params.lookbackMs : 600_000;
  const since = Number(params.since);
  const state: MonitorState =
    Number.isFinite(since) && since > 0
      ? { since, seen: Array.isArray(params.seen) ? params.seen.map(String) : [] }
      : (lastState ?? { since: Date.now() - lookback, seen: [] });
  const namespace = str(params.namespace);
  const api = await activationsApi({ apihost, apiKey, ...(namespace ? { namespace } : {}) });
  const options: RunOptions = { applicationErrors: params.applicationErrors === true };
  if (namespace) options.namespace = namespace;
  if (params.checkInSlug === false || typeof params.checkInSlug === 'string')
    options.checkInSlug = params.checkInSlug;
  const result = await runMonitor(client, api, state, options);
  lastState = result.state;
  return {
    ...result.state,
    read: result.read,
    reported: result.reported,
    alreadyReported: result.alreadyReported,
    truncated: result.truncated,
  };
}
