/**
 * What an event captured during an activation carries about it: `openwhisk.*` tags, the action
 * as transaction, the `openwhisk` context (elapsed and remaining time as of the capture), the
 * scrubbed `action_params` and, for a web action, the request. Built when an event is captured,
 * never for an activation that captures nothing: a successful activation pays no scrubbing.
 */
import type { Client, FaultlineEvent } from '@faultline/core';
import { type ActivationContext, remainingMs } from './activation.js';
import { DEFAULT_PARAM_DENY_KEYS, type WrapActionOptions } from './options.js';
import { actionParams, webRequestData } from './web.js';

type Params = Record<string, unknown>;

/**
 * Adds the activation's data to `event`. Values the event already has (set on the scope or on
 * the event by the action itself) are kept.
 */
export function addActivationData(
  event: FaultlineEvent,
  client: Client,
  context: ActivationContext,
  params: unknown,
  options: WrapActionOptions,
  dsnParam: string | undefined,
): void {
  event.tags = { ...activationTags(context), ...event.tags };
  if (context.actionName && event.transaction === undefined) event.transaction = context.actionName;
  event.contexts ??= {};
  const contexts = event.contexts;
  contexts.openwhisk ??= timing(context, Date.now());
  if (typeof params !== 'object' || params === null) return;
  const scrub = { ...client.options.scrub };
  if (context.web && event.request === undefined) {
    const pii: { sendDefaultPii?: boolean; scrub: typeof scrub } = {
      scrub: withDenyKeys(scrub, ['whisk-auth']),
    };
    if (client.options.sendDefaultPii !== undefined) pii.sendDefaultPii = client.options.sendDefaultPii;
    event.request = webRequestData(params as Params, context, pii);
  }
  if (options.captureParams !== false && contexts.action_params === undefined) {
    const deny = [...DEFAULT_PARAM_DENY_KEYS, ...(options.paramDenyKeys ?? [])];
    contexts.action_params = actionParams(params as Params, dsnParam, withDenyKeys(scrub, deny)) as Params;
  }
}

function activationTags(context: ActivationContext): Record<string, string> {
  const tags: Record<string, string> = {
    'openwhisk.cold_start': String(context.coldStart),
    'openwhisk.web': String(context.web),
  };
  if (context.activationId) tags['openwhisk.activation_id'] = context.activationId;
  if (context.actionName) tags['openwhisk.action'] = context.actionName;
  if (context.namespace) tags['openwhisk.namespace'] = context.namespace;
  if (context.transactionId) tags['openwhisk.transaction_id'] = context.transactionId;
  return tags;
}

/** The `openwhisk` context, with elapsed and remaining time as of `now`. */
function timing(context: ActivationContext, now: number): Params {
  const ctx: Params = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined) ctx[key] = value;
  };
  set('activation_id', context.activationId);
  set('action_name', context.actionName);
  set('action_version', context.actionVersion);
  set('namespace', context.namespace);
  set('transaction_id', context.transactionId);
  set('api_host', context.apiHost);
  set('cold_start', context.coldStart);
  set('web', context.web);
  set('elapsed_ms', now - context.startedAt);
  set('remaining_ms', remainingMs(context, now));
  return ctx;
}

function withDenyKeys<T extends { denyKeys?: Array<string | RegExp> }>(
  scrub: T,
  keys: Array<string | RegExp>,
): T {
  return { ...scrub, denyKeys: [...(scrub.denyKeys ?? []), ...keys] };
}
