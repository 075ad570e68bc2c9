import { boundedCopy, boundedEntries, boundedValue, COPY_DEPTH, merged } from './bounded.js';
import { isId, nowSeconds, uuid4 } from './ids.js';
import type { ScopeData } from './scope.js';
import type { EventInput, FaultlineEvent, Primitive, SdkInfo, User } from './types.js';

export interface EventDefaults {
  platform: string;
  sdk: SdkInfo;
  release?: string;
  environment?: string;
  dist?: string;
  maxBreadcrumbs: number;
}

/**
 * Builds the normalized event from what the user passed and the scope at capture time. The event's
 * own values win over the scope's, except `level`, which a scope may raise (as in Sentry SDKs).
 */
export function buildEvent(input: EventInput, scope: ScopeData, defaults: EventDefaults): FaultlineEvent {
  const event: FaultlineEvent = {
    event_id: isId(input.event_id) ? input.event_id : uuid4(),
    timestamp: typeof input.timestamp === 'number' ? input.timestamp : nowSeconds(),
    platform: defaults.platform,
    level: scope.level ?? input.level ?? 'error',
    // What the event itself brings is copied bounded (as the scope setters copy), so that a huge
    // object is enumerated once here, not again by every sanitizing pass.
    contexts: merged(scope.contexts, boundedContexts(input.contexts)),
    tags: merged(scope.tags, stringTags(input.tags)),
    extra: merged(scope.extra, input.extra && boundedCopy(input.extra, COPY_DEPTH + 1)),
    breadcrumbs: [...scope.breadcrumbs, ...(input.breadcrumbs ?? [])].slice(-defaults.maxBreadcrumbs || 0),
    sdk: defaults.sdk,
  };
  if (defaults.maxBreadcrumbs === 0) event.breadcrumbs = [];
  // Cut before filters and the duplicate key read it (see boundedValue).
  if (input.message !== undefined) event.message = boundedValue(input.message) as string;
  if (input.exception) event.exception = input.exception;
  const user = scope.user || input.user ? merged<User>(scope.user, input.user) : undefined;
  if (user) event.user = user;
  // Taken as given, else from the scope or the client's defaults; left out when none has one.
  const fields: { [K in keyof FaultlineEvent]?: FaultlineEvent[K] | undefined } = {
    request: input.request ?? scope.request,
    fingerprint: input.fingerprint ?? scope.fingerprint,
    transaction: input.transaction ?? scope.transaction,
    release: input.release ?? defaults.release,
    environment: input.environment ?? defaults.environment,
    dist: input.dist ?? defaults.dist,
    server_name: input.server_name,
    logger: input.logger,
  };
  for (const key in fields) {
    const value = fields[key as keyof typeof fields];
    if (value != null) (event as unknown as Record<string, unknown>)[key] = value;
  }
  return event;
}

function boundedContexts(contexts: EventInput['contexts']): FaultlineEvent['contexts'] {
  const out: FaultlineEvent['contexts'] = {};
  for (const [name, context] of boundedEntries(contexts)) out[name] = boundedCopy(context);
  return out;
}

function stringTags(tags: Record<string, Primitive> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!tags) return out;
  for (const [key, value] of boundedEntries(tags)) out[key] = boundedValue(String(value)) as string;
  return out;
}

/**
 * `Type: message` lines an event is matched on by `ignoreErrors` (a type or a value alone when
 * the other is empty); the message first, '' when there is none.
 */
export const eventMessages = (event: FaultlineEvent): string[] => [
  event.message ?? '',
  ...(event.exception?.values ?? []).map((v) => [v.type, v.value].filter(Boolean).join(': ')),
];

/**
 * What two events a user would call "the same event again" have in common: message, type and
 * value of the thrown error, its frames, fingerprint and user, as a list of values (no text
 * built per frame); compare two with {@link sameDedupeKey}.
 */
export function dedupeKey(event: FaultlineEvent): unknown[] {
  const last = event.exception?.values[event.exception.values.length - 1];
  const key: unknown[] = [
    event.message,
    last?.type,
    last?.value,
    `${event.fingerprint ?? ''}`,
    // The same error for another user is another occurrence: affected users must count right.
    `${event.user?.id ?? ''}`,
  ];
  for (const f of last?.stacktrace?.frames ?? []) key.push(f.filename, f.lineno, f.colno, f.function);
  return key;
}

/** Whether two {@link dedupeKey} lists hold the same values. */
export const sameDedupeKey = (a: unknown[], b: unknown[] | undefined): boolean =>
  a.length === b?.length && a.every((value, i) => value === b[i]);
