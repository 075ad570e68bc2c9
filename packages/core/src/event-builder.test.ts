import { describe, expect, it } from 'vitest';
import { buildEvent, type EventDefaults } from './event-builder.js';
import type { ScopeData } from './scope.js';
import type { EventInput } from './types.js';

const defaults: EventDefaults = {
  platform: 'node',
  sdk: { name: 'faultline.test', version: '0.0.0' },
  release: 'shop@1.4.2',
  environment: 'production',
  maxBreadcrumbs: 100,
};
const scope = (data: Partial<ScopeData> = {}): ScopeData => ({
  tags: {},
  contexts: {},
  extra: {},
  breadcrumbs: [],
  ...data,
});

/** What an event may bring itself, and what a scope holds of the same fields. */
const own = {
  request: { url: 'https://shop.example/own' },
  fingerprint: ['own'],
  transaction: 'GET /own',
  release: 'own@1',
  environment: 'staging',
  dist: '7',
  server_name: 'web-1',
  logger: 'payments',
};
const scoped = {
  request: { url: 'https://shop.example/scope' },
  fingerprint: ['scope'],
  transaction: 'GET /scope',
};

describe('buildEvent', () => {
  it("takes the event's own request, fingerprint, transaction, release, environment and dist over the scope's and the defaults'", () => {
    expect(buildEvent(own, scope(scoped), defaults)).toMatchObject(own);
  });

  it("falls back to the scope's request, fingerprint and transaction and the client's release and environment", () => {
    expect(buildEvent({}, scope(scoped), defaults)).toMatchObject({
      ...scoped,
      release: 'shop@1.4.2',
      environment: 'production',
    });
  });

  it('leaves out what nobody set, and what was set to null, instead of sending empty fields', () => {
    const event = buildEvent(
      { transaction: null, server_name: null, logger: undefined } as unknown as EventInput,
      scope(),
      { platform: 'node', sdk: defaults.sdk, maxBreadcrumbs: 100 },
    );
    for (const key of [
      'request',
      'fingerprint',
      'transaction',
      'release',
      'environment',
      'dist',
      'server_name',
      'logger',
    ])
      expect(Object.hasOwn(event, key), key).toBe(false);
  });
});
