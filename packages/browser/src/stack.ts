/**
 * Parses the `stack` of an error into Sentry frames, oldest first (callee last), as the protocol
 * wants (https://develop.sentry.dev/sdk/foundations/transport/event-payloads/stacktrace/).
 * Two formats cover the browsers: V8 (Chrome, Edge) `    at fn (url:line:col)` / `    at url:line:col`,
 * and Gecko/WebKit (Firefox, Safari) `fn@url:line:col`.
 */
import type { StackFrame } from '@faultline/core';

/** Turns a thrown value's `stack` into frames, oldest first; never throws. */
export function parseStack(error: unknown): StackFrame[] {
  const frames: StackFrame[] = [];
  try {
    const stack = (error as { stack: string }).stack;
    // V8 starts with `Name: message`, which may span lines that look like anything: keep `at` lines only.
    const re = /^\s*at /m.test(stack) ? /^\s*at (?:(.+?) \((.*)\)|(.*))$/ : /^(.*?)@(.*)$/;
    // Eval frames report the eval call site: V8 `at fn (eval at caller (url:5:10), <anonymous>:1:7)`,
    // Gecko `fn@url line 40 > eval:1:5`.
    const lines = stack
      .replace(/\(eval at [^()\n]*(\([^()\n]*\)).*$/gm, '$1')
      .replace(/ line (\d+)(?: > eval line \d+)* > eval:\d+:\d+$/gm, ':$1')
      .split('\n')
      .filter((line) => re.test(line));
    // A 10,000-frame stack overflow costs no more than a short stack: the newest 25 and the oldest 25.
    if (lines.length > 50) lines.splice(25, lines.length - 50);
    for (const line of lines) {
      const m = re.exec(line)!;
      const file = (m[3] ?? m[2]!).replace(/^\((.*)\)$/, '$1');
      const [, path = file, lineno, colno] = /^(.*?):(\d+)(?::(\d+))?$/.exec(file) ?? [];
      // `?` for an unknown function, the placeholder of the Sentry SDKs.
      const frame: StackFrame = {
        function:
          (m[1] ?? '').trim().replace(/^(?:async\*|async |new )?(?:Object\.(?=<anonymous>$))?/, '') || '?',
      };
      if (path) {
        frame.filename = frame.abs_path = path;
        // Native, eval and extension-less frames are not the app's own code, nor are dependencies.
        frame.in_app = !/^(?:<anonymous>|native|\[native code\])$|[\\/]node_modules[\\/]/.test(path);
      }
      if (lineno) frame.lineno = +lineno;
      if (colno) frame.colno = +colno;
      frames.unshift(frame);
    }
  } catch {
    // What was parsed stays.
  }
  return frames;
}
