import type { ClientReport, Envelope, StackFrame, WireCheckIn, WireEvent } from '@faultline/core';
import type { Priority } from './priority.js';

/** One readable line item of what a receiver got: an event, a check-in or a client report. */
export type Arrival =
  | {
      kind: 'event';
      eventId: string;
      level: string;
      type: string;
      message: string;
      /** `file:line:col` of the top in-app frame. */
      frame?: string;
      sourceLine?: string;
      transaction?: string;
      status?: string;
      userId?: string;
      environment?: string;
      release?: string;
      handled?: boolean;
      mechanism?: string;
      /** What grouped this event with others (explicit fingerprint or type + top frame). */
      group: string;
      /** How many events of this group arrived so far, this one included. */
      seen: number;
      /** The issue's priority after this event (set by the receiver, see `priority.ts`). */
      priority?: Priority;
      event: WireEvent;
    }
  | {
      kind: 'check_in';
      slug: string;
      status: string;
      duration?: number;
      checkInId: string;
      checkIn: WireCheckIn;
    }
  | { kind: 'client_report'; discarded: ClientReport['discarded_events']; report: ClientReport };

/** Turns envelopes into arrivals, counting how often each issue group was seen. */
export function createArrivalTracker() {
  const groups = new Map<string, number>();
  return {
    fromEnvelope(envelope: Envelope): Arrival[] {
      const out: Arrival[] = [];
      for (const [header, payload] of envelope.items) {
        if (!payload || typeof payload !== 'object' || payload instanceof Uint8Array) continue;
        if (header.type === 'event') {
          const event = payload as WireEvent;
          const group = groupOf(event);
          const seen = (groups.get(group) ?? 0) + 1;
          groups.set(group, seen);
          out.push(summarizeEvent(event, group, seen));
        } else if (header.type === 'check_in') {
          const checkIn = payload as WireCheckIn;
          const arrival: Arrival = {
            kind: 'check_in',
            slug: checkIn.monitor_slug,
            status: checkIn.status,
            checkInId: checkIn.check_in_id,
            checkIn,
          };
          if (typeof checkIn.duration === 'number') arrival.duration = checkIn.duration;
          out.push(arrival);
        } else if (header.type === 'client_report') {
          const report = payload as ClientReport;
          out.push({ kind: 'client_report', discarded: report.discarded_events ?? [], report });
        }
      }
      return out;
    },
  };
}

function summarizeEvent(event: WireEvent, group: string, seen: number): Arrival {
  const values = event.exception?.values ?? [];
  const top = values[values.length - 1];
  const frame = topFrame(top?.stacktrace?.frames ?? []);
  const arrival: Arrival = {
    kind: 'event',
    eventId: event.event_id,
    level: event.level,
    type: top?.type ?? 'Message',
    message: top?.value ?? messageOf(event),
    group,
    seen,
    event,
  };
  if (frame) {
    arrival.frame = `${frame.filename ?? frame.abs_path ?? '?'}:${frame.lineno ?? '?'}:${frame.colno ?? '?'}`;
    if (frame.context_line !== undefined) arrival.sourceLine = frame.context_line.trim();
  }
  if (event.transaction) arrival.transaction = event.transaction;
  const status = event.tags?.['http.status_code'];
  if (status) arrival.status = status;
  if (event.user?.id !== undefined) arrival.userId = String(event.user.id);
  if (event.environment) arrival.environment = event.environment;
  if (event.release) arrival.release = event.release;
  if (top?.mechanism) {
    arrival.mechanism = top.mechanism.type;
    if (top.mechanism.handled !== undefined) arrival.handled = top.mechanism.handled;
  }
  return arrival;
}

function messageOf(event: WireEvent): string {
  const message = event.message as unknown;
  if (typeof message === 'string') return message;
  if (message && typeof message === 'object' && 'formatted' in message) return String(message.formatted);
  return '';
}

function topFrame(frames: StackFrame[]): StackFrame | undefined {
  for (let i = frames.length - 1; i >= 0; i--) if (frames[i]?.in_app) return frames[i];
  return frames[frames.length - 1];
}

function groupOf(event: WireEvent): string {
  if (event.fingerprint?.length && !event.fingerprint.includes('{{ default }}'))
    return event.fingerprint.join(' ');
  const top = event.exception?.values[event.exception.values.length - 1];
  if (!top) return `message:${messageOf(event)}`;
  const frame = topFrame(top.stacktrace?.frames ?? []);
  return `${top.type ?? ''}:${frame ? `${frame.filename}:${frame.function}:${frame.lineno}` : (top.value ?? '')}`;
}
