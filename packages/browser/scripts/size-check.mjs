#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
/**
 * Size budget of @faultline/browser: bundles what a typical app ships,
 * `import { init } from '@faultline/browser'; init({ dsn })`, the way an app bundler would
 * (esbuild --bundle --minify --splitting --format=esm --platform=browser) from the built
 * package, and fails when the eager part exceeds the ceiling in gzip -9 bytes. The eager part is
 * the entry chunk and every chunk it imports statically: what the page loads before `init`
 * runs (the page hooks and the front that queues captures). The event pipeline (core's client
 * and transport) is a chunk `init` loads right away through a dynamic `import()`; its size and
 * the total are printed too, raw, gzip and brotli, with the distance to the 9 KiB goal.
 * `--analyze` lists what each file adds, and to which part; the README's "Size" section has
 * the figures.
 *
 *   node scripts/size-check.mjs            check (run `npm run build` first)
 *   node scripts/size-check.mjs --src      bundle the TypeScript sources instead of dist
 *   node scripts/size-check.mjs --analyze  also list what each input file adds
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/**
 * Fails the check: the budget of the eager bundle, what the page loads before `init` runs (the
 * entry chunk and the chunks it imports statically). The event pipeline is a chunk of its own,
 * loaded right after `init`; its size and the total are printed beside it.
 */
export const CEILING_GZIP_BYTES = 10_240;
/** The budget of the eager bundle. */
export const TARGET_GZIP_BYTES = 10_240;
/** Where the bundle should get to: below every peer measured. */
export const GOAL_GZIP_BYTES = 9216;

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const ENTRY =
  "import { init } from '@faultline/browser';\ninit({ dsn: 'https://public@o1.ingest.example.com/1' });\n";

const gzip = (code) => gzipSync(code, { level: 9 }).length;
const brotli = (code) =>
  brotliCompressSync(code, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: code.length },
  }).length;

/** Raw, gzip and brotli bytes of a set of output chunks, each compressed on its own as served. */
const sizesOf = (chunks) => ({
  raw: chunks.reduce((sum, c) => sum + c.contents.length, 0),
  gzip: chunks.reduce((sum, c) => sum + gzip(c.contents), 0),
  brotli: chunks.reduce((sum, c) => sum + brotli(c.contents), 0),
});

/**
 * Bundles the entry with code splitting, as an app bundler does, and returns the sizes of the
 * eager part (the entry chunk and every chunk it imports statically: what the page loads before
 * `init` runs), of the part loaded right after `init` (chunks reached only through a dynamic
 * `import()`: the event pipeline) and of both, with esbuild's metafile.
 */
export async function measure({ fromSource = false } = {}) {
  const alias = fromSource
    ? {
        '@faultline/browser': `${packageDir}src/index.ts`,
        '@faultline/core': `${packageDir}../core/src/index.ts`,
        '@faultline/core/protocol': `${packageDir}../core/src/protocol.ts`,
        '@faultline/core/front': `${packageDir}../core/src/front.ts`,
        '@faultline/core/pseudonymize': `${packageDir}../core/src/pseudonymize-integration.ts`,
      }
    : {};
  const result = await build({
    stdin: { contents: ENTRY, resolveDir: packageDir, loader: 'js', sourcefile: 'size-entry.js' },
    bundle: true,
    minify: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    outdir: `${packageDir}.size-out`,
    write: false,
    metafile: true,
    logLevel: 'silent',
    alias,
  });
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((file) => outputs[file].entryPoint);
  // The entry and what it imports statically, transitively.
  const eager = new Set([entry]);
  for (const file of eager)
    for (const { path, kind } of outputs[file].imports)
      if (kind === 'import-statement' && outputs[path]) eager.add(path);
  const chunks = result.outputFiles.filter((f) => f.path.endsWith('.js'));
  const isEager = (f) =>
    [...eager].some((file) => f.path.endsWith(file.replace(/^.*\.size-out/, '.size-out')));
  const eagerSizes = sizesOf(chunks.filter(isEager));
  return {
    ...eagerSizes,
    // What the app's bundler would print about the package (a bare import it ignores, say).
    warnings: result.warnings.map((w) => `${w.id ? `[${w.id}] ` : ''}${w.text} (${w.location?.file ?? ''})`),
    lazy: sizesOf(chunks.filter((f) => !isEager(f))),
    total: sizesOf(chunks),
    eagerFiles: [...eager],
    metafile: result.metafile,
  };
}

/** Input files by the minified bytes they add to the output, largest first, with the chunk they land in. */
export function inputsBySize(metafile, eagerFiles = []) {
  return Object.entries(metafile.outputs)
    .filter(([file]) => file.endsWith('.js'))
    .flatMap(([file, output]) =>
      Object.entries(output.inputs).map(([input, info]) => ({
        file: input,
        bytes: info.bytesInOutput,
        eager: eagerFiles.includes(file),
      })),
    )
    .filter((entry) => entry.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
}

const kb = (n) => `${(n / 1024).toFixed(2)} KB`;

async function main() {
  const args = new Set(process.argv.slice(2));
  const sizes = await measure({ fromSource: args.has('--src') });
  const line = (s) =>
    `raw ${s.raw} B (${kb(s.raw)}), gzip -9 ${s.gzip} B (${kb(s.gzip)}), brotli ${s.brotli} B (${kb(s.brotli)})`;
  console.log(`@faultline/browser eager (init, before the page runs on): ${line(sizes)}`);
  console.log(`  loaded right after init (the event pipeline): ${line(sizes.lazy)}`);
  console.log(`  total: ${line(sizes.total)}`);
  console.log(
    `eager ceiling ${CEILING_GZIP_BYTES} B gzip (fails above), goal ${GOAL_GZIP_BYTES} B gzip (${
      sizes.gzip > GOAL_GZIP_BYTES
        ? `${sizes.gzip - GOAL_GZIP_BYTES} B over`
        : `${GOAL_GZIP_BYTES - sizes.gzip} B under`
    })`,
  );
  if (args.has('--analyze')) {
    const rawOf = { true: sizes.raw, false: sizes.lazy.raw };
    const gzipOf = { true: sizes.gzip, false: sizes.lazy.gzip };
    for (const { file, bytes, eager } of inputsBySize(sizes.metafile, sizes.eagerFiles)) {
      const share = ((bytes / rawOf[eager]) * 100).toFixed(1).padStart(5);
      console.log(
        `${String(bytes).padStart(7)} B ${share}%  ~${Math.round((bytes / rawOf[eager]) * gzipOf[eager])} B gzip  ${eager ? 'eager' : 'lazy '}  ${file}`,
      );
    }
  }
  if (sizes.gzip > CEILING_GZIP_BYTES) {
    console.error(
      `size check failed: the eager bundle, ${sizes.gzip} B gzip, is over the ${CEILING_GZIP_BYTES} B ceiling; run with --analyze to see what costs what`,
    );
    process.exitCode = 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
