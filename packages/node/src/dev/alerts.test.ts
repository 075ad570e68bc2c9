import { describe, expect, it } from 'vitest';
import { createAlertRules, parseDuration, SPIKE_MIN_EVENTS } from './alerts.js';
import type { IssueSummary } from './issues.js';

const MIN = 60_000;

function issue(id: string, route = 'POST /checkout'): IssueSummary {
  return {
    id,
    priority: 'P2',
    reason: 'low frequency, not a critical flow',
    peakPriority: 'P2',
    title: `Error: ${id}`,
    level: 'error',
    count: 1,
    users: 1,
    route,
    firstSeen: new Date(0).toISOString(),
    lastSeen: new Date(0).toISOString(),
    critical: false,
    thirdParty: false,
    newInLatestRelease: false,
    unhandled: false,
  };
}

/** Feeds `n` events of `target` evenly between `from` and `to` (ms) and returns the rules fired. */
function feed(
  rules: ReturnType<typeof createAlertRules>,
  target: IssueSummary,
  n: number,
  from: number,
  to: number,
) {
  const fired: string[] = [];
  for (let k = 0; k < n; k++) {
    const at = n === 1 ? from : from + ((to - from) * k) / (n - 1);
    for (const alert of rules.onEvent(target, false, at)) fired.push(alert.rule);
  }
  return fired;
}

describe('new_issue', () => {
  it('fires on the first event of an issue only, with a Slack text', () => {
    const rules = createAlertRules({}, 0);
    const first = rules.onEvent(issue('a'), true, 1000);
    expect(first.map((a) => a.rule)).toEqual(['new_issue']);
    expect(first[0]?.text).toContain('New issue: Error: a');
    expect(rules.onEvent(issue('a'), false, 2000)).toEqual([]);
  });
});

describe('frequency', () => {
  it('fires when an issue passes the threshold within the window, once per window', () => {
    const rules = createAlertRules({ threshold: 50, windowMs: 5 * MIN }, 0);
    const a = issue('a', '');
    expect(feed(rules, a, 50, 0, 4 * MIN)).toEqual([]);
    const fired = rules.onEvent(a, false, 4 * MIN + 1);
    expect(fired.map((x) => x.rule)).toEqual(['frequency']);
    expect(fired[0]).toMatchObject({ count: 51, threshold: 50, windowSeconds: 300 });
    expect(feed(rules, a, 20, 4 * MIN + 2, 8 * MIN)).toEqual([]);
    expect(feed(rules, a, 60, 10 * MIN, 11 * MIN)).toEqual(['frequency']);
  });

  it('does not fire for the same number of events spread wider than the window', () => {
    const rules = createAlertRules({ threshold: 50, windowMs: 5 * MIN }, 0);
    expect(feed(rules, issue('a', ''), 80, 0, 20 * MIN)).toEqual([]);
  });

  it('counts each issue on its own', () => {
    const rules = createAlertRules({ threshold: 5, windowMs: MIN }, 0);
    expect(feed(rules, issue('a', ''), 5, 0, 1000)).toEqual([]);
    expect(feed(rules, issue('b', ''), 5, 0, 1000)).toEqual([]);
  });
});

describe('endpoint_spike', () => {
  const W = 5 * MIN;

  it('fires when a route jumps well above its baseline', () => {
    const rules = createAlertRules({ threshold: 1000, windowMs: W }, 0);
    const a = issue('a');
    // Two quiet windows: 2 errors in each, then 12 in one window (6× the baseline).
    expect(feed(rules, a, 2, 0, W - 1)).toEqual([]);
    expect(feed(rules, a, 2, W, 2 * W - 1)).toEqual([]);
    const fired = feed(rules, a, 12, 2 * W, 2 * W + MIN);
    expect(fired).toEqual(['endpoint_spike']);
  });

  it('reports the route, the count in the window and the baseline', () => {
    const rules = createAlertRules({ threshold: 1000, windowMs: W }, 0);
    const a = issue('a');
    feed(rules, a, 2, 0, W - 1);
    feed(rules, a, 2, W, 2 * W - 1);
    let alert: ReturnType<typeof rules.onEvent>[number] | undefined;
    for (let k = 0; k < 12 && !alert; k++) alert = rules.onEvent(a, false, 2 * W + k)[0];
    // It fires on the tenth error of the window: the minimum, and 5× the baseline of 2.
    expect(alert).toMatchObject({ rule: 'endpoint_spike', route: 'POST /checkout', count: 10, baseline: 2 });
  });

  it('does not fire for a steady rate, or below the minimum count', () => {
    const steady = createAlertRules({ threshold: 1000, windowMs: W }, 0);
    expect(feed(steady, issue('a'), 60, 0, 4 * W)).toEqual([]);
    const small = createAlertRules({ threshold: 1000, windowMs: W }, 0);
    feed(small, issue('a'), 2, 0, MIN);
    expect(feed(small, issue('a'), SPIKE_MIN_EVENTS - 1, 2 * W, 2 * W + MIN)).toEqual([]);
  });

  it('has no baseline before the receiver watched a full window before the current one', () => {
    const rules = createAlertRules({ threshold: 1000, windowMs: W }, 0);
    expect(feed(rules, issue('a'), 40, W, W + MIN)).toEqual([]);
  });

  it('judges each route against its own baseline', () => {
    const rules = createAlertRules({ threshold: 1000, windowMs: W }, 0);
    feed(rules, issue('a', 'GET /busy'), 30, 0, 2 * W - 1);
    // /busy averages 15 per window; 30 on another route with no history is a spike there only.
    expect(feed(rules, issue('b', 'GET /quiet'), 30, 2 * W, 2 * W + MIN)).toEqual(['endpoint_spike']);
    expect(feed(rules, issue('a', 'GET /busy'), 30, 2 * W, 2 * W + MIN)).toEqual([]);
  });
});

describe('parseDuration', () => {
  it('reads seconds, minutes, hours and milliseconds', () => {
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('soon')).toBeUndefined();
    expect(parseDuration('0')).toBeUndefined();
  });
});
