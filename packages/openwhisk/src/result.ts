import type { Client } from '@faultline/core';
import { statusMessage } from '@faultline/core/setup';
import { type ActivationContext, displayName } from './activation.js';
import type { WrapActionOptions } from './options.js';

type Params = Record<string, unknown>;

/** Reports a returned `{ error }`, and a web result with an error status. */
export function reportResult(
  client: Client,
  result: unknown,
  context: ActivationContext,
  params: unknown,
  options: WrapActionOptions,
): void {
  if (typeof result !== 'object' || result === null) return;
  const record = result as Params;
  const method = context.web ? String((params as Params).__ow_method).toUpperCase() : undefined;
  if ('error' in record && record.error !== undefined) {
    const error = record.error;
    const status = statusOf(error);
    const policy = options.captureApplicationErrors ?? true;
    const wanted =
      typeof policy === 'function'
        ? policy(error, context)
        : policy && (!context.web || status === undefined || client.getStatusPolicy().shouldCapture(status));
    if (!wanted) return;
    const message =
      context.web && status !== undefined
        ? statusMessage(status, method, context.actionName)
        : `${displayName(context)} returned an error: ${summarize(error)}`;
    client.captureEvent({
      message,
      level: 'error',
      extra: { error },
      tags: { 'openwhisk.outcome': 'application_error' },
    });
    return;
  }
  const status = context.web ? statusOf(record) : undefined;
  if (status !== undefined && client.getStatusPolicy().shouldCapture(status)) {
    client.captureEvent({ message: statusMessage(status, method, context.actionName), level: 'error' });
  }
}

/** The configured safe answer to a thrown error in a web action, if any. */
export function safeWebResponse(
  client: Client,
  error: unknown,
  context: ActivationContext,
  options: WrapActionOptions,
): object | undefined {
  const make = options.webErrorResponse;
  if (!make) return undefined;
  try {
    if (typeof make === 'function') return make(error, context);
  } catch (failure) {
    client.logger.debug('webErrorResponse threw; rethrowing the original error', failure);
    return undefined;
  }
  const body: Params = { error: 'Internal Server Error' };
  if (context.activationId) body.activation_id = context.activationId;
  return { error: { statusCode: 500, headers: { 'content-type': 'application/json' }, body } };
}

function statusOf(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const status = Number((value as Params).statusCode);
  return Number.isInteger(status) && status >= 100 && status <= 599 ? status : undefined;
}

function summarize(error: unknown): string {
  if (typeof error === 'string') return error.slice(0, 200);
  if (typeof error === 'object' && error !== null && typeof (error as Params).message === 'string') {
    return ((error as Params).message as string).slice(0, 200);
  }
  try {
    return (JSON.stringify(error) ?? String(error)).slice(0, 200);
  } catch {
    return 'unserializable error';
  }
}
