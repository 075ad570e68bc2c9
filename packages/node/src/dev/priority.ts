/**
 * The priority of an issue, P0 (fix now) to P3 (fix when convenient). docs/triage.md explains
 * each rule; they are checked in this order and the first that holds decides:
 *
 * - P0: a critical flow is broken (an event carries `critical: "true"`), or the issue is new in
 *   the latest release seen and has high volume (at least `volumeThreshold` events).
 * - P1: high volume (at least `volumeThreshold` events), or a significant share of users: at
 *   least `MIN_USERS_FOR_SHARE` users and at least `USER_SHARE` of all users seen.
 * - P3: a third-party failure (every event carries `third_party: "true"`), or an edge case
 *   (level `warning`, `info` or `debug`).
 * - P2: everything else: low frequency on a path nobody named critical.
 */
export type Priority = 'P0' | 'P1' | 'P2' | 'P3';

export const PRIORITIES: readonly Priority[] = ['P0', 'P1', 'P2', 'P3'];

/** Share of all users seen above which an issue affects "a significant share of users". */
export const USER_SHARE = 0.1;
/** Below this many users no share is significant: 2 of 3 users is not a trend. */
export const MIN_USERS_FOR_SHARE = 5;
/** Events from which an issue counts as high volume. @default 50 */
export const DEFAULT_VOLUME_THRESHOLD = 50;

/** What the rules look at, per issue, plus two facts about everything received. */
export interface PriorityFacts {
  count: number;
  users: number;
  critical: boolean;
  /** Every event of the issue was a third-party failure. */
  thirdParty: boolean;
  /** The most severe level among the events. */
  level: string;
  /** The issue first appeared in the latest release seen. */
  newInLatestRelease: boolean;
  /** Distinct users among all events received. */
  totalUsers: number;
  volumeThreshold?: number;
}

export interface PriorityVerdict {
  priority: Priority;
  /** The rule that decided, in words. */
  reason: string;
}

const EDGE_LEVELS = new Set(['warning', 'info', 'debug', 'log']);

/** Applies the rules above; the first that holds decides. */
export function priorityOf(facts: PriorityFacts): PriorityVerdict {
  const volume = facts.volumeThreshold ?? DEFAULT_VOLUME_THRESHOLD;
  const highVolume = facts.count >= volume;
  if (facts.critical) return { priority: 'P0', reason: 'breaks a critical flow' };
  if (facts.newInLatestRelease && highVolume)
    return { priority: 'P0', reason: `new in the latest release, ${facts.count} events` };
  if (highVolume) return { priority: 'P1', reason: `high volume, ${facts.count} events` };
  if (facts.users >= MIN_USERS_FOR_SHARE && facts.users >= USER_SHARE * facts.totalUsers) {
    const share = Math.round((100 * facts.users) / Math.max(1, facts.totalUsers));
    return { priority: 'P1', reason: `affects ${facts.users} users (${share}% of users seen)` };
  }
  if (facts.thirdParty) return { priority: 'P3', reason: 'third-party failure' };
  if (EDGE_LEVELS.has(facts.level)) return { priority: 'P3', reason: `edge case (level ${facts.level})` };
  return { priority: 'P2', reason: 'low frequency, not a critical flow' };
}

/** True when `priority` is `level` or more urgent (P0 is the most urgent). */
export function isAtLeast(priority: Priority, level: Priority): boolean {
  return PRIORITIES.indexOf(priority) <= PRIORITIES.indexOf(level);
}

/** Reads `P0`…`P3` (any case); undefined for anything else. */
export function parsePriority(text: string): Priority | undefined {
  const upper = text.trim().toUpperCase();
  return (PRIORITIES as readonly string[]).includes(upper) ? (upper as Priority) : undefined;
}
