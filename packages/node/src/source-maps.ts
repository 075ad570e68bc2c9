import {
  applyFrameResolver,
  DEPENDENCY_PATH,
  type FrameResolver,
  type Integration,
  type StackFrame,
} from '@faultline/core';
import { createByteLru } from './byte-lru.js';
import {
  CONTEXT_LINES,
  DEFAULT_MAX_FILE_BYTES,
  type Lines,
  lineIndex,
  readTextFile,
} from './context-lines.js';
import { diskPath, type FrameSources, mapFrames, withPathName } from './map-frames.js';
import { type LoadedMap, loadMapForFile } from './source-map-file.js';

export interface SourceMapsOptions {
  /**
   * Memory kept for parsed source maps and source files, in bytes; the least recently used
   * are dropped first.
   * @default 33554432 (32 MiB)
   */
  maxCacheBytes?: number;
  /** Source files larger than this are never read. @default 4194304 (4 MiB) */
  maxFileBytes?: number;
  /**
   * Compiled files and source maps larger than this are never read (a bundled app's map easily
   * passes 4 MiB); a map skipped for its size is named in debug output.
   * @default 67108864 (64 MiB)
   */
  maxMapBytes?: number;
  /** Lines of source before and after each frame's line. @default 5 */
  contextLines?: number;
}

const DEFAULT_CACHE_BYTES = 32 * 1024 * 1024;
const DEFAULT_MAX_MAP_BYTES = 64 * 1024 * 1024;
/** What a "nothing here" cache entry is charged, so misses cannot grow the cache unbounded. */
const MISS_BYTES = 256;

/**
 * Resolves stack frames of compiled JavaScript to the original sources (TypeScript, bundles)
 * with their source maps (`.map` beside the file, `sourceMappingURL` comments, inline data
 * URLs), and adds context lines. Runs in the event pipeline only: nothing is read or parsed
 * until the first error, and what is read is cached within a byte budget. Reads are
 * synchronous so the pipeline stays synchronous and an event captured right before
 * `process.exit` still leaves.
 */
export function sourceMapsIntegration(options: SourceMapsOptions = {}): Integration {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const maxMapBytes = options.maxMapBytes ?? DEFAULT_MAX_MAP_BYTES;
  const contextLines = options.contextLines ?? CONTEXT_LINES;
  let log: (message: string) => void = () => undefined;
  let resolver: FrameResolver | undefined;
  let clear: (() => void) | undefined;

  const createResolver = (): FrameResolver => {
    const cache = createByteLru<LoadedMap | Lines | null>(options.maxCacheBytes ?? DEFAULT_CACHE_BYTES);
    // What each frame file name and each path gave last (a map or lines, or null for none),
    // found with one lookup, while the cache is unchanged: whatever the cache stores may evict
    // what these refer to, so storing empties them, and the cache is asked again.
    let maps = new Map<string, LoadedMap | null>();
    let texts = new Map<string, Lines | null>();
    const store = (key: string, value: LoadedMap | Lines | null, bytes: number) => {
      maps = new Map();
      texts = new Map();
      cache.set(key, value, bytes);
    };
    clear = () => {
      maps = new Map();
      texts = new Map();
      cache.clear();
    };
    // Cache keys per file name and kind: the same names come back with every event, and a key
    // built anew each time would be hashed anew at every lookup.
    let keys = [new Map<string, string>(), new Map<string, string>()];
    const keyOf = (kind: 0 | 1, path: string): string => {
      let key = keys[kind]?.get(path);
      if (key === undefined) {
        if ((keys[kind]?.size ?? 0) >= 1024) keys = [new Map(), new Map()];
        key = `${kind ? 'src' : 'map'}:${path}`;
        keys[kind]?.set(path, key);
      }
      return key;
    };
    const mapOf = (name: string): LoadedMap | undefined => {
      const file = diskPath(name);
      if (!file) return undefined;
      const key = keyOf(0, file);
      // One lookup: a stored "nothing here" is null, a key never stored undefined.
      const known = cache.get(key);
      if (known !== undefined) return (known as LoadedMap | null) ?? undefined;
      // The compiled file is read once: its lines serve its frames' context lines too.
      const map = loadMapForFile(file, maxMapBytes, log, (lines, bytes) => {
        const linesKey = keyOf(1, file);
        if (bytes <= maxFileBytes && !cache.has(linesKey)) store(linesKey, lines(), bytes * 2 + MISS_BYTES);
      });
      store(key, map ?? null, map?.bytes ?? MISS_BYTES);
      return map;
    };
    const linesOf = (path: string): Lines | undefined => {
      const key = keyOf(1, path);
      const known = cache.get(key);
      if (known !== undefined) return (known as Lines | null) ?? undefined;
      const text = readTextFile(path, maxFileBytes);
      const lines = text === undefined ? null : lineIndex(text);
      store(key, lines, text === undefined ? MISS_BYTES : text.length * 2 + MISS_BYTES);
      return lines ?? undefined;
    };
    const sources: FrameSources = {
      mapFor(frame: StackFrame) {
        const name = frame.filename;
        // A dependency's compiled file is not the app's code: in the process, its map (a
        // TypeScript library ships one, this SDK too) is neither read nor decoded, which cost an
        // express app's first event about 8 ms and 1.4 MiB for the SDK's own frame alone. The
        // frame keeps its position. (faultline-symbolicate, asked to map, still maps every frame.)
        if (!name || DEPENDENCY_PATH.test(name)) return undefined;
        const seen = maps.get(name);
        if (seen !== undefined) return seen ?? undefined;
        const map = mapOf(name);
        if (maps.size < 1024) maps.set(name, map ?? null);
        return map;
      },
      linesFor(path: string) {
        const seen = texts.get(path);
        if (seen !== undefined) return seen ?? undefined;
        const lines = linesOf(path);
        if (texts.size < 1024) texts.set(path, lines ?? null);
        return lines;
      },
    };
    return (frames) => mapFrames(frames, sources, { contextLines }).map(withPathName);
  };

  return {
    name: 'SourceMaps',
    setup(client) {
      log = (message) => client.logger.debug(message);
    },
    processEvent(event) {
      resolver ??= createResolver();
      return applyFrameResolver(event, resolver);
    },
    teardown() {
      clear?.();
    },
  };
}
