import { describe, expect, it } from 'vitest';
import { displayName, readActivationContext, remainingMs } from './activation.js';

const env = {
  __OW_ACTIVATION_ID: 'a1',
  __OW_ACTION_NAME: '/guest/pkg/hello',
  __OW_ACTION_VERSION: '0.0.2',
  __OW_NAMESPACE: 'guest',
  __OW_TRANSACTION_ID: 'tx1',
  __OW_DEADLINE: '1795467823838',
  __OW_API_HOST: 'https://user:pw@ow.example.com:443',
  __OW_API_KEY: 'uuid:secret-key',
};

describe('readActivationContext', () => {
  it('snapshots the activation from __OW_* and never the API key', () => {
    const ctx = readActivationContext(env, { a: 1 }, true, 1000);
    expect(ctx).toEqual({
      activationId: 'a1',
      actionName: '/guest/pkg/hello',
      actionVersion: '0.0.2',
      namespace: 'guest',
      transactionId: 'tx1',
      deadline: 1795467823838,
      apiHost: 'ow.example.com',
      startedAt: 1000,
      coldStart: true,
      web: false,
    });
    expect(JSON.stringify(ctx)).not.toContain('secret-key');
    expect(JSON.stringify(ctx)).not.toContain('pw');
  });

  it('is a copy: later changes to the environment do not reach it', () => {
    const live = { ...env };
    const ctx = readActivationContext(live, {}, false);
    live.__OW_ACTIVATION_ID = 'a2';
    expect(ctx.activationId).toBe('a1');
  });

  it('has no deadline outside OpenWhisk or when it is not a number string', () => {
    expect(remainingMs(readActivationContext({}, {}, false))).toBeUndefined();
    expect(remainingMs(readActivationContext({ __OW_DEADLINE: 'soon' }, {}, false))).toBeUndefined();
    const ctx = readActivationContext({ __OW_DEADLINE: '5000' }, {}, false, 1000);
    expect(remainingMs(ctx, 1500)).toBe(3500);
  });

  it('detects web actions by __ow_method', () => {
    expect(readActivationContext({}, { __ow_method: 'post' }, false).web).toBe(true);
    expect(readActivationContext({}, { __ow_method: 1 }, false).web).toBe(false);
    expect(readActivationContext({}, null, false).web).toBe(false);
  });

  it('names the action without its namespace', () => {
    expect(displayName(readActivationContext(env, {}, false))).toBe('pkg/hello');
    expect(displayName(readActivationContext({ __OW_ACTION_NAME: '/guest/hello' }, {}, false))).toBe('hello');
    expect(displayName(readActivationContext({}, {}, false))).toBe('action');
  });
});
