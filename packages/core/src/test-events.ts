import type { FaultlineEvent } from './types.js';

/** A minimal valid event for tests, with `extra` over its fields. */
export function testEvent(extra: Partial<FaultlineEvent> = {}): FaultlineEvent {
  return {
    event_id: 'a'.repeat(32),
    timestamp: 1_700_000_000.5,
    platform: 'node',
    level: 'error',
    contexts: {},
    tags: {},
    extra: {},
    breadcrumbs: [],
    sdk: { name: 'faultline.node', version: '0.1.0' },
    ...extra,
  };
}
