import type { FaultlineEvent, Integration } from '@faultline/core';
import { describe, expect, it } from 'vitest';
import { noiseFilterIntegration } from './noise-filter.js';

function eventFrom(value: string, files: string[]): FaultlineEvent {
  return {
    event_id: '0'.repeat(32),
    timestamp: 0,
    platform: 'javascript',
    level: 'error',
    contexts: {},
    tags: {},
    extra: {},
    breadcrumbs: [],
    sdk: { name: 'faultline.browser', version: '0.0.0' },
    exception: {
      values: [{ type: 'Error', value, stacktrace: { frames: files.map((abs_path) => ({ abs_path })) } }],
    },
  };
}

const run = (integration: Integration, event: FaultlineEvent) =>
  integration.processEvent?.(event, {}, undefined as never) ?? null;

describe('noise filter', () => {
  const defaults = noiseFilterIntegration({ filterNoise: true });

  it('drops ResizeObserver loop messages and errors thrown from extension scripts', () => {
    expect(run(defaults, eventFrom('ResizeObserver loop limit exceeded', []))).toBeNull();
    expect(
      run(defaults, eventFrom('ResizeObserver loop completed with undelivered notifications.', [])),
    ).toBeNull();
    expect(
      run(defaults, eventFrom('x', ['https://app.example/app.js', 'chrome-extension://abc/content.js'])),
    ).toBeNull();
    expect(run(defaults, eventFrom('x', ['moz-extension://abc/c.js']))).toBeNull();
  });

  it('keeps app errors, including those called from an extension', () => {
    const event = eventFrom('x', ['chrome-extension://abc/content.js', 'https://app.example/app.js']);
    expect(run(defaults, event)).toBe(event);
    const off = noiseFilterIntegration({ filterNoise: false });
    expect(run(off, eventFrom('ResizeObserver loop limit exceeded', []))).not.toBeNull();
  });

  it('applies allowUrls and denyUrls to the script the error was thrown from', () => {
    const filter = noiseFilterIntegration({
      filterNoise: true,
      allowUrls: [/^https:\/\/app\.example\//],
      denyUrls: ['/vendor/'],
    });
    expect(run(filter, eventFrom('x', ['https://app.example/app.js']))).not.toBeNull();
    expect(run(filter, eventFrom('x', ['https://app.example/vendor/lib.js']))).toBeNull();
    expect(run(filter, eventFrom('x', ['https://cdn.other.example/widget.js']))).toBeNull();
    expect(run(filter, eventFrom('no frames', []))).not.toBeNull();
  });
});
