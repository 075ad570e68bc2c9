/**
 * The storm guard: an app failing in a loop must not pay for building, scrubbing and
 * serializing thousands of copies of one error. It decides per capture, before anything is
 * built, from what the raw error cheaply tells (its type and its top in-app frame):
 *
 * - each issue (same type, same top in-app frame) may send a burst of events, then a few per
 *   second; captures beyond that are only counted;
 * - each synchronous run of the app (one macrotask) builds a bounded number of events, and once
 *   it has also counted that many, the rest of the run is counted by type alone: reading a
 *   stack makes V8 format it, which would cost more than everything else a storm pays, so a
 *   tight loop of captures costs a counter increment per capture after the first few.
 *
 * What was counted instead of built rides on the issue's next event, as
 * `contexts.repeats = { suppressed, since }`, so a backend can still tell "3 times" from
 * "3,000 times"; the client also counts each one in its client reports (`backpressure`).
 */
import { parseLine, stripHeader } from './stack-parse.js';

export interface StormGuardOptions {
  /** Events of one issue built at once before its rate applies. @default 50 */
  burst?: number;
  /** Events per second of one issue built once its burst is spent. @default 1 */
  perSecond?: number;
  /** Events built per synchronous run of the app, over all issues. @default 25 */
  perTask?: number;
  /** Clock in ms. @default Date.now */
  now?: () => number;
}

export interface StormGuard {
  /**
   * Called once per capture, before the event is built. `user` (the scope's user id) makes the
   * same error of different users different issues here: many users failing at once is an
   * outage whose reach a backend must count, not a loop to damp. Returns undefined when the capture
   * must only be counted; otherwise how many captures of its issue were counted instead of
   * built since the issue's last admitted event (0 for none), with the time of the first.
   */
  admit(exception: unknown, user?: unknown): Repeats | undefined;
}

/** What `contexts.repeats` carries. */
export interface Repeats {
  /** Captures of this issue counted instead of sent since its previous event. */
  suppressed: number;
  /** When the first of them happened (ISO 8601), absent when none was. */
  since?: string;
}

interface Issue {
  tokens: number;
  at: number;
  suppressed: number;
  since: number;
}

/** Issues remembered at once; the oldest is forgotten first (its pending count then lives only in client reports). */
const MAX_ISSUES = 256;
/** Stack lines looked at for the top in-app frame. */
const MAX_LINES = 30;
/** Stack texts whose issue key is remembered (a repeating error has the same stack text each time). */
const MAX_KEYS = 32;
/** Longer stack texts are parsed each time rather than kept. */
const MAX_KEYED_STACK = 8192;

export function createStormGuard(options: StormGuardOptions = {}): StormGuard {
  const burst = Math.max(1, options.burst ?? 50);
  const perSecond = Math.max(0, options.perSecond ?? 1);
  const perTask = Math.max(1, options.perTask ?? 25);
  const now = options.now ?? Date.now;
  const issues = new Map<string, Issue>();
  /** Counted by type alone (the rest of a stormy run): added to the next admitted event of that type. */
  const byType = new Map<string, { suppressed: number; since: number }>();
  let builtThisTask = 0;
  let countedThisTask = 0;
  let resetQueued = false;
  /**
   * Issue keys by stack text (with the type they were made for): a repeat is keyed by one
   * lookup instead of parsing its stack. The stack text itself is the map key, not a copy.
   */
  const keys = new Map<string, { type: string; key: string }>();

  const keyOf = (exception: unknown): string => {
    const stack = stackOf(exception);
    if (stack === undefined || stack.length > MAX_KEYED_STACK) return issueKey(exception);
    const type = typeOf(exception);
    const known = keys.get(stack);
    if (known?.type === type) return known.key;
    const key = issueKey(exception);
    if (!known && keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value as string);
    keys.set(stack, { type, key });
    return key;
  };

  const endOfTask = (): void => {
    if (resetQueued) return;
    // Microtasks run once the app's synchronous code returns: that ends the "task".
    resetQueued = true;
    Promise.resolve().then(() => {
      builtThisTask = 0;
      countedThisTask = 0;
      resetQueued = false;
    });
  };

  return {
    admit(exception, user) {
      const t = now();
      endOfTask();
      if (builtThisTask >= perTask || countedThisTask >= perTask) {
        const type = typeOf(exception);
        const pending = byType.get(type);
        if (pending) pending.suppressed += 1;
        else if (byType.size < MAX_ISSUES) byType.set(type, { suppressed: 1, since: t });
        return undefined;
      }
      const key = user === undefined ? keyOf(exception) : `${keyOf(exception)}\n${user}`;
      let issue = issues.get(key);
      if (issue === undefined) {
        issue = { tokens: burst, at: t, suppressed: 0, since: t };
        if (issues.size >= MAX_ISSUES) issues.delete(issues.keys().next().value as string);
        issues.set(key, issue);
      } else {
        issue.tokens = Math.min(burst, issue.tokens + (Math.max(0, t - issue.at) / 1000) * perSecond);
        issue.at = t;
      }
      if (issue.tokens < 1) {
        if (issue.suppressed === 0) issue.since = t;
        issue.suppressed += 1;
        countedThisTask += 1;
        return undefined;
      }
      issue.tokens -= 1;
      builtThisTask += 1;
      const pending = byType.get(typeOf(exception));
      if (pending) {
        byType.delete(typeOf(exception));
        if (issue.suppressed === 0 || pending.since < issue.since) issue.since = pending.since;
        issue.suppressed += pending.suppressed;
      }
      const repeats: Repeats = { suppressed: issue.suppressed };
      if (issue.suppressed > 0) repeats.since = new Date(issue.since).toISOString();
      issue.suppressed = 0;
      return repeats;
    },
  };
}

/**
 * Type and top in-app frame of a thrown value, read from its stack text without parsing all
 * of it. Values without a readable stack are keyed by their type alone.
 */
export function issueKey(exception: unknown): string {
  const type = typeOf(exception);
  try {
    const { stack, message } = exception as { stack?: unknown; message?: unknown };
    if (typeof stack !== 'string') return type;
    const lines = stripHeader(stack, message).split('\n', MAX_LINES);
    for (const line of lines) {
      if (line.trim() === '') continue;
      const frame = parseLine(line);
      if (frame?.in_app) return `${type}\n${frame.filename}:${frame.lineno}:${frame.colno}`;
    }
    return `${type}\n${lines.find((line) => line.trim() !== '') ?? ''}`;
  } catch {
    return type;
  }
}

/** The stack text of an error, undefined when it has none or reading it throws. */
function stackOf(exception: unknown): string | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  try {
    const stack = (exception as { stack?: unknown }).stack;
    return typeof stack === 'string' ? stack : undefined;
  } catch {
    return undefined;
  }
}

/** The type part of an issue key: the error's name, or what kind of value was thrown. */
function typeOf(exception: unknown): string {
  if (typeof exception !== 'object' || exception === null) return `(${typeof exception})`;
  try {
    const name = (exception as { name?: unknown }).name;
    return typeof name === 'string' ? name.slice(0, 100) : '(object)';
  } catch {
    return '(unreadable)';
  }
}
