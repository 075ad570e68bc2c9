/**
 * The storm guard: an app failing in a loop must not pay for building, scrubbing and
 * serializing thousands of copies of one error. It decides per capture, before anything is
 * built, from what the raw error cheaply tells (its type and its top in-app frame):
 *
 * - each issue (same type, same top in-app frame) may send a burst of events, then a few per
 *   second; captures beyond that are only counted;
 * - each synchronous run of the app (one macrotask) spends a bounded time building events
 *   (`taskBudgetMs`: a cold first event alone can take tens of milliseconds): once it is spent
 *   and the run has built a few events, a repeat of an issue the run already built an event for
 *   is only counted, while a different error still gets its event;
 * - while a storm goes on (until a second after the last capture counted), an issue builds
 *   `perSecond` events a second, what is left of its burst waiting until the storm is over:
 *   a storm's first runs are its slowest (code that has run only a few times is slow), and
 *   an event per run of the same error would tell the backend nothing the counts do not;
 * - each run builds a bounded number of events, and once it has also counted that many, the
 *   rest of the run is counted by type alone: reading a stack makes V8 format it, which would
 *   cost more than everything else a storm pays, so a tight loop of captures costs a counter
 *   increment per capture after the first few;
 * - beyond those bounds, the first capture of each type the run has not yet built or counted is
 *   put off rather than counted: the guard keeps it (a few at most) and the client builds it at the
 *   start of the next macrotask, so an error that happens only once inside a storm of another is
 *   still sent (the storm's own type has its events, and its counts ride on the next). Whatever keeps the
 *   process from getting there (a flush, `process.exit()`) builds them at once (`runHeld`).
 *
 * What was counted instead of built rides on the issue's next event, as
 * `contexts.repeats = { suppressed, since }`, so a backend can still tell "3 times" from
 * "3,000 times"; the client also counts each one in its client reports (`backpressure`).
 */
import { unrefTimer } from './globals.js';
import { uuid4 } from './ids.js';
import type { ScopeStore } from './scope.js';
import { parseLine, stripHeader } from './stack-parse.js';
import type { EventHint, SeverityLevel } from './types.js';

export interface StormGuardOptions {
  /** Events of one issue built at once before its rate applies. @default 50 */
  burst?: number;
  /** Events per second of one issue built once its burst is spent. @default 1 */
  perSecond?: number;
  /** Events built per synchronous run of the app, over all issues. @default 25 */
  perTask?: number;
  /**
   * Milliseconds a synchronous run of the app may spend building events; once spent, repeats
   * of an issue the run already built an event for are counted instead.
   * @default 2
   */
  taskBudgetMs?: number;
  /** Clock in ms. @default Date.now */
  now?: () => number;
  /** Clock in ms with sub-millisecond precision, for `taskBudgetMs`. @default performance.now */
  clock?: () => number;
}

/** The client a guard counts drops in, and captures what it put off again through, in its scope. */
export interface StormHost {
  client: {
    captureException(exception: unknown, hint: EventHint): string;
    recordDroppedEvent(reason: 'backpressure', category: 'error'): void;
  };
  store: ScopeStore;
}

export interface StormGuard {
  /**
   * Called once per capture, before the event is built. `user` (the scope's user id) makes the
   * same error of different users different issues here: many users failing at once is an
   * outage whose reach a backend must count, not a loop to damp. Returns undefined when the capture
   * must only be counted; otherwise how many captures of its issue were counted instead of
   * built since the issue's last admitted event (0 for none), with the time of the first; or,
   * when it is put off, the id its event will have (`eventId`, else a new one): with a `host`,
   * it is kept with `hint` and the scope it was captured in, and captured again through the
   * host's client at the start of the next macrotask (or at the next flush or exit), as it
   * would have been now. A capture counted is also counted in the host's client reports
   * (`backpressure`). Nothing is drawn or copied for a capture only counted.
   */
  admit(exception: unknown, user?: unknown, hint?: EventHint, eventId?: string): Repeats | string | undefined;
  /**
   * `admit` for a message (`captureMessage`; an error response sent without a thrown error is
   * one): its issue is its level and text, held to its burst and rate (not to a run's bounds,
   * which are for thrown errors), so it is never put off.
   */
  admitMessage(text: string, level: SeverityLevel, user?: unknown): Repeats | undefined;
  /**
   * True (and the capture counted, in the host's client reports too) when this run is past
   * its bounds and the capture would only be counted by `admit`: the client can then skip
   * everything else it reads first. Never throws.
   */
  busy(exception: unknown): boolean;
  /** Says that the event of the last admitted capture is built: its time counts against the run's budget. */
  built(): void;
  /** Whether `hint` is that of a capture put off, now running again (it was deduplicated and sampled before). */
  again(hint: unknown): boolean;
  /** Runs every capture put off, now, within no budget: before a flush, or at exit. */
  runHeld(): void;
  /**
   * An id for a capture dropped before anything was built (an id of the event-id form that no
   * event carries): a random prefix, then a count, so a storm of drops does not draw a random
   * id for each.
   */
  id(): string;
}

/** What `contexts.repeats` carries. */
export interface Repeats {
  /** Captures of this issue counted instead of sent since its previous event. */
  suppressed: number;
  /** When the first of them happened (ISO 8601), absent when none was. */
  since?: string;
}

/** An issue key, with the stack text and type it was made for. */
interface Keyed {
  stack: string;
  type: string;
  key: string;
}

interface Issue {
  tokens: number;
  at: number;
  suppressed: number;
  since: number;
  /** The run that last built an event of this issue (-1 for none), and when. */
  run: number;
  builtAt: number;
}

/** Issues remembered at once; the oldest is forgotten first (its pending count then lives only in client reports). */
const MAX_ISSUES = 256;
/** Stack lines looked at for the top in-app frame. */
const MAX_LINES = 30;
/** Stack texts whose issue key is remembered (a repeating error has the same stack text each time). */
const MAX_KEYS = 32;
/** Stack texts compared before the map of keys is looked up. */
const RECENT_KEYS = 4;
/** Longer stack texts are parsed each time rather than kept. */
const MAX_KEYED_STACK = 8192;
/** Events a run builds whatever their time: a few errors in one tick are no storm. */
const MIN_PER_TASK = 3;
/** How long after a capture counted a storm is taken to go on, in ms. */
const STORM_MS = 1000;
/** Ids of drops count up from this 8-digit number (decimal digits are hex digits) until its double, then take a new prefix. */
const ID_FROM = 10_000_000;
/** Captures put off at once; beyond them, captures over a run's bounds are only counted. */
const MAX_HELD = 8;

export function createStormGuard(options: StormGuardOptions = {}, host?: StormHost): StormGuard {
  const burst = Math.max(1, options.burst ?? 50);
  const perSecond = Math.max(0, options.perSecond ?? 1);
  /** While a storm goes on, the least time between two events of an issue. */
  const interval = perSecond > 0 ? 1000 / perSecond : Number.POSITIVE_INFINITY;
  const perTask = Math.max(1, options.perTask ?? 25);
  const budgetMs = Math.max(0, options.taskBudgetMs ?? 2);
  const now = options.now ?? Date.now;
  const clock = options.clock ?? (typeof performance === 'object' ? () => performance.now() : Date.now);
  const issues = new Map<string, Issue>();
  /** Counted by type alone (the rest of a stormy run): added to the next admitted event of that type. */
  const byType = new Map<string, { suppressed: number; since: number }>();
  let builtThisTask = 0;
  let countedThisTask = 0;
  /** Time spent building events in this run, and when the event being built was admitted. */
  let spentThisTask = 0;
  /** Counts runs, so an issue knows whether this run built an event of it. */
  let run = 0;
  let openedAt: number | undefined;
  /**
   * Types by the last run that built or counted an event of them, or put a capture off of them
   * (one each), and the captures put off, to run later. A run number, rather than a set
   * cleared at the end of each run: clearing gives a set a new table each time.
   */
  const typesOfRun = new Map<string, number>();
  const seenThisRun = (type: string): boolean => typesOfRun.get(type) === run;
  const seeInRun = (type: string): void => {
    if (typesOfRun.get(type) === run) return;
    if (typesOfRun.size >= MAX_ISSUES) typesOfRun.clear();
    typesOfRun.set(type, run);
  };
  let held: Array<() => void> = [];
  /** True while `runHeld` runs captures with no budget. */
  let draining = false;
  let resetQueued = false;
  /** Until when a storm goes on: a second past the last capture counted. */
  let stormUntil = Number.NEGATIVE_INFINITY;
  let releaseQueued = false;
  /** Hints of captures put off, when they run again. */
  const resumed = new WeakSet<object>();
  /**
   * Issue keys by stack text (with the type they were made for): a repeat is keyed by one
   * lookup instead of parsing its stack. The stack text itself is the map key, not a copy.
   */
  const keys = new Map<string, Keyed>();
  /**
   * The stack texts keyed last, compared before the map is looked up: a repeat's stack is a new
   * string each time, and comparing it with an equal one costs far less than hashing it (about
   * a microsecond for a typical stack) for the map.
   */
  const recentKeys: Keyed[] = [];
  let idPrefix = '';
  let idCount = 2 * ID_FROM;

  const keyOf = (exception: unknown, type: string): string => {
    const stack = stackOf(exception);
    if (stack === undefined || stack.length > MAX_KEYED_STACK) return issueKey(exception);
    for (let i = 0; i < recentKeys.length; i++) {
      const entry = recentKeys[i] as Keyed;
      if (entry.stack !== stack || entry.type !== type) continue;
      // One place forward, so a stack in steady use stays first.
      if (i > 0) {
        recentKeys[i] = recentKeys[i - 1] as Keyed;
        recentKeys[i - 1] = entry;
      }
      return entry.key;
    }
    let entry = keys.get(stack);
    if (entry?.type !== type) {
      if (!entry && keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value as string);
      entry = { stack, type, key: issueKey(exception) };
      keys.set(stack, entry);
    }
    if (recentKeys.unshift(entry) > RECENT_KEYS) recentKeys.pop();
    return entry.key;
  };

  const runCaptures = (): void => {
    const captures = held;
    held = [];
    for (const capture of captures) {
      try {
        capture();
      } catch {
        // A capture never throws; nothing here may reach the app either.
      }
    }
  };

  const newRun = (): void => {
    resetQueued = false;
    run += 1;
    builtThisTask = 0;
    countedThisTask = 0;
    spentThisTask = 0;
  };

  /** One settled promise for every run's end: `then` on it makes one promise, not two. */
  const settled = Promise.resolve();
  const endOfTask = (): void => {
    if (resetQueued) return;
    // Microtasks run once the app's synchronous code returns: that ends the run. (Node runs
    // them after each timer and I/O callback, so concurrent requests are runs of their own.)
    resetQueued = true;
    void settled.then(newRun);
  };
  /**
   * Counts a run may leave to the next without a reset: the microtask that ends a run costs a
   * promise (and, where AsyncLocalStorage is on, its async hooks), as much as counting a capture
   * does, so a run that only counts a capture or two (a server answering one failing request
   * per run) does not queue one. Fewer than every bound they are compared with (`perTask`).
   */
  const carried = Math.min(MIN_PER_TASK, perTask) - 1;

  /**
   * Keeps a capture put off, with its scope, to be captured again through the host's client;
   * returns the id its event will have.
   */
  function putOff(exception: unknown, hint: EventHint, eventId = uuid4()): string {
    if (!host) return eventId;
    const { client, store } = host;
    const scope = store.getScope().clone();
    const again: EventHint = { ...hint, event_id: eventId };
    resumed.add(again);
    held.push(() => store.withScope(scope, () => client.captureException(exception, again)));
    if (releaseQueued) return eventId;
    // A timer fires in a later macrotask, after the app's run and its microtasks. Two of
    // them: the first fires with what else fell due during the run (the transport's first
    // send), the second one loop iteration later, so the two do not add up in one.
    releaseQueued = true;
    unrefTimer(() => {
      unrefTimer(() => {
        releaseQueued = false;
        runCaptures();
      }, 0);
    }, 0);
    return eventId;
  }

  /** A capture only counted: the host's client reports count it too. */
  const dropped = (t: number): void => {
    stormUntil = t + STORM_MS;
    host?.client.recordDroppedEvent('backpressure', 'error');
  };

  const pastBounds = (): boolean => !draining && (builtThisTask >= perTask || countedThisTask >= perTask);
  /**
   * Counts a capture of a run past its bounds by its type alone, unless it is put off (then
   * false): only a guard with a host to capture it again through puts one off.
   */
  const countByType = (type: string, t: number): boolean => {
    if (host && held.length < MAX_HELD && !seenThisRun(type)) return false;
    dropped(t);
    const pending = byType.get(type);
    if (pending) pending.suppressed += 1;
    else if (byType.size < MAX_ISSUES) byType.set(type, { suppressed: 1, since: t });
    return true;
  };

  /**
   * Decides for one capture of `type`: a thrown `exception`, or a message when `message` (its
   * issue key) is given. A thrown error's key is read only past the run's bounds check.
   */
  function decide(
    exception: unknown,
    message: string | undefined,
    type: string,
    user: unknown,
    hint: EventHint,
    eventId: string | undefined,
  ): Repeats | string | undefined {
    const t = now();
    // A run's own bounds (its count and its time) are for thrown errors; a message is held to
    // its issue's burst and rate only: a loop of different messages (a log of lines) is no storm.
    if (message === undefined && pastBounds()) {
      endOfTask();
      if (countByType(type, t)) return undefined;
      seeInRun(type);
      return putOff(exception, hint, eventId);
    }
    const base = message ?? keyOf(exception, type);
    const key = user === undefined ? base : `${base}\n${user}`;
    let issue = issues.get(key);
    if (issue === undefined) {
      issue = { tokens: burst, at: t, suppressed: 0, since: t, run: -1, builtAt: Number.NEGATIVE_INFINITY };
      if (issues.size >= MAX_ISSUES) issues.delete(issues.keys().next().value as string);
      issues.set(key, issue);
    } else {
      issue.tokens = Math.min(burst, issue.tokens + (Math.max(0, t - issue.at) / 1000) * perSecond);
      issue.at = t;
    }
    // Once the run's time is spent, a repeat in it of an issue it built is only counted; while
    // a storm goes on, so is an issue that built an event less than its interval ago.
    const spent =
      message === undefined && builtThisTask >= MIN_PER_TASK && spentThisTask >= budgetMs && !draining;
    const storming = t < stormUntil && !draining && t - issue.builtAt < interval;
    seeInRun(type);
    if (issue.tokens < 1 || (spent && issue.run === run) || storming) {
      if (issue.suppressed === 0) issue.since = t;
      issue.suppressed += 1;
      countedThisTask += 1;
      if (countedThisTask > carried) endOfTask();
      dropped(t);
      return undefined;
    }
    endOfTask();
    issue.tokens -= 1;
    issue.run = run;
    issue.builtAt = t;
    builtThisTask += 1;
    openedAt ??= clock();
    const pending = byType.get(type);
    if (pending) {
      byType.delete(type);
      if (issue.suppressed === 0 || pending.since < issue.since) issue.since = pending.since;
      issue.suppressed += pending.suppressed;
    }
    // Whole literals, never a property added later: an object made once a second would take
    // a map of its own, which a full collection can drop, and the hot code that met it
    // (this function, the client's capture) would then be deoptimized at each event.
    const repeats: Repeats =
      issue.suppressed > 0
        ? { suppressed: issue.suppressed, since: new Date(issue.since).toISOString() }
        : { suppressed: 0 };
    issue.suppressed = 0;
    return repeats;
  }

  return {
    admit(exception, user, hint = {}, eventId) {
      return decide(exception, undefined, typeOf(exception), user, hint, eventId);
    },
    admitMessage(text, level, user) {
      const type = `(${level} message)`;
      const admitted = decide(
        undefined,
        `${type}\n${text.slice(0, MAX_MESSAGE_KEY)}`,
        type,
        user,
        {},
        undefined,
      );
      // Only a thrown error is ever put off (given an id instead).
      return typeof admitted === 'string' ? undefined : admitted;
    },
    busy(exception) {
      try {
        return pastBounds() && countByType(typeOf(exception), now());
      } catch {
        return false;
      }
    },
    built() {
      if (openedAt === undefined) return;
      spentThisTask += clock() - openedAt;
      openedAt = undefined;
    },
    again: (hint) => resumed.has(hint as object),
    id() {
      if (idCount >= 2 * ID_FROM) {
        idPrefix = uuid4().slice(0, 24);
        idCount = ID_FROM;
      }
      return idPrefix + idCount++;
    },
    runHeld() {
      if (draining) return;
      draining = true;
      try {
        while (held.length > 0) runCaptures();
      } finally {
        draining = false;
      }
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

/** Longest part of a message's text that tells its issues apart. */
const MAX_MESSAGE_KEY = 200;

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
