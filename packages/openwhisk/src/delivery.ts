/**
 * Per-activation delivery. An activation waits for its own events only: not for another
 * concurrent activation's, not for client reports, not for retries of events from earlier
 * activations. A success that captured nothing answers at once, whatever the ingest does.
 *
 * How an event is followed: the first integration counts it as "in the pipeline" of the
 * activation it was captured in (AsyncLocalStorage); the transport wrapper moves it to "sent"
 * (keyed by its event id) or uncounts it when the client drops it; the executor wrapper settles
 * it when the ingest has answered for good (delivered, rejected, rate limited) or the transport
 * has run out of retries. The queue, retry and rate-limit policy stay core's.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  FaultlineEvent,
  Integration,
  Logger,
  Transport,
  TransportContext,
  TransportExecutor,
  TransportOptions,
} from '@faultline/core';
import { authHeader, envelopeEndpoint } from '@faultline/core/setup';
import { corePipeline, createHttpExecutor } from '@faultline/node';

export interface ActivationDelivery {
  /** Events captured in this activation that have not reached the transport yet. */
  pipeline: number;
  /** Event ids handed to the transport and not settled yet. */
  pending: Set<string>;
  /** Event ids the ingest acknowledged. */
  delivered: string[];
  /** Called whenever something above changes. */
  wake: Set<() => void>;
  /** True when the transport cannot tell when an event is delivered (a custom transport). */
  opaque: boolean;
  /** Adds the activation's data (tags, contexts) to an event captured in it. */
  decorate?: (event: FaultlineEvent) => void;
}

const current = new AsyncLocalStorage<ActivationDelivery>();
/** Sent event id → the activation waiting for it. */
const owners = new Map<string, ActivationDelivery>();
let running = 0;
/** Debug lines printed while no activation ran, held for the next one (the log is per activation). */
const held: Array<() => void> = [];
const MAX_HELD = 20;

/** Name of the frames the wrapper adds below `main`; removed from the error's stack. */
export const CALL_FRAME = 'faultlineOpenwhiskCall';

/** Runs one activation with its own delivery record. */
export async function runTracked<T>(fn: (delivery: ActivationDelivery) => Promise<T>): Promise<T> {
  const delivery: ActivationDelivery = {
    pipeline: 0,
    pending: new Set(),
    delivered: [],
    wake: new Set(),
    opaque: false,
  };
  running += 1;
  for (const line of held.splice(0)) line();
  try {
    return await current.run(delivery, () => fn(delivery));
  } finally {
    running -= 1;
    for (const id of delivery.pending) owners.delete(id);
  }
}

Object.defineProperty(runTracked, 'name', { value: CALL_FRAME });

/** True while the caller runs inside an activation of a wrapped action. */
export function insideActivation(): boolean {
  return current.getStore() !== undefined;
}

/**
 * Resolves true once every event of this activation was settled, or false after `boundMs`.
 * Never rejects. Nothing captured: resolves at once.
 */
export function waitForOwnEvents(
  delivery: ActivationDelivery,
  boundMs: number,
  flushOpaque?: (ms: number) => Promise<boolean>,
): Promise<boolean> {
  const idle = () => delivery.pipeline === 0 && delivery.pending.size === 0;
  if (idle() && !delivery.opaque) return Promise.resolve(true);
  if (!(boundMs > 0)) return Promise.resolve(false);
  const started = Date.now();
  return new Promise<boolean>((resolve) => {
    let finished = false;
    const finish = (ok: boolean) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      delivery.wake.delete(check);
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), boundMs);
    timer.unref();
    function check(): void {
      if (!idle()) return;
      if (!delivery.opaque || !flushOpaque) {
        finish(true);
        return;
      }
      // A custom transport cannot say when our events left: flush it as a whole, still bounded.
      delivery.opaque = false;
      flushOpaque(Math.max(0, boundMs - (Date.now() - started))).then(finish, () => finish(false));
    }
    delivery.wake.add(check);
    check();
  });
}

function wake(delivery: ActivationDelivery): void {
  for (const fn of [...delivery.wake]) fn();
}

/**
 * First integration of the list: counts an event into the activation it was captured in, and
 * adds that activation's data to it.
 */
export function activationCountIntegration(): Integration {
  return {
    name: 'OpenWhiskActivationCount',
    processEvent(event, _hint, client) {
      const delivery = current.getStore();
      if (!delivery) return event;
      delivery.pipeline += 1;
      try {
        delivery.decorate?.(event);
      } catch (error) {
        client.logger.debug('openwhisk: activation data failed', error);
      }
      return event;
    },
  };
}

/** Wraps a transport so that sends and drops are attributed to the current activation. */
export function trackingTransport(inner: Transport, opaque: boolean): Transport {
  return {
    ...inner,
    send(envelope) {
      const delivery = current.getStore();
      const eventId = envelope.headers.event_id;
      const hasEvent = envelope.items.some(([headers]) => headers.type === 'event');
      if (delivery && hasEvent && delivery.pipeline > 0) {
        delivery.pipeline -= 1;
        // An envelope the queue refuses never reaches the executor: do not wait for it.
        const refused = safeWouldDrop(inner);
        if (!refused && typeof eventId === 'string') {
          if (opaque) delivery.opaque = true;
          else {
            delivery.pending.add(eventId);
            owners.set(eventId, delivery);
          }
        }
        wake(delivery);
      }
      inner.send(envelope);
    },
    recordDroppedEvent(reason, category, quantity) {
      const delivery = current.getStore();
      if (
        delivery &&
        category === 'error' &&
        (reason === 'event_processor' || reason === 'before_send') &&
        delivery.pipeline > 0
      ) {
        delivery.pipeline -= 1;
        wake(delivery);
      }
      inner.recordDroppedEvent(reason, category, quantity);
    },
    flush: (ms) => inner.flush(ms),
    close: (ms) => inner.close(ms),
    takePending: () => inner.takePending(),
  };
}

function safeWouldDrop(inner: Transport): boolean {
  try {
    return inner.wouldDrop?.('error') !== undefined;
  } catch {
    return false;
  }
}

/** Wraps an executor to learn when an event's delivery is over. */
export function trackingExecutor(inner: TransportExecutor, maxRetries: number): TransportExecutor {
  const attempts = new Map<string, number>();
  const settle = (id: string, delivered: boolean) => {
    attempts.delete(id);
    const delivery = owners.get(id);
    if (!delivery) return;
    owners.delete(id);
    delivery.pending.delete(id);
    if (delivered) delivery.delivered.push(id);
    wake(delivery);
  };
  const failed = (id: string) => {
    if (!owners.has(id)) {
      attempts.delete(id);
      return;
    }
    const tries = (attempts.get(id) ?? 0) + 1;
    if (tries > maxRetries) settle(id, false);
    else attempts.set(id, tries);
  };
  const executor: TransportExecutor = {
    send(body, written) {
      const id = eventIdOf(body);
      const request = inner.send(body, written);
      if (id !== undefined && !owners.has(id)) attempts.delete(id);
      if (id !== undefined && owners.has(id)) {
        request.then(
          // An answer is final (a 5xx too: discarded, not retried); no answer may be retried.
          (response) => settle(id, corePipeline().outcomeOf(response.status).kind === 'delivered'),
          () => failed(id),
        );
      }
      return request;
    },
  };
  if (inner.close) executor.close = () => (inner.close as () => Promise<void>)();
  return executor;
}

/**
 * The event id in a serialized envelope's header line, read only when the envelope has one.
 * Decoded as a Buffer view: the first `TextDecoder` of a process costs the first error about
 * 0.3 ms to set up, for one short line.
 */
function eventIdOf(body: Uint8Array): string | undefined {
  try {
    let end = body.indexOf(10);
    if (end < 0) end = body.length;
    const line = Buffer.from(body.buffer, body.byteOffset, end).toString('utf8');
    const header = JSON.parse(line) as { event_id?: unknown };
    return typeof header.event_id === 'string' ? header.event_id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Holds debug lines printed while no activation runs: the platform attributes output after an
 * activation's end marker to the next activation, so they are printed when the next one starts.
 */
export function activationLogger(inner: Logger): Logger {
  const gate =
    (print: (...args: unknown[]) => void) =>
    (...args: unknown[]): void => {
      if (!inner.enabled) return;
      if (running > 0) print(...args);
      else if (held.length < MAX_HELD) held.push(() => print('(between activations)', ...args));
    };
  return {
    enabled: inner.enabled,
    debug: gate(inner.debug),
    warn: gate(inner.warn),
    error: gate(inner.error),
  };
}

/** The default transport of `@faultline/node`, followed per activation. */
export function activationTransport(
  context: TransportContext,
  transportOptions: Partial<TransportOptions> | undefined,
  custom: ((context: TransportContext) => Transport) | undefined,
): Transport {
  const logger = activationLogger(context.logger);
  if (custom) return trackingTransport(custom({ ...context, logger }), true);
  const dsn = context.dsn;
  if (!dsn) throw new Error('no DSN');
  const maxRetries = transportOptions?.maxRetries ?? 3;
  // Node's own HTTP client: nothing to load from node_modules, which a zipped bundle may not have.
  const executor = createHttpExecutor({
    url: envelopeEndpoint(dsn),
    headers: { 'x-sentry-auth': authHeader(dsn, context.sdkClient), 'user-agent': context.sdkClient },
  });
  const inner = corePipeline().createTransport(
    { ...transportOptions, logger, envelopeMeta: context.envelopeMeta },
    trackingExecutor(executor, maxRetries),
  );
  return trackingTransport(inner, false);
}
