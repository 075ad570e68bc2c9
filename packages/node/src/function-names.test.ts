import type { StackFrame } from '@faultline/core';
import { describe, expect, it } from 'vitest';
import { originalFunctionName } from './function-names.js';

const minified: StackFrame = { function: 'e', filename: '/app/dist/app.min.js', lineno: 1, colno: 40 };
const nameAt = (source: string, marker: string) => {
  const lines = source.split('\n');
  return originalFunctionName(minified, undefined, lines, lines.findIndex((l) => l.includes(marker)) + 1);
};

describe('originalFunctionName from the original source', () => {
  it('names a minified frame after the declaration that encloses the failing line', () => {
    const source = [
      'export function checkout(cart: Cart) {',
      '  const total = sum(cart);',
      "  throw new Error('x');",
      '}',
    ];
    expect(nameAt(source.join('\n'), 'throw')).toBe('checkout');
  });

  it('names the caller of a callback opened on its own line after the function it is in, not after the callback', () => {
    const source = [
      'export const rules = {',
      '  validate(x: number) {',
      '    return [x].map(function check(v) {',
      "      if (v > 1) throw new Error('too big');",
      '      return v;',
      '    });',
      '  },',
      '  processAll(items: string[]) {',
      '    items.forEach((item) => {',
      "      if (item === 'bad') throw new Error(item);",
      '    });',
      '  },',
      '};',
    ];
    // The frames of the calls `[x].map(` (3:16) and `items.forEach(` (9:11).
    expect(originalFunctionName(minified, undefined, source, 3, 16)).toBe('validate');
    expect(originalFunctionName({ function: 'Object.c' }, undefined, source, 9, 11)).toBe('processAll');
    // The callback's own frame, inside it, is named after it.
    expect(originalFunctionName(minified, undefined, source, 4, 18)).toBe('check');
  });

  it('does not name an anonymous setTimeout callback after setTimeout or after its outer function', () => {
    const source = [
      'export function schedule() {',
      '  setTimeout(function () {',
      "    throw new Error('late');",
      '  }, 10);',
      '}',
    ].join('\n');
    expect(nameAt(source, 'late')).toBeUndefined();
  });

  it('does not name an arrow callback after the call it is passed to', () => {
    const source = [
      'function run(items) {',
      '  items.forEach((item) => {',
      "    throw new Error('each');",
      '  });',
      '}',
    ];
    expect(nameAt(source.join('\n'), 'each')).toBeUndefined();
  });

  it('still names methods and arrow functions assigned to a name', () => {
    expect(
      nameAt(
        ['class Cart {', '  total(lines: Line[]): number {', "    throw new Error('m');", '  }', '}'].join(
          '\n',
        ),
        "'m'",
      ),
    ).toBe('total');
    expect(
      nameAt(['const pay = async (order) => {', "  throw new Error('p');", '};'].join('\n'), "'p'"),
    ).toBe('pay');
  });

  it('leaves a frame V8 printed without a name unnamed: a top-level line or an arrow below a function', () => {
    const source = [
      'function handler() {',
      "  throw new Error('h');",
      '}',
      '',
      'const out = [1].map(() => handler());',
    ];
    const unnamed: StackFrame = { function: '?', filename: '/app/dist/names.js', lineno: 11, colno: 19 };
    expect(originalFunctionName(unnamed, undefined, source, 5)).toBeUndefined();
    expect(
      originalFunctionName({ ...unnamed, function: '<anonymous>' }, undefined, source, 5),
    ).toBeUndefined();
  });

  it('drops a minified receiver the method kept its name under (`o.handle` of a renamed class)', () => {
    const source = ['class Handler {', '  handle(user: User) {', '    return greet(user);', '  }', '}'];
    const caller = {
      frame: { function: 'Object.m', lineno: 1, colno: 670 },
      name: 'handle',
      generatedLines: undefined,
    };
    expect(originalFunctionName({ function: 'o.handle' }, caller, source, 3)).toBe('handle');
    expect(originalFunctionName({ function: 'o.handle' }, undefined, source, 3)).toBe('handle');
    // A receiver that is a real name stays, and so does a method V8 named on a plain object.
    expect(originalFunctionName({ function: 'Handler.handle' }, caller, source, 3)).toBeUndefined();
    expect(originalFunctionName({ function: 'Object.handle' }, caller, source, 3)).toBeUndefined();
  });
});
