/**
 * A source map reader for what stack frames need: the original position of a generated one,
 * and the embedded source text. Source map revision 3 (https://tc39.es/ecma426/), including
 * index maps with `sections`. Mappings are decoded lazily, line by line up to the highest line
 * asked for, so a bundled app's multi-megabyte map costs only what its frames touch, and the
 * SDK carries no source map library (a bundle of the SDK stays small and loads fast).
 */

/** `GREATEST_LOWER_BOUND`: the mapping at or left of the column; `LEAST_UPPER_BOUND`: at or right of it. */
export const GREATEST_LOWER_BOUND = 1;
export const LEAST_UPPER_BOUND = 2;

/** An original position; every field is null when the generated position has no mapping. */
export interface OriginalPosition {
  source: string | null;
  line: number | null;
  column: number | null;
  name: string | null;
}

/** A parsed source map, queried with 1-based lines and 0-based columns. */
export interface SourceMapReader {
  originalPositionFor(position: { line: number; column: number; bias?: number }): OriginalPosition;
  /** The source's text from `sourcesContent`, for a name as `originalPositionFor` returns it. */
  sourceContentFor(source: string): string | undefined;
}

const NONE: OriginalPosition = Object.freeze({ source: null, line: null, column: null, name: null });

/**
 * Reads a parsed source map object; throws when it is not a usable revision 3 map. `contentAt`
 * gives `sourcesContent` entries by index when the object was parsed without them.
 */
export function readSourceMap(
  raw: Record<string, unknown>,
  contentAt?: (index: number) => unknown,
): SourceMapReader {
  if (raw.version !== 3 && raw.version !== '3') throw new Error('unsupported source map version');
  return Array.isArray(raw.sections) ? indexMap(raw.sections) : basicMap(raw, contentAt);
}

/** Base64 digit values, -1 for anything else. */
const DIGITS = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  DIGITS['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
}

/** Segments of one generated line: [column, source, line, column, name] each, -1 when absent. */
type Segments = Int32Array;

function basicMap(raw: Record<string, unknown>, contentAt?: (index: number) => unknown): SourceMapReader {
  const mappings = raw.mappings;
  if (typeof mappings !== 'string' || !Array.isArray(raw.sources)) throw new Error('not a source map');
  const root = typeof raw.sourceRoot === 'string' && raw.sourceRoot !== '' ? raw.sourceRoot : undefined;
  const sources = raw.sources.map((source) => {
    const name = source == null ? '' : String(source);
    // The root prefixes relative names only (a path or URL of its own stays as it is).
    if (!root || name.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(name)) return name;
    return root.endsWith('/') ? root + name : `${root}/${name}`;
  });
  const names = Array.isArray(raw.names) ? raw.names.map(String) : [];
  const contents: unknown[] = Array.isArray(raw.sourcesContent) ? raw.sourcesContent : [];
  const content = contentAt ?? ((index: number) => contents[index]);

  // Where each line starts in `mappings`, with the running values there (every field but the
  // generated column is relative to the previous segment, across lines): STATE numbers per
  // line, filled as far as a lookup asked.
  const starts: number[] = [0, 0, 0, 0, 0];
  const cache = new Map<number, Segments>();

  const segmentsOf = (line: number): Segments | undefined => {
    const cached = cache.get(line);
    if (cached) return cached;
    if (starts.length <= line * STATE) skipLines(mappings, starts, line);
    if (starts.length <= line * STATE) return undefined;
    const segments: number[] = [];
    decodeLine(mappings, starts, line * STATE, segments);
    const result = Int32Array.from(segments);
    sortByColumn(result);
    if (cache.size >= 64) cache.clear();
    cache.set(line, result);
    return result;
  };

  const byName = new Map<string, number>();
  sources.forEach((name, i) => {
    if (!byName.has(name)) byName.set(name, i);
  });

  return {
    originalPositionFor({ line, column, bias = GREATEST_LOWER_BOUND }) {
      if (!(line >= 1) || !(column >= 0)) return NONE;
      const segments = segmentsOf(line - 1);
      if (!segments || segments.length === 0) return NONE;
      const at = pick(segments, column, bias);
      if (at < 0 || (segments[at + 1] as number) < 0) return NONE;
      const name = segments[at + 4] as number;
      return {
        source: sources[segments[at + 1] as number] ?? null,
        line: (segments[at + 2] as number) + 1,
        column: segments[at + 3] as number,
        name: name >= 0 ? (names[name] ?? null) : null,
      };
    },
    sourceContentFor(source) {
      const index = byName.get(source);
      const text = index === undefined ? undefined : content(index);
      return typeof text === 'string' ? text : undefined;
    },
  };
}

/** Numbers kept per line start: offset in `mappings`, then the running source, line, column, name. */
const STATE = 5;

/**
 * Decodes the line of `mappings` whose start state is at `starts[from]`; pushes its segments
 * (5 numbers each) to `out` when given. Appends the next line's start state to `starts` when
 * this was the last line known.
 */
function decodeLine(mappings: string, starts: number[], from: number, out: number[] | undefined): void {
  let at = starts[from] as number;
  let source = starts[from + 1] as number;
  let line = starts[from + 2] as number;
  let column = starts[from + 3] as number;
  let name = starts[from + 4] as number;
  const end = mappings.length;
  let generated = 0;
  while (at < end) {
    let c = mappings.charCodeAt(at);
    if (c === 59 /* ; */) {
      at++;
      break;
    }
    if (c === 44 /* , */) {
      at++;
      continue;
    }
    let fields = 0;
    while (at < end) {
      c = mappings.charCodeAt(at);
      if (c === 44 || c === 59) break;
      // One base64 VLQ: 5 bits per digit, least significant first, sign in the lowest bit.
      let value = 0;
      let shift = 0;
      for (;;) {
        const digit = c < 128 ? (DIGITS[c] as number) : -1;
        if (digit < 0 || shift > 30) throw new Error('invalid mappings');
        value |= (digit & 31) << shift;
        at++;
        if ((digit & 32) === 0) break;
        shift += 5;
        c = mappings.charCodeAt(at);
      }
      const delta = value & 1 ? -(value >>> 1) : value >>> 1;
      if (fields === 0) generated += delta;
      else if (fields === 1) source += delta;
      else if (fields === 2) line += delta;
      else if (fields === 3) column += delta;
      else if (fields === 4) name += delta;
      fields++;
    }
    if (fields !== 1 && fields !== 4 && fields !== 5) throw new Error('invalid mappings');
    if (out) {
      if (fields === 1) out.push(generated, -1, -1, -1, -1);
      else out.push(generated, source, line, column, fields === 5 ? name : -1);
    }
  }
  if (from + STATE === starts.length) starts.push(at, source, line, column, name);
}

/**
 * Decodes `mappings` from the last line start known up to the start of `line`, appending the
 * start state of every line passed to `starts`; fewer when the mappings end first. One loop over
 * the characters rather than a call per line: the first error of a bundled app asks for a line
 * near the end of a large map, decoded in a fresh process where the engine only optimizes a
 * loop that runs long in one call. Throws on what {@link decodeLine} rejects.
 */
function skipLines(mappings: string, starts: number[], line: number): void {
  const known = starts.length - STATE;
  let at = starts[known] as number;
  let source = starts[known + 1] as number;
  let original = starts[known + 2] as number;
  let column = starts[known + 3] as number;
  let name = starts[known + 4] as number;
  const end = mappings.length;
  let fields = 0;
  let value = 0;
  let shift = 0;
  while (at < end && starts.length <= line * STATE) {
    const c = mappings.charCodeAt(at++);
    if (c === 59 /* ; */ || c === 44 /* , */) {
      if (shift !== 0 || (fields !== 0 && fields !== 1 && fields !== 4 && fields !== 5)) {
        throw new Error('invalid mappings');
      }
      fields = 0;
      if (c === 59) starts.push(at, source, original, column, name);
      continue;
    }
    // One base64 VLQ digit: 5 bits, least significant first; the sign is the value's lowest bit.
    const digit = c < 128 ? (DIGITS[c] as number) : -1;
    if (digit < 0 || shift > 30) throw new Error('invalid mappings');
    value |= (digit & 31) << shift;
    if ((digit & 32) !== 0) {
      shift += 5;
      continue;
    }
    const delta = value & 1 ? -(value >>> 1) : value >>> 1;
    if (fields === 1) source += delta;
    else if (fields === 2) original += delta;
    else if (fields === 3) column += delta;
    else if (fields === 4) name += delta;
    fields++;
    value = 0;
    shift = 0;
  }
}

/** Offset of the chosen segment (5 numbers each), or -1. */
function pick(segments: Segments, column: number, bias: number): number {
  let found = -1;
  if (bias === LEAST_UPPER_BOUND) {
    for (let i = 0; i < segments.length; i += 5) {
      if ((segments[i] as number) >= column) return i;
    }
    return -1;
  }
  for (let i = 0; i < segments.length; i += 5) {
    const c = segments[i] as number;
    if (c > column) break;
    // The first of several segments at the same column.
    if (found < 0 || c !== segments[found]) found = i;
  }
  return found;
}

/** Segments are meant to be in column order; sort them when a generator did not. */
function sortByColumn(segments: Segments): void {
  let sorted = true;
  for (let i = 5; i < segments.length && sorted; i += 5) {
    if ((segments[i] as number) < (segments[i - 5] as number)) sorted = false;
  }
  if (sorted) return;
  const rows: number[][] = [];
  for (let i = 0; i < segments.length; i += 5) rows.push(Array.from(segments.subarray(i, i + 5)));
  rows.sort((a, b) => (a[0] as number) - (b[0] as number));
  segments.set(rows.flat());
}

interface Section {
  line: number;
  column: number;
  map: SourceMapReader;
}

function indexMap(raw: unknown[]): SourceMapReader {
  const sections: Section[] = raw.map((entry) => {
    const section = entry as { offset?: { line?: unknown; column?: unknown }; map?: unknown; url?: unknown };
    const line = section.offset?.line;
    const column = section.offset?.column;
    if (typeof line !== 'number' || typeof column !== 'number') throw new Error('invalid section offset');
    if (typeof section.map !== 'object' || section.map === null) throw new Error('section without a map');
    return { line, column, map: readSourceMap(section.map as Record<string, unknown>) };
  });
  return {
    originalPositionFor({ line, column, bias }) {
      // The last section that starts at or before the position (offsets are 0-based).
      let found: Section | undefined;
      for (const section of sections) {
        if (section.line > line - 1 || (section.line === line - 1 && section.column > column)) break;
        found = section;
      }
      if (!found) return NONE;
      const position: { line: number; column: number; bias?: number } = {
        line: line - found.line,
        column: found.line === line - 1 ? column - found.column : column,
      };
      if (bias !== undefined) position.bias = bias;
      return found.map.originalPositionFor(position);
    },
    sourceContentFor(source) {
      for (const section of sections) {
        const content = section.map.sourceContentFor(source);
        if (content !== undefined) return content;
      }
      return undefined;
    },
  };
}
