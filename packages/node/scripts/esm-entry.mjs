// Writes the package's ES module entry, dist/index.js: a thin wrapper over the CommonJS build
// (Node's "ES module wrapper" for dual packages, nodejs.org/api/packages.html), so that `import`
// and `require` users share one module instance and the pipeline, a separate file, is loaded
// synchronously with a plain `require` in both. Its types are those of the CommonJS entry.
import { copyFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const dist = new URL('../dist/', import.meta.url);
const names = Object.keys(createRequire(import.meta.url)('../dist/index.cjs')).sort();
writeFileSync(
  new URL('index.js', dist),
  `import sdk from './index.cjs';\n\nexport const {\n${names.map((name) => `  ${name},\n`).join('')}} = sdk;\n`,
);
copyFileSync(new URL('index.d.cts', dist), new URL('index.d.ts', dist));
