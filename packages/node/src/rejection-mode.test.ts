import { describe, expect, it } from 'vitest';
import { isErrorLike, noSideEffectsToString, rejectionMode } from './rejection-mode.js';

describe('rejectionMode', () => {
  it('defaults to throw', () => {
    expect(rejectionMode([], undefined)).toBe('throw');
    expect(rejectionMode(['--inspect'], '--max-old-space-size=100')).toBe('throw');
  });

  it('reads both spellings, the command line over NODE_OPTIONS, the last one winning', () => {
    expect(rejectionMode(['--unhandled-rejections=warn'], undefined)).toBe('warn');
    expect(rejectionMode(['--unhandled-rejections', 'strict'], undefined)).toBe('strict');
    expect(rejectionMode([], '--unhandled-rejections=none')).toBe('none');
    expect(
      rejectionMode(['--unhandled-rejections=warn-with-error-code'], '--unhandled-rejections=none'),
    ).toBe('warn-with-error-code');
    expect(rejectionMode(['--unhandled-rejections=warn', '--unhandled-rejections=strict'], undefined)).toBe(
      'strict',
    );
    expect(rejectionMode(['--unhandled-rejections=bogus'], undefined)).toBe('throw');
  });
});

describe('noSideEffectsToString', () => {
  // Expected strings as printed by Node 20 in its UnhandledPromiseRejectionWarning.
  it('matches V8 for the usual reasons', () => {
    class Foo {}
    const stackless = new Error('nostack');
    Reflect.deleteProperty(stackless, 'stack');
    expect(noSideEffectsToString('text')).toBe('text');
    expect(noSideEffectsToString(42)).toBe('42');
    expect(noSideEffectsToString(10n)).toBe('10');
    expect(noSideEffectsToString(null)).toBe('null');
    expect(noSideEffectsToString(undefined)).toBe('undefined');
    expect(noSideEffectsToString(Symbol('s'))).toBe('Symbol(s)');
    expect(noSideEffectsToString({ a: 1 })).toBe('#<Object>');
    expect(noSideEffectsToString([1, 2])).toBe('[object Array]');
    expect(noSideEffectsToString(Object.create(null))).toBe('[object Object]');
    expect(noSideEffectsToString(new Foo())).toBe('#<Foo>');
    expect(noSideEffectsToString(stackless)).toBe('Error: nostack');
  });

  it('runs no getters', () => {
    let ran = false;
    const tricky = {
      get toString() {
        ran = true;
        return () => 'x';
      },
    };
    noSideEffectsToString(tricky);
    expect(ran).toBe(false);
  });

  it('isErrorLike means an own stack', () => {
    expect(isErrorLike(new Error('x'))).toBe(true);
    expect(isErrorLike({ stack: 's' })).toBe(true);
    expect(isErrorLike(Object.create({ stack: 's' }))).toBe(false);
    expect(isErrorLike('s')).toBe(false);
  });
});
