import { closeSync, type Dirent, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { lineIndex, readTextFile } from './context-lines.js';
import { findDebugId, type LoadedMap, normalizeDebugId, parseSourceMap } from './source-map-file.js';

/** Maps on disk are read up to this size by the offline tool (bundles can be large). */
const MAX_MAP_BYTES = 64 * 1024 * 1024;
const MAX_FILES = 20_000;
const SKIPPED_DIRS = new Set(['node_modules', '.git']);

/** The `.map` files under a directory, found by compiled file name or by debug id. */
export interface MapIndex {
  /** How many `.map` files were found. */
  readonly size: number;
  /** The map of a compiled file, by debug id first, else by its URL's file name. */
  find(codeFile: string, debugId?: string): LoadedMap | undefined;
}

interface Entry {
  mapPath: string;
  /** Path of the compiled file beside the map, with the map's name minus `.map`. */
  codePath: string;
  debugId?: string | undefined;
}

/**
 * Indexes every `*.map` under `dir`: by compiled file name (`app.min.js.map` → `app.min.js`,
 * and the map's `file`), and by debug id (`//# debugId=` in the compiled file or `debugId` in
 * the map). Maps are parsed only when a frame needs them, once each.
 */
export function indexMaps(dir: string): MapIndex {
  const entries: Entry[] = [];
  walk(dir, (path) => {
    if (!path.endsWith('.map')) return;
    const codePath = path.slice(0, -'.map'.length);
    const tail = readTail(codePath, 4096);
    entries.push({ mapPath: path, codePath, debugId: tail === undefined ? undefined : findDebugId(tail) });
  });
  const byName = new Map<string, Entry[]>();
  const byDebugId = new Map<string, Entry>();
  const loaded = new Map<string, LoadedMap | null>();
  const text = new Map<string, string | null>();

  const mapText = (entry: Entry): string | undefined => {
    if (!text.has(entry.mapPath)) text.set(entry.mapPath, readTextFile(entry.mapPath, MAX_MAP_BYTES) ?? null);
    return text.get(entry.mapPath) ?? undefined;
  };
  const addName = (name: string, entry: Entry) => {
    const list = byName.get(name) ?? [];
    if (!list.includes(entry)) list.push(entry);
    byName.set(name, list);
  };
  for (const entry of entries) {
    addName(basename(entry.codePath), entry);
    if (entry.debugId) byDebugId.set(entry.debugId, entry);
  }
  let scannedMaps = false;
  /** Debug ids and `file` names inside the maps themselves: read only if a lookup needs them. */
  const scanMaps = () => {
    if (scannedMaps) return;
    scannedMaps = true;
    for (const entry of entries) {
      const json = mapText(entry);
      if (json === undefined) continue;
      const id = normalizeDebugId(/"debug_?[iI]d"\s*:\s*"([0-9a-fA-F-]{32,36})"/.exec(json)?.[1]);
      if (id && !byDebugId.has(id)) byDebugId.set(id, entry);
      const file = /"file"\s*:\s*"([^"]+)"/.exec(json)?.[1];
      if (file) addName(basename(file), entry);
    }
  };
  const load = (entry: Entry): LoadedMap | undefined => {
    if (!loaded.has(entry.mapPath)) {
      const json = mapText(entry);
      const code = readTextFile(entry.codePath, MAX_MAP_BYTES);
      const map =
        json === undefined
          ? undefined
          : parseSourceMap(json, dirname(entry.mapPath), {
              debugId: entry.debugId,
              // Cut when a frame's line is asked for, not the whole bundle at once.
              generatedLines: code === undefined ? undefined : lineIndex(code),
            });
      loaded.set(entry.mapPath, map ?? null);
    }
    return loaded.get(entry.mapPath) ?? undefined;
  };

  return {
    size: entries.length,
    find(codeFile, debugId) {
      const id = normalizeDebugId(debugId);
      if (id) {
        if (!byDebugId.has(id)) scanMaps();
        const entry = byDebugId.get(id);
        if (entry) return load(entry);
      }
      const path = urlPath(codeFile);
      const name = basename(path);
      if (!byName.has(name)) scanMaps();
      const candidates = byName.get(name);
      if (!candidates?.length) return undefined;
      return load(bestMatch(candidates, path));
    },
  };
}

/** The path part of a frame's file: `https://x/assets/app.js?v=2#x` → `/assets/app.js`. */
function urlPath(codeFile: string): string {
  const withoutQuery = codeFile.split(/[?#]/)[0] ?? codeFile;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(withoutQuery);
  return scheme ? withoutQuery.slice(scheme[0].length) : withoutQuery;
}

/** Among maps of files with the same name, the one whose path shares the longest tail with the URL's. */
function bestMatch(candidates: Entry[], path: string): Entry {
  const wanted = path.split(/[\\/]/).reverse();
  let best = candidates[0] as Entry;
  let bestScore = -1;
  for (const entry of candidates) {
    const parts = entry.codePath.split(/[\\/]/).reverse();
    let score = 0;
    while (score < wanted.length && score < parts.length && wanted[score] === parts[score]) score++;
    if (score > bestScore) {
      best = entry;
      bestScore = score;
    }
  }
  return best;
}

function walk(dir: string, visit: (path: string) => void): void {
  let seen = 0;
  const stack = [dir];
  while (stack.length > 0 && seen < MAX_FILES) {
    const current = stack.pop() as string;
    let names: Dirent[];
    try {
      names = readdirSync(current, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of names) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) stack.push(path);
      } else if (entry.isFile()) {
        seen++;
        visit(path);
      }
    }
  }
}

/** The last `bytes` of a file (where `//# debugId=` lives), without reading a whole bundle. */
function readTail(path: string, bytes: number): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const { size } = fstatSync(fd);
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
