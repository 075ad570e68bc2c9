import { statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_MAX_FILE_BYTES,
  type Lines,
  lineIndex,
  readFileBytes,
  readTextFile,
} from './context-lines.js';
import { readSourceMap, type SourceMapReader } from './source-map-decode.js';
import { readMapJson } from './source-map-json.js';

/** A parsed source map and what is needed to resolve positions through it. */
export interface LoadedMap {
  consumer: SourceMapReader;
  /** Directory that relative `sources` resolve against (the map's own directory). */
  baseDir: string;
  /** The debug id of the map (`debugId` field) or of its compiled file (`//# debugId=`). */
  debugId?: string;
  /** Lines of the compiled file, when it was read: used to check function names. */
  generatedLines?: Lines;
  /** Approximate memory held, for the byte-bounded cache. */
  bytes: number;
  /** Split `sourcesContent`, filled on first use. */
  sourceLines: Map<string, Lines | null>;
}

const DEBUG_ID = /^\s*\/\/# debugId=([0-9a-fA-F-]{32,36})\s*$/m;

/** The last `sourceMappingURL` comment of a compiled file (the spec says the last one wins). */
export function findSourceMappingUrl(code: string): string | undefined {
  const at = code.lastIndexOf('sourceMappingURL=');
  if (at < 0) return undefined;
  const lineStart = code.lastIndexOf('\n', at) + 1;
  const prefix = code.slice(lineStart, at).trim();
  if (prefix !== '//#' && prefix !== '//@' && prefix !== '/*#' && prefix !== '/*@') return undefined;
  const match = /^sourceMappingURL=([^\s*]+)/.exec(code.slice(at));
  return match?.[1];
}

/** The debug id a bundler or `sentry-cli inject` wrote into a compiled file (`//# debugId=…`). */
export function findDebugId(code: string): string | undefined {
  return normalizeDebugId(DEBUG_ID.exec(code.slice(-4096))?.[1]);
}

export function normalizeDebugId(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const hex = value.toLowerCase().replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/.test(hex)) return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Decodes a `data:application/json[;charset=…][;base64],…` URL; undefined for any other URL. */
export function decodeDataUrl(url: string): string | undefined {
  const match = /^data:application\/json((?:;[^,;]*)*),(.*)$/s.exec(url);
  if (!match) return undefined;
  const params = match[1] ?? '';
  const payload = match[2] ?? '';
  try {
    if (/;base64/i.test(params)) return Buffer.from(payload, 'base64').toString('utf8');
    return decodeURIComponent(payload);
  } catch {
    return undefined;
  }
}

/**
 * Parses source map JSON into a {@link LoadedMap}; undefined when it is not a usable map. Given
 * the file's bytes, only the fields a lookup needs are parsed, each source's text when asked for.
 */
export function parseSourceMap(
  text: string | Uint8Array,
  baseDir: string,
  extra: { debugId?: string | undefined; generatedLines?: Lines | undefined } = {},
): LoadedMap | undefined {
  try {
    const json = typeof text === 'string' ? undefined : readMapJson(text);
    const parsed: unknown =
      json?.raw ?? JSON.parse(typeof text === 'string' ? text : Buffer.from(text).toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const raw = parsed as Record<string, unknown>;
    if (!Array.isArray(raw.sources) && !Array.isArray(raw.sections)) return undefined;
    const consumer = readSourceMap(raw, json?.contentAt);
    const loaded: LoadedMap = {
      consumer,
      baseDir,
      bytes: text.length * 3,
      sourceLines: new Map(),
    };
    const debugId = normalizeDebugId(raw.debugId ?? raw.debug_id) ?? extra.debugId;
    if (debugId) loaded.debugId = debugId;
    if (extra.generatedLines) loaded.generatedLines = extra.generatedLines;
    return loaded;
  } catch {
    return undefined;
  }
}

/**
 * Finds and parses the source map of a compiled file: an inline data-URL map, the file named
 * by its `sourceMappingURL` comment, or `<file>.map` beside it. Reads are synchronous and
 * bounded by `maxBytes`.
 */
export function loadMapForFile(
  path: string,
  maxBytes = DEFAULT_MAX_FILE_BYTES,
  log: (message: string) => void = () => undefined,
  onCode?: (lines: () => Lines, bytes: number) => void,
): LoadedMap | undefined {
  const read = (file: string): string | undefined => {
    const text = readTextFile(file, maxBytes);
    if (text === undefined) sayWhyUnread(file, maxBytes, log);
    return text;
  };
  // A map file stays bytes: see readMapJson.
  const readMap = (file: string): Uint8Array | undefined => {
    const bytes = readFileBytes(file, maxBytes);
    if (bytes === undefined) sayWhyUnread(file, maxBytes, log);
    return bytes;
  };
  const parse = (text: string | Uint8Array, baseDir: string, file: string): LoadedMap | undefined => {
    const map = parseSourceMap(text, baseDir, { debugId, generatedLines: lines() });
    if (!map) log(`source map skipped: ${file} is not a usable source map`);
    return map;
  };
  const code = read(path);
  if (code === undefined) return undefined;
  const debugId = findDebugId(code);
  const url = findSourceMappingUrl(code);
  const dir = dirname(path);
  let generatedLines: Lines | undefined;
  const lines = () => {
    generatedLines ??= lineIndex(code);
    return generatedLines;
  };
  onCode?.(lines, Buffer.byteLength(code));
  if (url) {
    const inline = decodeDataUrl(url);
    if (inline !== undefined) return parse(inline, dir, `the inline map of ${path}`);
    const mapPath = mapPathFrom(url, dir);
    if (mapPath) {
      const bytes = readMap(mapPath);
      if (bytes !== undefined) return parse(bytes, dirname(mapPath), mapPath);
    }
  }
  // Most files have no map beside them: a stat that cannot throw says so without an exception.
  const besidePath = `${path}.map`;
  if (!exists(besidePath)) return undefined;
  const beside = readFileBytes(besidePath, maxBytes);
  if (beside !== undefined) return parse(beside, dir, besidePath);
  sayWhyUnread(besidePath, maxBytes, log, true);
  return undefined;
}

function exists(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

/** Says (in debug output) why a file that exists was not read: over the size limit, or unreadable. */
function sayWhyUnread(
  file: string,
  maxBytes: number,
  log: (message: string) => void,
  quietIfMissing = false,
): void {
  try {
    const size = statSync(file).size;
    if (size > maxBytes)
      log(
        `source map skipped: ${file} is ${size} bytes, over the ${maxBytes}-byte limit (sourceMapsIntegration maxMapBytes)`,
      );
    else log(`source map skipped: ${file} could not be read`);
  } catch {
    if (!quietIfMissing) log(`source map skipped: ${file} does not exist`);
  }
}

function mapPathFrom(url: string, dir: string): string | undefined {
  try {
    if (url.startsWith('file:')) return fileURLToPath(url);
    // A map served over HTTP is not ours to fetch from inside the pipeline.
    if (/^[a-z][a-z0-9+.-]*:/i.test(url) && !/^[a-z]:[\\/]/i.test(url)) return undefined;
    const decoded = decodeURIComponent(url);
    return isAbsolute(decoded) ? decoded : resolve(dir, decoded);
  } catch {
    return undefined;
  }
}

/**
 * Where an original source lives: `display` is what the event shows, `path` the file on disk
 * (if it can be on disk) for context lines when the map has no `sourcesContent`.
 */
export function resolveSourcePath(source: string, baseDir: string): { display: string; path?: string } {
  try {
    if (source.startsWith('file:')) {
      const path = fileURLToPath(source);
      return { display: path, path };
    }
    // Bundler namespaces such as `webpack://app/./src/x.ts` are relative to the project.
    const namespaced = /^(?:webpack|rollup|vite|turbopack):\/\/[^/]*\/(.*)$/.exec(source);
    if (namespaced?.[1] !== undefined) {
      const relative = namespaced[1].replace(/^\.\//, '');
      return { display: relative, path: resolve(baseDir, relative) };
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(source) && !/^[a-z]:[\\/]/i.test(source)) return { display: source };
    const path = isAbsolute(source) ? source : resolve(baseDir, source);
    return { display: path, path };
  } catch {
    return { display: source };
  }
}
