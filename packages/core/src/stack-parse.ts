/**
 * The stack parser of every runtime: turns `error.stack` (or Opera's `error.stacktrace`) into
 * Sentry frames, oldest first. One small parser for all engine formats, so the browser bundle
 * can afford the same rules as Node (docs/source-maps.md says which line goes where and why):
 *
 * - V8 (Chrome, Edge, Node, Deno, Bun), IE/Edge legacy and Hermes: `    at fn (loc)`, `    at loc`;
 * - SpiderMonkey (Firefox) and JavaScriptCore (Safari): `fn@loc`, `@loc`, bare `url:line:col`;
 * - Opera 10–12 `stacktrace`: `Line 4 of linked script url`, `… line 4, column 2 in fn() in url:`.
 */
import type { StackFrame } from './types.js';

/** Turns a thrown value's `stack` into frames, oldest first; never throws. */
export type StackParser = (error: unknown, options?: { maxFrames?: number }) => StackFrame[];

/** Frames kept per stack trace (half from each end). */
export const MAX_STACK_FRAMES = 50;

/**
 * A path of an installed dependency, not the app's own code: a `node_modules` folder (npm,
 * Yarn, pnpm), Bower's and jspm's folders, and the package caches Bun and Deno run packages
 * from when there is no `node_modules` (`~/.bun/install/cache/…`, `$DENO_DIR/npm/…`).
 */
export const DEPENDENCY_PATH =
  /(?:^|[\\/])(?:node_modules|bower_components|jspm_packages)[\\/]|[\\/]\.bun[\\/]install[\\/]cache[\\/]|[\\/]deno[\\/]npm[\\/]/;

/** A frame as read from one line: function, file, line, column. */
type Raw = [fn: string, file: string, line?: string | undefined, col?: string | undefined];

/**
 * Parses an error's `stack` into Sentry frames, oldest first (callee last), as the protocol
 * wants (https://develop.sentry.dev/sdk/foundations/transport/event-payloads/stacktrace/).
 * Opera's `stacktrace` is read instead of `stack` when it is there; React's `framesToPop`
 * drops that many newest frames. Keeps at most `maxFrames` (default 50): the oldest half and
 * the newest half. Never throws.
 */
export const parseStack: StackParser = (error, options) => {
  const frames: StackFrame[] = [];
  try {
    const max = Math.max(0, options?.maxFrames ?? MAX_STACK_FRAMES);
    const e = error as { stack: unknown; stacktrace: unknown; message: unknown; framesToPop: unknown };
    let message: unknown;
    try {
      message = e.message;
    } catch {
      // A throwing getter: parse the whole stack.
    }
    // Opera's `stacktrace` (`Line 4 of …`, `… line 4, column 2 …`); a `stacktrace` of another
    // kind (a server's, copied onto an error) does not replace the error's own `stack`.
    const opera = e.stacktrace;
    const text = stripHeader(
      `${typeof opera === 'string' && /line \d+(?:, column| of )/i.test(opera) ? opera : e.stack}`,
      message,
    );
    // V8 prints only `at` lines below the header; elsewhere any line may be a frame. A cause's
    // stack appended by the app (`Caused by: …`, Bluebird's `From previous event:`) is no part
    // of this error's.
    const v8 = /^\s*at /m.test(text);
    const lines = text.split(/\n\s*(?:Caused by|From previous event):?\b/i, 1)[0]!.split('\n');
    const raws: Raw[] = [];
    /** The last `at` line when it has no location yet: a function name with a line break in it. */
    let open: string | undefined;
    /** A blank line after frames: what follows a header there is another error's stack. */
    let gap = false;
    for (const line of lines) {
      const trimmed = line.trim();
      // Hermes's note where it left out the middle of a long stack (`... skipping 1284 frames`),
      // and the async-boundary lines of long-stack-trace libraries: zone.js's
      // (`at ____Elapsed_5_ms__At__<date>_ (http://localhost)`) and longjohn's row of dashes, which
      // would otherwise read as a message line and drop the frames above it, the throw site's.
      if (/^\.\.\. skipping \d+ frames$|^at _{8,}Elapsed_|^-{8,}$/.test(trimmed)) continue;
      // V8 prints a function name as it is, line breaks included (`at get\nUser (file:1:2)`).
      const joined =
        open !== undefined && trimmed && !trimmed.startsWith('at ') && v8Line(`${open} ${trimmed}`);
      if (joined) {
        raws[raws.length - 1] = joined;
        open = joined[2] === undefined ? `${open} ${trimmed}` : undefined;
        continue;
      }
      open = undefined;
      const raw = (v8 ? v8Line : otherLine)(trimmed);
      if (raw) {
        raws.push(raw);
        gap = false;
        if (v8 && raw[2] === undefined && !/[()]|^at (?:<anonymous>|native|\[native code\])$/.test(trimmed))
          open = trimmed;
      } else if (v8 && !trimmed) gap ||= raws.length > 0;
      // In V8 the frames are the last run of `at` lines: `at` lines before a line of another
      // kind belong to an old header (a message replaced after the stack was written). After a
      // blank line, though, a header starts the stack of another error appended to this one's
      // (ono's `Error: outer … \n\nError: inner …`): this error's frames are the ones above it.
      else if (v8 && trimmed && !trimmed.startsWith('at ')) {
        if (gap) break;
        raws.length = 0;
      }
    }
    // React marks how many of the newest frames belong to its own invariant helpers.
    raws.splice(0, +(e.framesToPop as number) || 0);
    // Stack strings are newest first; a 10,000-frame stack overflow costs no more than a
    // short one: the newest half and the oldest half.
    if (raws.length > max) raws.splice((max + 1) >> 1, raws.length - max);
    for (const raw of raws) frames.unshift(toFrame(raw));
  } catch {
    // What was parsed stays.
  }
  return frames;
};

/**
 * V8 starts a stack with `Name: message`. A multi-line message could contain lines that look
 * like frames, and a huge one should not be split into lines, so skip past it.
 */
export function stripHeader(stack: string, message: unknown): string {
  if (typeof message !== 'string' || !message) return stack;
  // The message opens the header or follows its `Name: `: found anywhere else (`new Error(0)`,
  // whose `0` ends a frame's column in Firefox and Safari, which print no header) it is no header.
  const named = stack.indexOf(`: ${message}`);
  const at = stack.startsWith(message) ? 0 : named < 0 ? -1 : named + 2;
  const rest = stack.slice(at + message.length);
  // The header is `Name: message`; a name longer than 256 is not a header match.
  if (at >= 0 && at <= 256 && (rest === '' || rest[0] === '\n')) return rest;
  return message.includes('\n') ? stripOldHeader(stack, message) : stack;
}

/**
 * V8 writes `stack` once: a message changed after that (`error.message = 'context: ' +
 * error.message`) is not the header any more, but the header is still a part of it that ends a
 * line, its end or its start. The longest such part is skipped, unless what follows it (the
 * frames) is in the message too: then the message holds a stack, and the part proves nothing.
 */
function stripOldHeader(stack: string, message: string): string {
  const start = stack.indexOf(': ');
  if (start < 0 || start > 256) return stack;
  let cut = -1;
  for (
    let end = stack.indexOf('\n', start), lines = 0;
    end > 0 && end - start - 2 <= message.length && lines < 100;
    end = stack.indexOf('\n', end + 1), lines++
  ) {
    const old = stack.slice(start + 2, end);
    if (old.includes('\n') && (message.endsWith(old) || message.startsWith(old))) cut = end;
  }
  return cut > 0 && !message.includes(stack.slice(cut).trim()) ? stack.slice(cut) : stack;
}

/**
 * `at fn (loc)`, `at fn(loc)`, `at loc`. The location is the `(…)` that closes the line, so
 * parentheses in paths (`/app/(group)/page.js`), eval locations and names
 * (`Foo.(anonymous function)`) stay whole.
 */
function v8Line(line: string): Raw | undefined {
  if (!line.startsWith('at ')) return;
  let loc = line.slice(3);
  let fn = '';
  // JavaScriptCore's `fn@safari-extension:(//id/file.js:1:2)` behind an `at `.
  const jsc = /^([^\s()@]*)@(?=[\w-]+:\(\/\/)/.exec(loc);
  if (jsc) return located(jsc[1]!, loc.slice(jsc[0].length), 1);
  const call = loc.endsWith(')') && lastCall(loc);
  if (call) [fn, loc] = call;
  else {
    // A line cut short (`at fn (url:1:2` without its `)`): the location still starts at the `(`.
    const open = loc.search(/ \((?=[a-z][\w+.-]*:|[\\/])/i);
    if (open > 0) [fn, loc] = [loc.slice(0, open), loc.slice(open + 2)];
  }
  // An eval frame's honest position is the eval call's in the real file: `eval at f (url:1:2), …`,
  // the innermost `eval at` of nested ones; its location ends at the first `:line:col)`, or at
  // the `)` before the comma when the call has no position (`eval at f (webpack:///a.js?), …`).
  const evalAt = /^eval at .*?(?::\d+:\d+\)|\)(?=, ))/.exec(loc.slice(loc.lastIndexOf('eval at ')));
  loc = (evalAt && lastCall(evalAt[0])?.[1]) || loc;
  // Not a location: a message line that starts with `at ` (`at Error: Blocked a frame with origin "…"`),
  // a quote in a location with no position.
  if (!loc.includes('"') || /:\d+$/.test(loc)) return located(fn, loc, 1);
}

/**
 * `fn (loc)` split at the `(` that matches the closing `)`, found by counting parentheses back
 * from the end: one pass, whatever the text holds. A lone parenthesis in a path
 * (`/srv/app (old/x.js`, `/srv/a)b/x.js`) leaves that `(` unmatched, or a lone one before it;
 * then the location starts at the first `(` that a path, a URL or an eval location follows.
 */
function lastCall(text: string): [fn: string, loc: string] | undefined {
  let at = -1;
  let depth = 0;
  // The count ends at 0 when the text before the match is balanced too; a lone `(` there (the
  // count below 0) makes it Infinity, to stay apart from 0.
  for (let i = text.length; i--; )
    if (text[i] === ')') depth++;
    else if (text[i] === '(' && !--depth && at < 0) at = i;
    else if (depth < 0) depth = 1 / 0;
  // `(` before a path, a URL or drive (`scheme:`), or an eval location.
  const path = /\((?=[a-z][\w+.-]*:|[\\/]|eval at )/i;
  const first = text.search(path);
  if (first >= 0 && (depth || text.slice(at).search(path))) at = first;
  if (at >= 0) return [text.slice(0, at).trim(), text.slice(at + 1, -1)];
}

/**
 * SpiderMonkey and JavaScriptCore `fn@loc`, `@loc`, `name@` (JavaScriptCore eval code), a bare
 * `url:line:col` (old Safari), and Opera's `stacktrace` lines.
 */
function otherLine(line: string): Raw | undefined | false {
  const opera =
    /^\D*line (\d+)(?:, column (\d+)\s*in (?:(.*) in )?| of .*?script (?:in )?)(\S+?):?(?: In function (\S+))?$/i.exec(
      line,
    );
  if (opera) return [opera[3] ?? opera[5] ?? '', opera[4]!, opera[1], opera[2]];
  // A function name may hold `@` (`user@host@url:1:2`): the location starts at the first `@`
  // that a URL or path follows, else at the last `@`.
  // A bare URL whose path holds `@` (`https://unpkg.com/react@18.2.0/umd/react.min.js:12:34`) is a location.
  const m =
    !(/^[a-z][\w+.-]*:\/\/\S*:\d+(?::\d+)?$/i.test(line) && !/@(?:[a-z][\w+.-]*:|\/)/i.test(line)) &&
    /^(.*?)@(?=[a-z][\w+.-]*:|\/|\[|[^@]*$)(.*)$/i.exec(line);
  if (!m) return !/\s/.test(line.replace('native code', '')) && located('', line);
  const [, fn = '', loc = ''] = m;
  // Firefox eval and `new Function` code: `url line 37 > eval:2:3`; the honest position in
  // `url` is the line of the call, without a column.
  // wasm compiled from bytes there (`url line 41 > WebAssembly.Module:wasm-function[1]:0x27`)
  // has no line of `url`, and is no eval.
  // A script element another script added with its text (`url line 26 > injectedScript:3:24`):
  // the position is in that text, a script without a name, as V8 prints it (`<anonymous>:3:24`).
  const inner = /^(.*?) line (\d+) > (?:(W)|injectedScript:(\d+):(\d+)$)?/.exec(loc);
  if (inner)
    return inner[3]
      ? [fn, inner[1]!]
      : inner[4]
        ? [fn, '<anonymous>', inner[4], inner[5]]
        : [fn || 'eval', inner[1]!, inner[2]];
  // JavaScriptCore gives eval and `new Function` code, and the functions in it, no location.
  return loc ? located(fn, loc) : /^\S+$| code$/.test(fn) && [fn, ''];
}

/**
 * A frame at `loc` when the location has a position, is wasm or native code; a V8 line is a
 * frame with any location (`native`, `<anonymous>`, `index 0`).
 */
function located(fn: string, loc: string, v8?: 1): Raw | undefined {
  // `async ` and `address at ` (Hermes) are no part of a file; Safari extensions print
  // `safari-extension:(//id/file.js)`.
  loc = loc.replace(/^([\w-]+:)\((\/\/[^)]*)\)/, '$1$2');
  const at = /^(?:async |address at )?(.*?):(\d+)(?::(\d+))?$/.exec(loc);
  // V8 prints a script without a name as `<anonymous>` in a frame, but as nothing in an eval
  // origin (`eval at f (:370:30)`): the same script, so the same name, and not the app's file.
  if (at) return [fn, at[1] || (v8 ? '<anonymous>' : ''), at[2], at[3]];
  // wasm: `url:wasm-function[3]:0x1a`, no line.
  const file = loc.replace(/:wasm-function\[.*/, '');
  // JavaScriptCore before 2025 printed wasm as `<?>.wasm-function[1693]@[wasm code]`.
  if (v8 || file !== loc || loc === '[native code]' || loc === '[wasm code]') return [fn, file];
}

function toFrame([fn, file, line, col]: Raw): StackFrame {
  // Function names as the user wrote them: no async-cause prefix (`promise callback*`), no
  // `async `/`new `, no argument list (`foo(bar)`), Opera's `<anonymous function: name>` unwrapped.
  // `Object.` of a module's top level goes after the prefix, so `async Object.<anonymous>` is named
  // as `Object.<anonymous>` is.
  fn = fn
    .replace(/^[\w. ]*\*|^(?:async|new) /, '')
    .replace(/^Object\.(?=<anonymous>$)/, '')
    .replace(/(^|[\w>])\([^()]*\)$/, '$1')
    .replace(/^<anonymous function:? ?(.*)>$/, '$1');
  // `?` for an unknown function, the placeholder of the Sentry SDKs.
  const frame: StackFrame = { function: fn || '?' };
  // A `data:` URL module (the app's own code) is named by its media type, not by its source.
  if (file) frame.filename = frame.abs_path = file.replace(/^data:([^,;]*)[,;][\s\S]*/, '<data:$1>');
  if (line) frame.lineno = +line;
  if (col) frame.colno = +col;
  // Native (no line), runtime-internal and dependency frames are not the app's own code.
  // Runtime internals: Node's `node:` and `internal/`, Bun's `native`, Deno's `ext:` and `deno:`;
  // code Node was handed as text, not a file (`[eval]`, `[worker eval]-wrapper`, `vm` scripts
  // without a name, `evalmachine.<anonymous>`, the REPL's `REPL1`). (The bare core files of
  // Node 8-14, `events.js:315:20`, look like a Cloudflare Worker's own `worker.js:12:5`, so
  // they stay in the app.) A frame without a file (no location at all) is no app frame either.
  frame.in_app =
    !!line &&
    !!file &&
    !/^(?:<|\[|node:|ext:|deno:|internal\/|native$|evalmachine\.|REPL\d+$)/.test(file) &&
    !DEPENDENCY_PATH.test(file);
  return frame;
}

/**
 * The frame of a place a runtime names beside a thrown value (a browser's error event: file,
 * line, column; 0 is unknown), read as a frame of a stack would be.
 */
export function frameAt(file: string, line?: unknown, col?: unknown): StackFrame {
  const position = (n: unknown) => (typeof n === 'number' && n >= 1 ? `${Math.floor(n)}` : undefined);
  return toFrame(['', file, position(line), position(col)]);
}

/**
 * One stack line to a frame, or undefined when the line is none: for a reader that needs only
 * the top frames (the storm guard) and should not parse the whole stack.
 */
export function parseLine(line: string): StackFrame | undefined {
  const raw = (/^\s*at /.test(line) ? v8Line : otherLine)(line.trim());
  return raw ? toFrame(raw) : undefined;
}
