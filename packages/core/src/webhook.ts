/**
 * Delivery to a plain JSON webhook instead of a Sentry-protocol backend. The queue, retry and
 * drop policy are the ordinary transport's; only the executor differs: it turns each envelope
 * back into one JSON POST per event or check-in.
 */
import { parseEnvelope } from './envelope.js';
import { createFetchExecutor } from './fetch-executor.js';
import type {} from './globals.js';
import {
  createTransport,
  type Transport,
  type TransportExecutor,
  type TransportOptions,
} from './transport.js';
import type { WireEvent } from './types.js';

export interface WebhookTransportOptions {
  url: string;
  /**
   * `json` posts the event as it would go to Sentry; `slack` posts `{ text }`, a one-line
   * summary for a Slack (or compatible) incoming webhook. Check-ins are always posted as JSON.
   * @default 'json'
   */
  format?: 'json' | 'slack';
  headers?: Record<string, string>;
  /** Sends the JSON bodies. @default a fetch executor posting `application/json` to `url` */
  executor?: TransportExecutor;
  /** Queue and retry settings; client reports are off by default (a webhook has no use for them). */
  transportOptions?: TransportOptions;
}

const encoder = new TextEncoder();

/** Slack mrkdwn needs `&`, `<`, `>` escaped (https://api.slack.com/reference/surfaces/formatting#escaping). */
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `*[level] Type: message* — transaction — release/env — event id` (absent parts left out). */
export function slackSummary(event: Partial<WireEvent>): string {
  const top = event.exception?.values?.at(-1);
  const headline = top
    ? [top.type, top.value].filter((s) => typeof s === 'string' && s !== '').join(': ')
    : (event.message ?? '');
  const parts = [`*[${event.level ?? 'error'}] ${headline || 'Event'}*`];
  if (event.transaction) parts.push(event.transaction);
  if (event.release || event.environment) {
    parts.push(`${event.release ?? '-'}/${event.environment ?? '-'}`);
  }
  if (event.event_id) parts.push(event.event_id);
  return escapeSlack(parts.join(' — '));
}

function bodiesOf(bytes: Uint8Array, format: 'json' | 'slack'): unknown[] {
  const bodies: unknown[] = [];
  for (const [headers, payload] of parseEnvelope(bytes).items) {
    if (headers.type === 'event') {
      bodies.push(format === 'slack' ? { text: slackSummary(payload as Partial<WireEvent>) } : payload);
    } else if (headers.type === 'check_in') {
      bodies.push(payload);
    }
  }
  return bodies;
}

/** Wraps a JSON-posting executor so the transport can hand it envelope bytes. */
function convertingExecutor(inner: TransportExecutor, format: 'json' | 'slack'): TransportExecutor {
  const executor: TransportExecutor = {
    async send(bytes) {
      let worst = { status: 200, headers: {} };
      // Items are posted one by one; the first failure decides the outcome of the envelope.
      for (const body of bodiesOf(bytes, format)) {
        const response = await inner.send(encoder.encode(JSON.stringify(body)));
        if (response.status < 200 || response.status >= 300) return response;
        worst = response;
      }
      return worst;
    },
  };
  if (inner.close) executor.close = () => inner.close?.() ?? Promise.resolve();
  return executor;
}

/** A transport that posts events and check-ins as JSON to a webhook. */
export function createWebhookTransport(options: WebhookTransportOptions): Transport {
  const inner =
    options.executor ??
    createFetchExecutor({
      url: options.url,
      contentType: 'application/json',
      headers: options.headers ?? {},
    });
  return createTransport(
    { sendClientReports: false, ...options.transportOptions },
    convertingExecutor(inner, options.format ?? 'json'),
  );
}
