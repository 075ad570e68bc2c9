import { isAbsolute, relative } from 'node:path';
import {
  compileScrub,
  type Envelope,
  parseEnvelope,
  type StackFrame,
  scrubStringWith,
  serializeEnvelope,
} from '@faultline/core';
import { readTextFile, splitLines } from './context-lines.js';
import { mapFrames } from './map-frames.js';
import { indexMaps, type MapIndex } from './map-index.js';

export interface SymbolicateOptions {
  /** Original sources are shown relative to this directory. @default process.cwd() */
  cwd?: string;
  /** Lines of source before and after each frame's line. @default 5 */
  contextLines?: number;
}

export interface SymbolicateResult {
  /** The rewritten event file or envelope, in the same format as the input. */
  output: string | Uint8Array;
  /** Frames that pointed into a file with a map, and were resolved. */
  resolved: number;
  /** Every frame seen. */
  frames: number;
}

type JsonEvent = {
  exception?: { values?: Array<{ stacktrace?: { frames?: StackFrame[] } }> };
  debug_meta?: { images?: Array<{ type?: string; code_file?: string; debug_id?: string }> };
};

/**
 * Rewrites the stack frames of a captured browser event with local source maps: the event as
 * JSON, or an envelope holding event items. Frames are matched to maps by debug id
 * (`debug_meta.images[].debug_id` ↔ `//# debugId=` in the bundle or `debugId` in its map),
 * else by the file name of their URL. Frames without a map are left as they are.
 */
export function symbolicate(
  input: string,
  mapsDir: string,
  options: SymbolicateOptions = {},
): SymbolicateResult {
  const index = indexMaps(mapsDir);
  const totals = { resolved: 0, frames: 0 };
  const rewrite = (event: JsonEvent) => symbolicateEvent(event, index, options, totals);
  const json = parseJson(input);
  if (json !== undefined && typeof json === 'object' && json !== null && !Array.isArray(json)) {
    return { output: `${JSON.stringify(rewrite(json as JsonEvent), null, 2)}\n`, ...totals };
  }
  const envelope: Envelope = parseEnvelope(input);
  envelope.items = envelope.items.map(([headers, payload]) =>
    headers.type === 'event' &&
    typeof payload === 'object' &&
    payload !== null &&
    !(payload instanceof Uint8Array)
      ? [headers, rewrite(payload as JsonEvent)]
      : [headers, payload],
  );
  const sentAt =
    typeof envelope.headers.sent_at === 'string' ? new Date(envelope.headers.sent_at) : new Date();
  return {
    output: serializeEnvelope(envelope, Number.isNaN(sentAt.getTime()) ? new Date() : sentAt),
    ...totals,
  };
}

function symbolicateEvent(
  event: JsonEvent,
  index: MapIndex,
  options: SymbolicateOptions,
  totals: { resolved: number; frames: number },
): JsonEvent {
  const cwd = options.cwd ?? process.cwd();
  const debugIds = new Map<string, string>();
  for (const image of event.debug_meta?.images ?? []) {
    if (image?.code_file && image.debug_id) debugIds.set(image.code_file, image.debug_id);
  }
  const files = new Map<string, readonly string[] | null>();
  const display = (where: { display: string; path?: string }) => {
    // A bundler-namespaced source (`webpack://app/./src/x.ts`) is already relative to the
    // project; its `path` beside the map is only a guess for reading the file.
    if (!where.path || !isAbsolute(where.display)) return where.display;
    const rel = relative(cwd, where.path);
    return rel.startsWith('..') || isAbsolute(rel) ? where.path : rel.split('\\').join('/');
  };
  const scrub = compileScrub();
  for (const value of event.exception?.values ?? []) {
    const frames = value?.stacktrace?.frames;
    if (!Array.isArray(frames) || frames.length === 0) continue;
    const mapped = mapFrames(
      frames,
      {
        mapFor(frame) {
          const file = frame.abs_path ?? frame.filename;
          if (!file) return undefined;
          return index.find(file, debugIds.get(file) ?? debugIds.get(frame.filename ?? ''));
        },
        linesFor(path) {
          if (!files.has(path)) {
            const text = readTextFile(path);
            files.set(path, text === undefined ? null : splitLines(text));
          }
          return files.get(path) ?? undefined;
        },
      },
      { contextLines: options.contextLines ?? 5, displayPath: display },
    );
    // Source lines read from disk leave the machine in the printed event: scrub them as code.
    for (const frame of mapped) {
      if (typeof frame.context_line === 'string')
        frame.context_line = scrubStringWith(frame.context_line, scrub, 'code');
      if (Array.isArray(frame.pre_context))
        frame.pre_context = frame.pre_context.map((l) => scrubStringWith(l, scrub, 'code'));
      if (Array.isArray(frame.post_context))
        frame.post_context = frame.post_context.map((l) => scrubStringWith(l, scrub, 'code'));
    }
    if (value.stacktrace) value.stacktrace.frames = mapped;
    totals.frames += frames.length;
    totals.resolved += mapped.filter((frame, i) => frame.filename !== frames[i]?.filename).length;
  }
  return event;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
