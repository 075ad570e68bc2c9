import { type Client, type RequestData, requestDataFrom } from '@faultline/core';
import type { NodeRequest } from './http-types.js';

/** What an adapter knows about a request besides the raw Node request. */
export interface RequestParts {
  /** The Node request (express's `req`, fastify's `request.raw`). */
  raw: NodeRequest;
  /** Path and query as the app saw it (express `originalUrl`); `raw.url` otherwise. */
  url?: string | undefined;
  /** `http` or `https` as the framework decided it (trust-proxy aware). */
  protocol?: string | undefined;
  /** The body as parsed by the app's body parser, if any. */
  body?: unknown;
  /** The client address as the framework decided it (trust-proxy aware). */
  ip?: string | undefined;
}

/** Largest raw (unparsed) body that is decoded to be parsed here. */
const MAX_RAW_BODY_BYTES = 64 * 1024;

/**
 * The event's `request`: method, absolute URL (secret query parameters filtered), headers
 * (credentials and cookies filtered), query, body (parsed JSON or form, scrubbed by key and
 * value, size-capped) and the client IP; body, cookies and IP only with `sendDefaultPii`, as
 * core's `requestDataFrom` decides. Never throws.
 */
export function requestContext(parts: RequestParts, client: Client | undefined): RequestData {
  try {
    const { raw } = parts;
    const options: Parameters<typeof requestDataFrom>[1] = {};
    if (client?.options.sendDefaultPii) options.sendDefaultPii = true;
    if (client?.options.scrub) options.scrub = client.options.scrub;
    const input: Parameters<typeof requestDataFrom>[0] = { headers: raw.headers };
    if (raw.method) input.method = raw.method;
    const url = absoluteUrl(parts);
    if (url) input.url = url;
    if (options.sendDefaultPii) {
      const body = parseBody(parts.body, raw.headers['content-type']);
      if (body !== undefined) input.body = body;
      const ip = parts.ip ?? raw.socket?.remoteAddress;
      if (ip) input.ip = ip;
    }
    return requestDataFrom(input, options);
  } catch {
    return {};
  }
}

function absoluteUrl(parts: RequestParts): string | undefined {
  const path = parts.url ?? parts.raw.url;
  if (!path) return undefined;
  if (/^https?:\/\//i.test(path)) return path;
  const host = parts.raw.headers.host;
  if (!host) return path;
  const encrypted = (parts.raw.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  const protocol = parts.protocol ?? (encrypted ? 'https' : 'http');
  return `${protocol}://${host}${path.startsWith('/') ? '' : '/'}${path}`;
}

/**
 * A body parser's result is used as is; a raw string or buffer is parsed here when it is JSON
 * or a form, so the scrubber sees keys rather than one opaque string. Other raw bodies are
 * left out: a binary upload is neither useful nor safe to send.
 */
export function parseBody(body: unknown, contentType: string | undefined): unknown {
  if (body === undefined || body === null) return undefined;
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
    return typeof body === 'object' ? body : String(body);
  }
  const size = typeof body === 'string' ? body.length : body.byteLength;
  if (size === 0 || size > MAX_RAW_BODY_BYTES) return size === 0 ? undefined : `[body of ${size} bytes]`;
  const type = (contentType ?? '').toLowerCase();
  const isJson = /[/+]json\b/.test(type);
  const isForm = type.includes('application/x-www-form-urlencoded');
  if (typeof body !== 'string' && !isJson && !isForm && !type.startsWith('text/')) return undefined;
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  if (isJson) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  if (isForm) {
    const out: Record<string, string | string[]> = {};
    for (const [key, value] of new URLSearchParams(text)) {
      const previous = out[key];
      out[key] =
        previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
    }
    return out;
  }
  return text;
}
