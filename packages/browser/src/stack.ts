/**
 * Parses the `stack` of an error into Sentry frames, oldest first (callee last), as the protocol
 * wants (https://develop.sentry.dev/sdk/foundations/transport/event-payloads/stacktrace/).
 * Two formats cover the browsers: V8 (Chrome, Edge) `    at fn (url:line:col)` / `    at url:line:col`,
 * and Gecko/WebKit (Firefox, Safari) `fn@url:line:col`.
 */
import type { StackFrame } from '@faultline/core';

/** Frames kept per stack: the newest half and the oldest half. */
const MAX_FRAMES = 50;

const V8_LINE = /^\s*at (?:(.+?) \((.*)\)|(.*))$/;
const GECKO_LINE = /^(.*?)@(.*)$/;
const LOCATION = /^(.*?):(\d+)(?::(\d+))?$/;

/** Turns a thrown value's `stack` into frames, oldest first; never throws. */
export function parseStack(error: unknown): StackFrame[] {
  const frames: StackFrame[] = [];
  try {
    const stack = (error as { stack?: unknown }).stack;
    if (typeof stack !== 'string') return frames;
    let lines = stack.split('\n');
    const v8 = lines.some((line) => V8_LINE.test(line));
    // V8 starts with `Name: message`, which may span lines that look like anything: keep `at` lines only.
    lines = lines.filter((line) => (v8 ? V8_LINE.test(line) : GECKO_LINE.test(line)));
    // A 10,000-frame stack overflow costs no more than a short stack.
    if (lines.length > MAX_FRAMES) lines.splice(MAX_FRAMES / 2, lines.length - MAX_FRAMES);
    for (const line of lines) {
      // Eval frames report the eval call site: V8 `at fn (eval at caller (url:5:10), <anonymous>:1:7)`,
      // Gecko `fn@url line 40 > eval:1:5`.
      const text = line
        .replace(/\(eval at [^()]*(\([^()]*\)).*$/, '$1')
        .replace(/ line (\d+)(?: > eval line \d+)* > eval:\d+:\d+$/, ':$1');
      const m = (v8 ? V8_LINE : GECKO_LINE).exec(text)!;
      const file = (m[3] ?? m[2] ?? '').replace(/^\((.*)\)$/, '$1');
      const at = LOCATION.exec(file);
      const name = (m[1] ?? '')
        .trim()
        .replace(/^async\*|^(?:async|new) /, '')
        .replace(/^Object\.<anonymous>$/, '<anonymous>');
      // `?` for an unknown function, the placeholder of the Sentry SDKs.
      const frame: StackFrame = { function: name || '?' };
      const path = at ? at[1]! : file;
      if (path) {
        frame.filename = frame.abs_path = path;
        // Native, eval and extension-less frames are not the app's own code, nor are dependencies.
        frame.in_app = !/^(?:<anonymous>|native|\[native code\])$|[\\/]node_modules[\\/]/.test(path);
      }
      if (at) frame.lineno = +at[2]!;
      if (at?.[3]) frame.colno = +at[3];
      frames.unshift(frame);
    }
  } catch {
    // What was parsed stays.
  }
  return frames;
}
