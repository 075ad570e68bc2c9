import type { Arrival } from './arrivals.js';
import { PRIORITIES, type Priority, priorityOf } from './priority.js';

type EventArrival = Extract<Arrival, { kind: 'event' }>;

/** One issue as `GET /api/issues` answers it: a group of events and its triage. */
export interface IssueSummary {
  /** The grouping key (explicit fingerprint, or type + top frame). */
  id: string;
  priority: Priority;
  /** The rule that gave the priority, in words. */
  reason: string;
  /** The most urgent priority this issue has had (what `--fail-on` looks at). */
  peakPriority: Priority;
  title: string;
  level: string;
  count: number;
  /** Distinct user ids among the issue's events. */
  users: number;
  route?: string;
  /** `file:line:col` of the top in-app frame. */
  frame?: string;
  firstSeen: string;
  lastSeen: string;
  firstRelease?: string;
  lastRelease?: string;
  environment?: string;
  critical: boolean;
  thirdParty: boolean;
  newInLatestRelease: boolean;
  /** At least one event was not handled by the app (caught by the SDK on its own). */
  unhandled: boolean;
}

interface IssueState {
  id: string;
  title: string;
  level: string;
  count: number;
  users: Set<string>;
  route?: string;
  frame?: string;
  firstSeen: number;
  lastSeen: number;
  firstRelease?: string;
  lastRelease?: string;
  environment?: string;
  critical: boolean;
  thirdPartyEvents: number;
  unhandled: boolean;
  peak: Priority;
}

const LEVEL_RANK = ['fatal', 'error', 'warning', 'log', 'info', 'debug'];
/** Distinct user ids kept per issue and overall; beyond it counts stop growing (memory stays bounded). */
const MAX_USERS = 100_000;

export interface IssueStoreOptions {
  /** Events from which an issue counts as high volume (priority rules). @default 50 */
  volumeThreshold?: number;
}

/** Groups event arrivals into issues and keeps what their priority needs. */
export function createIssueStore(options: IssueStoreOptions = {}) {
  const issues = new Map<string, IssueState>();
  const allUsers = new Set<string>();
  /** Releases in the order they were first seen: the last one is the latest. */
  const releases = new Set<string>();

  function summarize(issue: IssueState): IssueSummary {
    const latest = [...releases].pop();
    const facts = {
      count: issue.count,
      users: issue.users.size,
      critical: issue.critical,
      thirdParty: issue.thirdPartyEvents === issue.count,
      level: issue.level,
      newInLatestRelease: latest !== undefined && issue.firstRelease === latest,
      totalUsers: allUsers.size,
      ...(options.volumeThreshold !== undefined ? { volumeThreshold: options.volumeThreshold } : {}),
    };
    const verdict = priorityOf(facts);
    if (PRIORITIES.indexOf(verdict.priority) < PRIORITIES.indexOf(issue.peak)) issue.peak = verdict.priority;
    const summary: IssueSummary = {
      id: issue.id,
      priority: verdict.priority,
      reason: verdict.reason,
      peakPriority: issue.peak,
      title: issue.title,
      level: issue.level,
      count: issue.count,
      users: issue.users.size,
      firstSeen: new Date(issue.firstSeen).toISOString(),
      lastSeen: new Date(issue.lastSeen).toISOString(),
      critical: issue.critical,
      thirdParty: facts.thirdParty,
      newInLatestRelease: facts.newInLatestRelease,
      unhandled: issue.unhandled,
    };
    for (const key of ['route', 'frame', 'firstRelease', 'lastRelease', 'environment'] as const) {
      const value = issue[key];
      if (value !== undefined) summary[key] = value;
    }
    return summary;
  }

  return {
    /** Adds one event to its issue; returns the issue after it and whether it is new. */
    record(arrival: EventArrival, now = Date.now()): { issue: IssueSummary; isNew: boolean } {
      const event = arrival.event;
      let issue = issues.get(arrival.group);
      const isNew = !issue;
      if (!issue) {
        issue = {
          id: arrival.group,
          title: arrival.message ? `${arrival.type}: ${arrival.message}` : arrival.type,
          level: arrival.level,
          count: 0,
          users: new Set(),
          firstSeen: now,
          lastSeen: now,
          critical: false,
          thirdPartyEvents: 0,
          unhandled: false,
          peak: 'P3',
        };
        if (arrival.frame) issue.frame = arrival.frame;
        issues.set(arrival.group, issue);
      }
      issue.count += 1;
      issue.lastSeen = now;
      if (LEVEL_RANK.indexOf(arrival.level) < LEVEL_RANK.indexOf(issue.level)) issue.level = arrival.level;
      if (arrival.transaction) issue.route ??= arrival.transaction;
      if (arrival.environment) issue.environment ??= arrival.environment;
      if (arrival.release) {
        releases.add(arrival.release);
        issue.firstRelease ??= arrival.release;
        issue.lastRelease = arrival.release;
      }
      if (arrival.userId !== undefined) {
        if (issue.users.size < MAX_USERS) issue.users.add(arrival.userId);
        if (allUsers.size < MAX_USERS) allUsers.add(arrival.userId);
      }
      if (event.tags?.critical === 'true') issue.critical = true;
      if (event.tags?.third_party === 'true') issue.thirdPartyEvents += 1;
      if (arrival.handled === false) issue.unhandled = true;
      return { issue: summarize(issue), isNew };
    },
    /** Every issue, most urgent first, then by count. */
    list(): IssueSummary[] {
      return [...issues.values()]
        .map(summarize)
        .sort((a, b) => PRIORITIES.indexOf(a.priority) - PRIORITIES.indexOf(b.priority) || b.count - a.count);
    },
  };
}

export type IssueStore = ReturnType<typeof createIssueStore>;
