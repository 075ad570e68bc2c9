import type { StackFrame } from '@faultline/core';
import type { Lines } from './context-lines.js';

/** A frame's call site, resolved: `name` is the original identifier mapped at that position. */
export interface CallSite {
  frame: StackFrame;
  name: string | undefined;
  /** Lines of the compiled file the call site is in, when known. */
  generatedLines: Lines | undefined;
}

const NAMED = /^(?:(.*)\.)?([^.\s]+)(?: \[as [^\]]+\])?$/;
const KEYWORDS = new Set([
  'if',
  'for',
  'while',
  'switch',
  'catch',
  'function',
  'return',
  'with',
  'constructor',
]);
const DECLARATIONS = [
  /\bfunction\s*\*?\s*([A-Za-z_$][\w$]*)\s*[<(]/,
  /\b([A-Za-z_$][\w$]*)\s*[:=]\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*(?::[^=]+)?=>|[A-Za-z_$][\w$]*\s*=>)/,
  // A method: its parameter list holds no call, so `setTimeout(function () {` is not one.
  /^\s*(?:(?:public|private|protected|static|async|override|get|set)\s+)*\*?([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\s*\([^()]*\)\s*(?::\s*[^{]+)?\{\s*$/,
];
/** A line that opens an unnamed function (`function () {`, `(x) => {`): the scope has no name. */
const ANONYMOUS_OPENER = /\bfunction\s*\*?\s*\(|=>\s*\{?\s*$/;
/** How far up from the failing line a declaration is looked for. */
const SCAN_LINES = 100;

/**
 * The original name of a frame's function, when the compiled one differs (minified or renamed
 * code). Source maps name identifiers, not scopes, so two clues are used, as Sentry's
 * processing does: the identifier mapped at the caller's call site (verified against the
 * compiled identifier there when the compiled file is known), else, for a minified-looking
 * name, the nearest function declaration above the original line.
 */
export function originalFunctionName(
  frame: StackFrame,
  caller: CallSite | undefined,
  originalLines: Lines | undefined,
  originalLine: number,
  originalColumn?: number,
): string | undefined {
  const compiled = frame.function;
  if (compiled === undefined) return undefined;
  const parsed = NAMED.exec(compiled);
  const receiver = parsed?.[1];
  const own = parsed?.[2] ?? compiled;
  const prefix = receiver && receiver !== 'Object' && !looksMinified(receiver) ? `${receiver}.` : '';
  if (caller?.name && caller.name !== own) {
    const { lineno, colno } = caller.frame;
    if (caller.generatedLines && lineno !== undefined && colno !== undefined) {
      const line = (lineno >= 1 && caller.generatedLines.at(lineno - 1)) || '';
      if (/^[\w$]+/.exec(line.slice(colno - 1))?.[0] === own) return prefix + caller.name;
    } else if (looksMinified(own)) {
      return prefix + caller.name;
    }
  }
  // A frame V8 could give no name (`?`, `<anonymous>`) is an anonymous function or a module's
  // top level in the original too: a declaration above it may well have ended before its line.
  if (looksMinified(own) && !ANONYMOUS.has(own) && originalLines) {
    const declared = enclosingDeclaration(originalLines, originalLine, originalColumn);
    if (declared) return prefix + declared;
  }
  // A minified receiver (`o.handle`: the class `Handler`, renamed) names nothing of the source.
  if (receiver && receiver !== 'Object' && !prefix) return own;
  return undefined;
}

const ANONYMOUS = new Set(['?', '<anonymous>']);

function looksMinified(name: string): boolean {
  return name === '?' || name === '<anonymous>' || /^[A-Za-z_$][\w$]?$/.test(name);
}

function enclosingDeclaration(lines: Lines, lineno: number, colno?: number): string | undefined {
  // A line past the end reads as empty: no declaration, no opener.
  for (let i = lineno - 1; i >= 0 && i >= lineno - SCAN_LINES; i--) {
    // On the frame's own line, only what comes before its column encloses it: a callback opened
    // after the call (`return [x].map(function check(v) {`, `items.forEach((item) => {`) does not.
    const whole = lines.at(i) ?? '';
    const line = i === lineno - 1 && colno ? whole.slice(0, colno - 1) : whole;
    for (const pattern of DECLARATIONS) {
      const name = pattern.exec(line)?.[1];
      if (name && !KEYWORDS.has(name)) return name;
    }
    // The nearest enclosing function is anonymous (a callback): naming it after the call it is
    // passed to, or after an outer function, would be wrong.
    if (ANONYMOUS_OPENER.test(line)) return undefined;
  }
  return undefined;
}
