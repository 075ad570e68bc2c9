import { fileURLToPath } from 'node:url';
import { DEPENDENCY_PATH, type StackFrame } from '@faultline/core';
import { addContextLines, CONTEXT_LINES, type Lines, lineIndex } from './context-lines.js';
import { originalFunctionName } from './function-names.js';
import { LEAST_UPPER_BOUND } from './source-map-decode.js';
import { type LoadedMap, resolveSourcePath } from './source-map-file.js';

/** Where {@link mapFrames} gets maps and source files from (cached by the caller). */
export interface FrameSources {
  /** The source map of the compiled file a frame points at, if there is one. */
  mapFor(frame: StackFrame): LoadedMap | undefined;
  /** Lines of a file on disk, for context lines when no map carries the source. */
  linesFor(path: string): Lines | undefined;
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
      // Object.assign rather than a spread followed by properties, slow on Node 20.
      const mapped: StackFrame = Object.assign({}, frame, {
        filename: display,
        abs_path: display,
        lineno: original.line,
        colno: original.column + 1,
      });
      if (frame.in_app !== undefined)
        mapped.in_app = frame.in_app && !DEPENDENCY_PATH.test(where.path ?? display);
      delete mapped.pre_context;
      delete mapped.context_line;
      delete mapped.post_context;
      const lines =
        sourceContent(original.map, original.source) ??
        (where.path ? sources.linesFor(where.path) : undefined);
      const callerFrame = frames[i - 1];
      const caller = originals[i - 1];
      const name = originalFunctionName(
        frame,
        callerFrame && caller
          ? { frame: callerFrame, name: caller.name, generatedLines: caller.map.generatedLines }
          : undefined,
        lines,
        original.line,
        original.column + 1,
      );
      if (name) mapped.function = name;
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

function sourceContent(map: LoadedMap, source: string): Lines | undefined {
  const cached = map.sourceLines.get(source);
  if (cached !== undefined) return cached ?? undefined;
  let lines: Lines | null = null;
  try {
    const content = map.consumer.sourceContentFor(source);
    if (typeof content === 'string') lines = lineIndex(content);
  } catch {
    lines = null;
  }
  map.sourceLines.set(source, lines);
  return lines ?? undefined;
}

function withDiskContext(frame: StackFrame, sources: FrameSources, count: number): StackFrame {
  if (frame.context_line !== undefined || frame.lineno === undefined || !frame.filename) return frame;
  const path = diskPath(frame.filename);
  if (!path) return frame;
  const lines = sources.linesFor(path);
  return lines ? addContextLines(frame, lines, count) : frame;
}

/**
 * The file on disk a frame's file name points at: a path, or the path of a `file://` URL (ES
 * modules; the stack parser keeps URLs as the runtime printed them). None for anything else.
 */
export function diskPath(filename: string): string | undefined {
  if (filename.startsWith('file://')) {
    try {
      return fileURLToPath(filename);
    } catch {
      return undefined;
    }
  }
  return isLocalPath(filename) ? filename : undefined;
}

/**
 * A frame of an ES module names its file by path, as a CommonJS frame does: V8 prints
 * `file:///srv/my%20app/x.mjs` for the file a CommonJS frame calls `/srv/my app/x.mjs`, and an
 * app moving to ES modules should not see every issue under new file names.
 */
export function withPathName(frame: StackFrame): StackFrame {
  const name = frame.filename;
  if (!name?.startsWith('file://')) return frame;
  const path = diskPath(name);
  return path ? Object.assign({}, frame, { filename: path, abs_path: path }) : frame;
}

/** Runtime internals (`node:fs`, `internal/…`) and native frames have no file to read. */
export function isLocalPath(filename: string): boolean {
  if (filename.startsWith('node:') || filename.startsWith('internal/') || filename === 'native') return false;
  if (filename.startsWith('<') || filename.startsWith('data:')) return false;
  return filename.startsWith('/') || /^[a-z]:[\\/]/i.test(filename);
}
