// Writes the package's ES module entry for Node, dist/index.js: a thin wrapper over the
// CommonJS build (Node's "ES module wrapper" for dual packages, nodejs.org/api/packages.html),
// so that `import` and `require` users share one module instance and the pipeline, a separate
// file, is loaded synchronously with a plain `require` in both. It loads index.cjs through
// Node's `require`, which costs an ES module app no CommonJS export scan (Node's
// cjs-module-lexer and its memory). Its types are those of the CommonJS entry.
// Bundlers (the `module` condition) take dist/index.module.js, an ES module build of the front
// (tsup.config.ts).
import { copyFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
// First the plain `module.exports` of the CommonJS files, which this entry requires.
import './plain-exports.mjs';

const dist = new URL('../dist/', import.meta.url);
const names = Object.keys(createRequire(import.meta.url)('../dist/index.cjs')).sort();
const exportsOf = `export const {\n${names.map((name) => `  ${name},\n`).join('')}} = sdk;\n`;
writeFileSync(
  new URL('index.js', dist),
  `import { createRequire } from 'node:module';\n\nconst sdk = createRequire(import.meta.url)('./index.cjs');\n\n${exportsOf}`,
);
copyFileSync(new URL('index.d.cts', dist), new URL('index.d.ts', dist));
