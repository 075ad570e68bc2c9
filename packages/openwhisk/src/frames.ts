import type { EventHint, Integration, StackFrame } from '@faultline/core';
import { DEPENDENCY_PATH, parseStack } from '@faultline/core/front';
import { corePipeline } from '@faultline/node';

/**
 * Where the runtime unpacks a zip action: `mktemp -d XXXXXXXX` below its working directory
 * `/nodejsAction` (core/nodejsActionBase/runner.js `extractInTmpDir`), so every container has
 * its own random folder. Frames below it are rewritten to `app:///…` so the same bug groups
 * across containers.
 */
export const DEFAULT_UNPACK_ROOT = /\/nodejsAction\/[A-Za-z0-9]{8}\//;

/** The proxy's own files (app.js, runner.js, src/service.js, platform/) and its dependencies. */
export const DEFAULT_RUNTIME_FILES =
  /\/nodejsAction\/(?:app\.js|runner\.js|src\/service\.js|platform\/|node_modules\/)/;
/**
 * The runtime's working directory. A bundle's source map names its sources from where it was
 * built (`../src/resize.ts` beside `dist/`), so from the unpacked bundle they resolve to just
 * below this folder: `/nodejsAction/src/resize.ts` is the action's own source, `app:///src/resize.ts`.
 */
const ACTION_HOME = /\/nodejsAction\//;

export interface FrameOptions {
  /** Matches the folder an archive was unpacked to; everything up to its end becomes `app:///`. */
  unpackRoot?: RegExp;
  /** Frames in these files belong to the runtime and are never in-app. */
  runtimeFiles?: RegExp;
}

export function rewriteFrames(frames: StackFrame[], options: FrameOptions = {}): StackFrame[] {
  const unpackRoot = options.unpackRoot ?? DEFAULT_UNPACK_ROOT;
  const runtimeFiles = options.runtimeFiles ?? DEFAULT_RUNTIME_FILES;
  return frames.map((frame) => {
    const file = frame.filename ?? frame.abs_path;
    if (!file) return frame;
    // Checked first: the runtime's own `platform/` folder also has eight letters.
    if (runtimeFiles.test(file)) return { ...frame, in_app: false };
    const match = unpackRoot.exec(file) ?? (options.unpackRoot ? null : ACTION_HOME.exec(file));
    if (match) {
      const rest = file.slice(match.index + match[0].length);
      const rewritten = `app:///${rest}`;
      return {
        ...frame,
        filename: rewritten,
        abs_path: rewritten,
        in_app: !DEPENDENCY_PATH.test(rest),
      };
    }
    return frame;
  });
}

/**
 * Inline (plain-code) actions, such as a single bundled file deployed with `wsk action create
 * name bundle.js`: the runtime evaluates the code inside a function of its runner
 * (core/nodejsActionBase/runner.js `initializeActionHandler`), so V8 prints their frames as
 * `eval at initializeActionHandler (/nodejsAction/runner.js:79:23), <anonymous>:L:C`. Core places
 * an eval frame at the eval call, which here would put every frame of the action on that line of
 * the runner, with the runner's source as context. The evaluated text starts with one line of the
 * runner's own (`(function(){`), then the code after 15 spaces of indentation.
 */
const INLINE_EVAL = /\beval at initializeActionHandler \([^()]*:\d+:\d+\), <anonymous>:(\d+):(\d+)/g;
const INLINE_MARK = 'eval at initializeActionHandler';
const INLINE_FIRST_LINE = 2;
const INLINE_INDENT = 15;
/** File name of an inline action's frames: the same in every container and for every action. */
export const INLINE_FILE = 'app:///inline-action.js';

interface StackSource {
  stack: string;
  message: unknown;
}

/**
 * The frames of an inline action's stack, its own frames at their position in the action's code
 * (file {@link INLINE_FILE}); undefined for a stack without them. Parsed by core's parser, so
 * frame for frame the same list as the event's.
 */
export function inlineFrames(source: StackSource): StackFrame[] | undefined {
  if (!source.stack.includes(INLINE_MARK)) return undefined;
  const stack = source.stack.replace(INLINE_EVAL, (_match, rawLine: string, rawCol: string) => {
    const line = Number(rawLine);
    const col = line === INLINE_FIRST_LINE ? Number(rawCol) - INLINE_INDENT : Number(rawCol);
    return `${INLINE_FILE}:${Math.max(1, line - INLINE_FIRST_LINE + 1)}:${Math.max(1, col)}`;
  });
  return parseStack({ stack, message: source.message });
}

/**
 * Puts the event's frames of inline code back where they are in the action: `mapped` is the list
 * {@link inlineFrames} made from the same stack. Context lines read from the runner are dropped.
 * Lists that do not line up frame for frame are left alone.
 */
export function placeInlineFrames(frames: StackFrame[], mapped: StackFrame[]): StackFrame[] | undefined {
  if (mapped.length !== frames.length) return undefined;
  if (mapped.some((m, i) => m.filename === INLINE_FILE && m.function !== frames[i]?.function))
    return undefined;
  return frames.map((frame, i) => {
    const m = mapped[i];
    if (m?.filename !== INLINE_FILE) return frame;
    const { pre_context: _pre, context_line: _line, post_context: _post, ...rest } = frame;
    const placed: StackFrame = { ...rest, filename: INLINE_FILE, abs_path: INLINE_FILE, in_app: true };
    if (m.lineno !== undefined) placed.lineno = m.lineno;
    if (m.colno !== undefined) placed.colno = m.colno;
    return placed;
  });
}

/**
 * {@link inlineFrames} of the errors an event's exception values may come from (the thrown one,
 * its causes and group members) that have inline frames.
 */
function inlineSources(hint: EventHint): Array<{ message: unknown; frames: StackFrame[] }> {
  const sources: Array<{ message: unknown; frames: StackFrame[] }> = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): void => {
    if (depth > 10 || seen.size >= 50 || typeof value !== 'object' || value === null || seen.has(value))
      return;
    seen.add(value);
    const { stack, message, cause, errors } = value as Record<string, unknown>;
    const frames = typeof stack === 'string' ? inlineFrames({ stack, message }) : undefined;
    if (frames) sources.push({ message, frames });
    visit(cause, depth + 1);
    if (Array.isArray(errors)) for (const member of errors.slice(0, 20)) visit(member, depth + 1);
  };
  try {
    visit(hint.originalException, 0);
    visit(hint.syntheticException, 0);
  } catch {
    // An odd error (throwing getters) keeps what was found.
  }
  return sources;
}

/** Runs after the runtime's own frame work (source maps, context lines), which needs the real paths. */
export function openwhiskFramesIntegration(options: FrameOptions = {}): Integration {
  return {
    name: 'OpenWhiskFrames',
    processEvent(event, hint) {
      const placed = new Map<StackFrame[], StackFrame[]>();
      const sources = inlineSources(hint);
      if (sources.length > 0) {
        for (const value of event.exception?.values ?? []) {
          const frames = value.stacktrace?.frames;
          if (!frames) continue;
          // The error this value was made from: same message first, then any stack that lines up.
          const ordered = [
            ...sources.filter((s) => s.message === value.value),
            ...sources.filter((s) => s.message !== value.value),
          ];
          for (const source of ordered) {
            const found = placeInlineFrames(frames, source.frames);
            if (found) {
              placed.set(frames, found);
              break;
            }
          }
        }
      }
      return corePipeline().applyFrameResolver(event, (frames) =>
        rewriteFrames(placed.get(frames) ?? frames, options),
      );
    },
  };
}
