/**
 * A source map file read from its bytes for what frames need. A bundle's map is mostly
 * `sourcesContent` (the text of every source: two thirds of an esbuild bundle's map), and one
 * character beyond ASCII anywhere in it makes decoding the whole file slow and doubles the string
 * held; `JSON.parse` then builds every source text. Here the file stays bytes: the top-level
 * fields are found by looking for quotes (a native search), only the fields a reader uses are
 * decoded and parsed, and each `sourcesContent` entry is parsed when a frame asks for it.
 */

/** The map's fields that the reader uses, parsed, and each source's text on demand. */
export interface MapJson {
  raw: Record<string, unknown>;
  /** `sourcesContent[index]`, parsed on first use; undefined when absent or not valid JSON. */
  contentAt(index: number): unknown;
}

/** The fields parsed up front: everything else but `sourcesContent` is never read. */
const USED = new Set([
  'version',
  'file',
  'sourceRoot',
  'sources',
  'names',
  'mappings',
  'sections',
  'debugId',
  'debug_id',
]);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Reads a source map's JSON from its UTF-8 bytes; undefined when its layout is not one this
 * reader follows (the caller then parses the whole text, as JSON.parse judges it). A field
 * given twice counts once, the last time, as with JSON.parse.
 */
export function readMapJson(bytes: Uint8Array): MapJson | undefined {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    const fields = topLevelFields(data);
    if (!fields) return undefined;
    const raw: Record<string, unknown> = {};
    let content: [number, number] | undefined;
    for (const [key, start, end] of fields) {
      if (key === 'sourcesContent') content = [start, end];
      else if (USED.has(key)) raw[key] = JSON.parse(data.toString('utf8', start, end));
    }
    if (content && data[content[0]] !== 0x5b /* [ */) content = undefined;
    return { raw, contentAt: content ? lazyEntries(data, content[0]) : () => undefined };
  } catch {
    return undefined;
  }
}

/** Each top-level key with the byte range of its value, in order; undefined when not an object. */
function topLevelFields(data: Buffer): Array<[string, number, number]> | undefined {
  const fields: Array<[string, number, number]> = [];
  let at = skipSpace(data, 0);
  if (data[at] !== 0x7b /* { */) return undefined;
  at = skipSpace(data, at + 1);
  if (data[at] === 0x7d /* } */) return trailingSpaceOnly(data, at + 1) ? fields : undefined;
  for (;;) {
    if (data[at] !== QUOTE) return undefined;
    const keyEnd = stringEnd(data, at);
    if (keyEnd < 0) return undefined;
    const key = JSON.parse(data.toString('utf8', at, keyEnd)) as string;
    at = skipSpace(data, keyEnd);
    if (data[at] !== 0x3a /* : */) return undefined;
    const start = skipSpace(data, at + 1);
    const end = valueEnd(data, start);
    if (end < 0) return undefined;
    fields.push([key, start, end]);
    at = skipSpace(data, end);
    if (data[at] === 0x2c /* , */) {
      at = skipSpace(data, at + 1);
      continue;
    }
    if (data[at] === 0x7d) return trailingSpaceOnly(data, at + 1) ? fields : undefined;
    return undefined;
  }
}

/** `sourcesContent` entries by index: their ranges found on the first call, each parsed once. */
function lazyEntries(data: Buffer, arrayStart: number): (index: number) => unknown {
  let ranges: Array<[number, number]> | undefined;
  const parsed = new Map<number, unknown>();
  return (index) => {
    if (parsed.has(index)) return parsed.get(index);
    ranges ??= entryRanges(data, arrayStart);
    const range = ranges[index];
    let value: unknown;
    try {
      value = range ? JSON.parse(data.toString('utf8', range[0], range[1])) : undefined;
    } catch {
      value = undefined;
    }
    parsed.set(index, value);
    return value;
  };
}

function entryRanges(data: Buffer, arrayStart: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let at = skipSpace(data, arrayStart + 1);
  if (data[at] === 0x5d /* ] */) return ranges;
  for (;;) {
    const end = valueEnd(data, at);
    if (end < 0) return ranges;
    ranges.push([at, end]);
    at = skipSpace(data, end);
    if (data[at] !== 0x2c) return ranges;
    at = skipSpace(data, at + 1);
  }
}

/** Where the JSON value starting at `at` ends (exclusive), or -1. Strings are found natively. */
function valueEnd(data: Buffer, at: number): number {
  const first = data[at];
  if (first === QUOTE) return stringEnd(data, at);
  if (first !== 0x5b && first !== 0x7b) {
    // A number, true, false or null: up to the next delimiter; JSON.parse judges it later.
    let end = at;
    while (end < data.length && !isDelimiter(data[end] as number)) end++;
    return end > at ? end : -1;
  }
  // An array or object: brackets counted outside strings.
  let depth = 0;
  for (let i = at; i < data.length; i++) {
    const c = data[i];
    if (c === QUOTE) {
      const end = stringEnd(data, i);
      if (end < 0) return -1;
      i = end - 1;
    } else if (c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x5d || c === 0x7d) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** The end (exclusive) of the string whose opening quote is at `at`, or -1. */
function stringEnd(data: Buffer, at: number): number {
  let from = at + 1;
  for (;;) {
    const quote = data.indexOf(QUOTE, from);
    if (quote < 0) return -1;
    // Escaped when an odd number of backslashes precede it.
    let slashes = 0;
    while (data[quote - 1 - slashes] === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

function isDelimiter(c: number): boolean {
  return c === 0x2c || c === 0x5d || c === 0x7d || isSpace(c);
}

function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpace(data: Buffer, at: number): number {
  while (isSpace(data[at])) at++;
  return at;
}

function trailingSpaceOnly(data: Buffer, at: number): boolean {
  return skipSpace(data, at) === data.length;
}
