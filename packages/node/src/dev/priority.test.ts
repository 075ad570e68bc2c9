import { describe, expect, it } from 'vitest';
import { isAtLeast, type PriorityFacts, parsePriority, priorityOf } from './priority.js';

/** A quiet issue: one event, one user out of many, error level, nothing special. */
const quiet: PriorityFacts = {
  count: 1,
  users: 1,
  critical: false,
  thirdParty: false,
  level: 'error',
  newInLatestRelease: false,
  totalUsers: 100,
};
const of = (facts: Partial<PriorityFacts>) => priorityOf({ ...quiet, ...facts });

describe('priority rules', () => {
  it('P2: a low-frequency error on a path nobody named critical', () => {
    expect(of({})).toEqual({ priority: 'P2', reason: 'low frequency, not a critical flow' });
  });

  it('P0: a critical flow is broken, whatever the volume', () => {
    expect(of({ critical: true }).priority).toBe('P0');
    expect(of({ critical: true, thirdParty: true, level: 'warning' }).priority).toBe('P0');
  });

  it('P0: new in the latest release with high volume; P1 when the same volume is older', () => {
    expect(of({ newInLatestRelease: true, count: 50 }).priority).toBe('P0');
    expect(of({ newInLatestRelease: false, count: 50 }).priority).toBe('P1');
    expect(of({ newInLatestRelease: true, count: 49 }).priority).toBe('P2');
  });

  it('P1: high volume uses the threshold given', () => {
    expect(of({ count: 10, volumeThreshold: 10 }).priority).toBe('P1');
    expect(of({ count: 9, volumeThreshold: 10 }).priority).toBe('P2');
  });

  it('P1: a significant share of users (at least 5, and at least 10% of users seen)', () => {
    expect(of({ users: 10, count: 10, totalUsers: 100 })).toEqual({
      priority: 'P1',
      reason: 'affects 10 users (10% of users seen)',
    });
    expect(of({ users: 9, count: 9, totalUsers: 100 }).priority).toBe('P2');
    expect(of({ users: 4, count: 4, totalUsers: 4 }).priority).toBe('P2');
  });

  it('P3: a third-party failure, unless it is frequent or widespread', () => {
    expect(of({ thirdParty: true }).priority).toBe('P3');
    expect(of({ thirdParty: true, count: 60 }).priority).toBe('P1');
  });

  it('P3: an edge case (warning, info, debug level)', () => {
    expect(of({ level: 'warning' }).priority).toBe('P3');
    expect(of({ level: 'info' }).priority).toBe('P3');
    expect(of({ level: 'fatal' }).priority).toBe('P2');
  });
});

describe('priority levels', () => {
  it('orders P0 before P3 and reads them in any case', () => {
    expect(isAtLeast('P0', 'P1')).toBe(true);
    expect(isAtLeast('P1', 'P1')).toBe(true);
    expect(isAtLeast('P2', 'P1')).toBe(false);
    expect(parsePriority('p2')).toBe('P2');
    expect(parsePriority('P4')).toBeUndefined();
  });
});
