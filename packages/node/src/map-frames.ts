import type { StackFrame } from '@faultline/core';
import { addContextLines, CONTEXT_LINES, splitLines } from './context-lines.js';
import { LEAST_UPPER_BOUND, type LoadedMap, resolveSourcePath } from './source-map-file.js';

/** Where {@link mapFrames} gets maps and source files from (cached by the caller). */
export interface FrameSources {
  /** The source map of the compiled file a frame points at, if there is one. */
  mapFor(frame: StackFrame): LoadedMap | undefined;
  /** Lines of a file on disk, for context lines when no map carries the source. */
  linesFor(path: string): readonly string[] | undefined;
}

export interface MapFramesOptions {
  /** Lines of context before and after. @default 5 */
  contextLines?: number;
  /** How a resolved original source is named in the event. @default its absolute path */
  displayPath?: (resolved: { display: string; path?: string }) => string;
}

interface Original {
  map: LoadedMap;
  source: string;
  line: number;
  column: number;
  name: string | undefined;
}

/**
 * Rewrites frames (oldest first) from compiled positions to original ones: file, line, column,
 * function name; adds context lines from `sourcesContent` or disk. Frames without a map keep
 * their position and get context lines from their own file.
 */
export function mapFrames(
  frames: readonly StackFrame[],
  sources: FrameSources,
  options: MapFramesOptions = {},
): StackFrame[] {
  const count = options.contextLines ?? CONTEXT_LINES;
  const originals = frames.map((frame) => originalOf(frame, sources));
  return frames.map((frame, i) => {
    try {
      const original = originals[i];
      if (!original) return withDiskContext(frame, sources, count);
      const where = resolveSourcePath(original.source, original.map.baseDir);
      const display = options.displayPath ? options.displayPath(where) : where.display;
      const mapped: StackFrame = {
        ...frame,
        filename: display,
        abs_path: display,
        lineno: original.line,
        colno: original.column + 1,
      };
      const name = functionName(
        frame,
        i > 0 ? frames[i - 1] : undefined,
        i > 0 ? originals[i - 1] : undefined,
      );
      if (name) mapped.function = name;
      if (frame.in_app !== undefined)
        mapped.in_app = frame.in_app && !/[\\/]node_modules[\\/]/.test(where.path ?? display);
      delete mapped.pre_context;
      delete mapped.context_line;
      delete mapped.post_context;
      const lines =
        sourceContent(original.map, original.source) ??
        (where.path ? sources.linesFor(where.path) : undefined);
      return lines ? addContextLines(mapped, lines, count) : mapped;
    } catch {
      return frame;
    }
  });
}

function originalOf(frame: StackFrame, sources: FrameSources): Original | undefined {
  if (frame.lineno === undefined || frame.colno === undefined) return undefined;
  try {
    const map = sources.mapFor(frame);
    if (!map) return undefined;
    const { consumer } = map;
    const position = { line: frame.lineno, column: Math.max(0, frame.colno - 1) };
    let found = consumer.originalPositionFor(position);
    // V8 may point just left of the first mapped token on a line.
    if (found.source == null) found = consumer.originalPositionFor({ ...position, bias: LEAST_UPPER_BOUND });
    if (found.source == null || found.line == null || found.column == null) return undefined;
    return {
      map,
      source: found.source,
      line: found.line,
      column: found.column,
      name: found.name ?? undefined,
    };
  } catch {
    return undefined;
  }
}

/**
 * The original name of a frame's function. Maps name identifiers, not scopes, so the name is
 * read where the function was called: the caller's call site is the callee's identifier (the
 * approach of Sentry's processing). It is used only when the compiled identifier at that call
 * site is the frame's compiled function name, or, without the compiled file, when the frame's
 * own name looks minified.
 */
function functionName(
  frame: StackFrame,
  callerFrame: StackFrame | undefined,
  caller: Original | undefined,
): string | undefined {
  const compiled = frame.function;
  if (!caller?.name || !callerFrame || compiled === undefined) return undefined;
  const lastDot = compiled.lastIndexOf('.');
  const prefix = lastDot >= 0 ? compiled.slice(0, lastDot + 1) : '';
  const own = compiled.slice(lastDot + 1);
  const generated = caller.map.generatedLines;
  if (generated && callerFrame.lineno !== undefined && callerFrame.colno !== undefined) {
    const line = generated[callerFrame.lineno - 1] ?? '';
    const token = /^[\w$]+/.exec(line.slice(callerFrame.colno - 1))?.[0];
    return token === own && own !== caller.name ? prefix + caller.name : undefined;
  }
  return own.length <= 2 || own === '?' ? prefix + caller.name : undefined;
}

function sourceContent(map: LoadedMap, source: string): readonly string[] | undefined {
  const cached = map.sourceLines.get(source);
  if (cached !== undefined) return cached ?? undefined;
  let lines: readonly string[] | null = null;
  try {
    const content = map.consumer.sourceContentFor(source, true);
    if (typeof content === 'string') lines = splitLines(content);
  } catch {
    lines = null;
  }
  map.sourceLines.set(source, lines);
  return lines ?? undefined;
}

function withDiskContext(frame: StackFrame, sources: FrameSources, count: number): StackFrame {
  if (frame.context_line !== undefined || frame.lineno === undefined || !frame.filename) return frame;
  if (!isLocalPath(frame.filename)) return frame;
  const lines = sources.linesFor(frame.filename);
  return lines ? addContextLines(frame, lines, count) : frame;
}

/** Runtime internals (`node:fs`, `internal/…`) and native frames have no file to read. */
export function isLocalPath(filename: string): boolean {
  if (filename.startsWith('node:') || filename.startsWith('internal/') || filename === 'native') return false;
  if (filename.startsWith('<') || filename.startsWith('data:')) return false;
  return filename.startsWith('/') || /^[a-z]:[\\/]/i.test(filename);
}
