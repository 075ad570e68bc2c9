/**
 * Cron check-ins from a client: a separate import that a runtime hands the client
 * (`ClientRuntime.sendCheckIn`), so a runtime that sends none (the browser) bundles none of it.
 */
import { type MonitorConfigInput, normalizeCheckIn } from './check-in.js';
import { createCheckInEnvelope, type EnvelopeMeta } from './envelope.js';
import { uuid4 } from './ids.js';
import type { Logger } from './logger.js';
import type { ClientOptions } from './options.js';
import { sanitizeCheckIn } from './sanitize.js';
import { validId } from './sanitize-fit.js';
import type { Transport } from './transport.js';
import type { CheckInInput, DataCategory, DiscardReason, MonitorConfig, WireCheckIn } from './types.js';

/** What a client lends `sendCheckIn`. */
export interface CheckInSink {
  /** False when the client is off or closed: the id is returned, nothing is sent. */
  live: boolean;
  options: ClientOptions;
  logger: Logger;
  meta: EnvelopeMeta;
  transport(): Transport | undefined;
  drop(reason: DiscardReason, category: DataCategory): void;
  internalError(error: unknown): void;
}

/**
 * Sends a check-in (never through `beforeSend`) and returns its `check_in_id`: the given one when
 * valid, else a new one. The monitor config may be in Sentry's API form or in wire form.
 */
export function sendCheckIn(
  sink: CheckInSink,
  checkIn: CheckInInput,
  monitorConfig?: MonitorConfigInput | MonitorConfig,
): string {
  const { options, logger } = sink;
  let checkInId = uuid4();
  try {
    checkInId = validId(checkIn.checkInId) ?? checkInId;
  } catch {
    // Unreadable: dropped below with a count, never thrown.
  }
  if (!sink.live) return checkInId;
  let wire: WireCheckIn | undefined;
  try {
    wire = { check_in_id: checkInId, monitor_slug: checkIn.monitorSlug, status: checkIn.status };
    if (checkIn.duration !== undefined && checkIn.status !== 'in_progress') wire.duration = checkIn.duration;
    if (options.release) wire.release = options.release;
    if (options.environment) wire.environment = options.environment;
    if (monitorConfig) wire.monitor_config = monitorConfig as MonitorConfig;
    wire = normalizeCheckIn(
      sanitizeCheckIn(wire, { ...options.scrub, sendDefaultPii: options.sendDefaultPii === true }),
      logger,
    );
  } catch {
    wire = undefined;
  }
  if (!wire || wire.monitor_slug === '') {
    // A backend cannot file a check-in without its monitor: say so, count it, send nothing.
    logger.warn('check-in dropped: it names no monitor (monitorSlug)');
    sink.drop('insufficient_data', 'monitor');
    return checkInId;
  }
  try {
    sink.transport()?.send(createCheckInEnvelope(wire, sink.meta));
  } catch (error) {
    sink.internalError(error);
  }
  return checkInId;
}
