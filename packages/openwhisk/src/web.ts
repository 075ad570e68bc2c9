import type { RequestData, ScrubOptions } from '@faultline/core';
import { type CorePipeline, corePipeline } from '@faultline/node';
import type { ActivationContext } from './activation.js';

/**
 * Request context of a web action. The controller (not the proxy) adds `__ow_method`
 * (lower-case), `__ow_headers` (lower-cased names), `__ow_path`, and for raw actions
 * `__ow_query` (unparsed) and `__ow_body` (text, or base64 for binary and for raw JSON).
 * See openwhisk docs/webactions.md, "HTTP Context".
 */
export function webRequestData(
  params: Record<string, unknown>,
  context: ActivationContext,
  options: { sendDefaultPii?: boolean; scrub?: ScrubOptions },
): RequestData {
  const headers = stringHeaders(params.__ow_headers);
  const parts: Parameters<CorePipeline['requestDataFrom']>[0] = {
    method: String(params.__ow_method).toUpperCase(),
    url: webUrl(params, context),
    headers,
  };
  if (typeof params.__ow_query === 'string' && params.__ow_query !== '') parts.query = params.__ow_query;
  // Body and client address are personal data: requestDataFrom keeps them only with
  // sendDefaultPii, and scrubs them either way.
  if (options.sendDefaultPii === true && params.__ow_body !== undefined) {
    parts.body = decodeBody(params.__ow_body, headers['content-type'] ?? '');
  }
  const ip = headers['x-forwarded-for']?.split(',')[0]?.trim();
  if (ip) parts.ip = ip;
  const requestOptions: Parameters<CorePipeline['requestDataFrom']>[1] = {};
  if (options.sendDefaultPii !== undefined) requestOptions.sendDefaultPii = options.sendDefaultPii;
  if (options.scrub) requestOptions.scrub = options.scrub;
  return corePipeline().requestDataFrom(parts, requestOptions);
}

/** The params an action was called with, without the web `__ow_*` keys and the DSN parameter, scrubbed. */
export function actionParams(
  params: Record<string, unknown>,
  omit: string | undefined,
  scrub: ScrubOptions,
): unknown {
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(params)) {
    if (key.startsWith('__ow_') || key === omit) continue;
    kept[key] = params[key];
  }
  const { normalize, scrubValue } = corePipeline();
  return scrubValue(normalize(kept, { maxDepth: 5, maxBreadth: 50, maxStringLength: 1024 }), scrub);
}

/** `https://<api host>/api/v1/web/<namespace>/<package or default>/<action><__ow_path>` */
function webUrl(params: Record<string, unknown>, context: ActivationContext): string {
  const path = typeof params.__ow_path === 'string' ? params.__ow_path : '';
  const parts = (context.actionName ?? '').split('/').filter(Boolean);
  if (parts.length === 2) parts.splice(1, 0, 'default');
  const base = parts.length > 0 ? `/api/v1/web/${parts.join('/')}` : '';
  const host = context.apiHost ? `https://${context.apiHost}` : '';
  return `${host}${base}${path}` || '/';
}

function stringHeaders(raw: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (typeof raw !== 'object' || raw === null) return headers;
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof value === 'string') headers[name.toLowerCase()] = value;
    else if (Array.isArray(value)) headers[name.toLowerCase()] = value.map(String).join(', ');
  }
  return headers;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function decodeBody(body: unknown, contentType: string): unknown {
  if (typeof body !== 'string') return body;
  const type = contentType.toLowerCase();
  const textual = type === '' || /json|text\/|form-urlencoded|xml|javascript|graphql/.test(type);
  if (!textual) return `[binary body: ${body.length} base64 characters]`;
  const decoded = body.length % 4 === 0 && BASE64.test(body) ? fromBase64Text(body) : undefined;
  const text = type.includes('json') && decoded !== undefined && !looksJson(body) ? decoded : body;
  if (type.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  if (type.includes('form-urlencoded')) return Object.fromEntries(new URLSearchParams(body));
  return text;
}

function looksJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function fromBase64Text(value: string): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(value, 'base64'));
  } catch {
    return undefined;
  }
}
