import type { IssueSummary } from './issues.js';

/**
 * One alert, posted as is to `--alert-webhook`. `text` is Slack's incoming-webhook field
 * (https://api.slack.com/messaging/webhooks), so a Slack webhook URL takes the body unchanged.
 */
export interface Alert {
  rule: 'new_issue' | 'frequency' | 'endpoint_spike';
  text: string;
  /** ISO time the alert was raised. */
  at: string;
  /** The issue the alert is about (`new_issue`, `frequency`; the triggering one for a spike). */
  issue?: IssueSummary;
  /** `frequency`: events of the issue in the window; `endpoint_spike`: errors of the route in it. */
  count?: number;
  windowSeconds?: number;
  /** `frequency`: the threshold passed. */
  threshold?: number;
  /** `endpoint_spike`: the route and its baseline (mean errors per window before this one). */
  route?: string;
  baseline?: number;
}

export interface AlertRuleOptions {
  /** `frequency` fires when an issue has more than this many events in `windowMs`. @default 50 */
  threshold?: number;
  /** The window of `frequency` and `endpoint_spike`. @default 300000 (5 minutes) */
  windowMs?: number;
}

/** A route spikes when its errors in the window are at least this many times its baseline… */
export const SPIKE_FACTOR = 3;
/** …and at least this many: a jump from 1 to 3 errors is no spike. */
export const SPIKE_MIN_EVENTS = 10;
/** The baseline is the mean of up to this many windows before the current one. */
export const BASELINE_WINDOWS = 6;
/** Arrival times kept per route; older ones are forgotten first. */
const MAX_TIMES_PER_ROUTE = 10_000;

/**
 * The alert rules, fed one event at a time with its issue after the event and its arrival time.
 * Times come from the caller, so the rules can be checked without waiting.
 *
 * - `new_issue`: the first event of an issue.
 * - `frequency`: an issue passes `threshold` events within `windowMs` (more than `threshold`);
 *   then not again for that issue until `windowMs` has passed.
 * - `endpoint_spike`: a route's errors in the last `windowMs` reach `SPIKE_MIN_EVENTS` and
 *   `SPIKE_FACTOR` times its baseline, the mean errors per window over the `BASELINE_WINDOWS`
 *   windows before (or as many as were observed, at least one: a receiver that started less
 *   than two windows ago has no baseline yet); then not again for that route for `windowMs`.
 */
export function createAlertRules(options: AlertRuleOptions = {}, startedAt = Date.now()) {
  const threshold = options.threshold ?? 50;
  const windowMs = options.windowMs ?? 5 * 60_000;
  const windowSeconds = windowMs / 1000;
  const issueTimes = new Map<string, number[]>();
  const routeTimes = new Map<string, number[]>();
  const lastFired = new Map<string, number>();

  const quiet = (key: string, now: number) => now - (lastFired.get(key) ?? -Infinity) < windowMs;

  function frequency(issue: IssueSummary, now: number): Alert | undefined {
    // Only the last threshold + 1 times matter: the rule holds when the oldest of them is recent.
    const times = issueTimes.get(issue.id) ?? [];
    times.push(now);
    if (times.length > threshold + 1) times.shift();
    issueTimes.set(issue.id, times);
    const key = `frequency ${issue.id}`;
    if (times.length <= threshold || now - (times[0] as number) >= windowMs || quiet(key, now)) return;
    lastFired.set(key, now);
    return {
      rule: 'frequency',
      text: `:warning: [${issue.priority}] ${issue.title} passed ${threshold} events in ${duration(windowMs)}${where(issue)}`,
      at: new Date(now).toISOString(),
      issue,
      count: times.length,
      threshold,
      windowSeconds,
    };
  }

  function spike(issue: IssueSummary, now: number): Alert | undefined {
    const route = issue.route;
    if (!route) return;
    const times = routeTimes.get(route) ?? [];
    times.push(now);
    const horizon = now - (BASELINE_WINDOWS + 1) * windowMs;
    while (times.length && ((times[0] as number) <= horizon || times.length > MAX_TIMES_PER_ROUTE))
      times.shift();
    routeTimes.set(route, times);
    const observed = Math.min(BASELINE_WINDOWS * windowMs, now - windowMs - startedAt);
    if (observed < windowMs) return;
    const current = times.filter((t) => t > now - windowMs).length;
    const before = times.filter((t) => t <= now - windowMs && t > now - windowMs - observed).length;
    const baseline = before / (observed / windowMs);
    const key = `spike ${route}`;
    if (current < SPIKE_MIN_EVENTS || current < SPIKE_FACTOR * baseline || quiet(key, now)) return;
    lastFired.set(key, now);
    return {
      rule: 'endpoint_spike',
      text: `:chart_with_upwards_trend: Errors on ${route} spiked: ${current} in the last ${duration(windowMs)}, baseline ${baseline.toFixed(1)} per ${duration(windowMs)}. Latest: ${issue.title}`,
      at: new Date(now).toISOString(),
      issue,
      route,
      count: current,
      baseline: Number(baseline.toFixed(2)),
      windowSeconds,
    };
  }

  return {
    /** The alerts this event raises, in rule order. */
    onEvent(issue: IssueSummary, isNew: boolean, now = Date.now()): Alert[] {
      const alerts: Alert[] = [];
      if (isNew) {
        alerts.push({
          rule: 'new_issue',
          text: `:new: [${issue.priority}] New issue: ${issue.title}${where(issue)}`,
          at: new Date(now).toISOString(),
          issue,
        });
      }
      const frequent = frequency(issue, now);
      if (frequent) alerts.push(frequent);
      const spiked = spike(issue, now);
      if (spiked) alerts.push(spiked);
      return alerts;
    },
  };
}

function where(issue: IssueSummary): string {
  const facts = [
    issue.route && `on ${issue.route}`,
    issue.firstRelease && `since ${issue.firstRelease}`,
    issue.users && `${issue.users} user${issue.users === 1 ? '' : 's'}`,
  ].filter(Boolean);
  return facts.length ? ` (${facts.join(', ')})` : '';
}

function duration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}

/** Parses `5m`, `30s`, `1500ms`, `1h` or a number of seconds into milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(text.trim());
  if (!match) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 's'] as number;
  const ms = Number(match[1]) * unit;
  return ms > 0 ? ms : undefined;
}

/**
 * Posts alerts to a webhook one after another (in the order raised), each within `timeoutMs`.
 * A failed post is reported through `onError`, never thrown. `drain` waits for what is pending.
 */
export function createWebhookNotifier(url: string, onError: (message: string) => void, timeoutMs = 5000) {
  let chain: Promise<void> = Promise.resolve();
  return {
    send(alert: Alert): void {
      chain = chain.then(async () => {
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(alert),
            signal: AbortSignal.timeout(timeoutMs),
          });
          await response.arrayBuffer().catch(() => undefined);
          if (!response.ok) onError(`alert webhook answered ${response.status} to a ${alert.rule} alert`);
        } catch (error) {
          onError(
            `could not post a ${alert.rule} alert: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      });
    },
    drain: (): Promise<void> => chain,
  };
}
