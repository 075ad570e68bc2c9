// Run by esm-entry.mjs, after tsup. Gives the CommonJS files Node loads (dist/index.cjs at
// `require`, dist/pipeline.cjs at the first capture) a plain `module.exports` object. esbuild's
// CommonJS output from ES module sources defines one getter per export on a fresh object
// (`__export` + `__toCommonJS`), which costs a cold process about 0.4 ms of the front's load:
// each getter is a closure, the object turns into a dictionary and the helpers run in the
// interpreter. Every export of these files is a function or a constant set once while the file
// runs, so the values, assigned after the file has run, are what the getters would return.
// The statement is blanked with spaces of its own length, so that the source map still fits
// every column; the assignment is added on a line of its own at the end.
import { readFileSync, writeFileSync } from 'node:fs';

const INTEROP = /__export\((\w+),\{([^{}]*)\}\);module\.exports=__toCommonJS\(\1\);/;
const PAIR = /^([\w$]+):\(\)=>([\w$.]+)$/;
const MAP_COMMENT = '\n//# sourceMappingURL=';
/** How the assignment begins: a file that has it was done by an earlier run. */
const DONE = '\nObject.defineProperty(module.exports={';

for (const name of ['index.cjs', 'pipeline.cjs']) {
  const file = new URL(`../dist/${name}`, import.meta.url);
  const code = readFileSync(file, 'utf8');
  if (code.includes(DONE)) continue;
  const found = INTEROP.exec(code);
  const pairs = found?.[2].split(',').map((pair) => PAIR.exec(pair));
  const tail = code.lastIndexOf(MAP_COMMENT);
  if (!found || !pairs || pairs.some((pair) => !pair) || tail < 0) {
    throw new Error(`plain-exports: dist/${name} does not have the export statement esbuild writes`);
  }
  const values = pairs.map((pair) => `${pair[1]}:${pair[2]}`).join(',');
  const exportsLine = `${DONE}${values}},"__esModule",{value:!0});`;
  writeFileSync(
    file,
    code.slice(0, found.index) +
      ' '.repeat(found[0].length) +
      code.slice(found.index + found[0].length, tail) +
      exportsLine +
      code.slice(tail),
  );
}
