// Loads the faultline-dev receiver: the built one from @faultline/node, or, while that package
// cannot be built yet, its sources compiled on the fly (they only need @faultline/core).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export async function loadDevReceiver(root, nodeAvailable) {
  const dist = join(root, 'packages/node/dist/dev-receiver.js');
  if (nodeAvailable && existsSync(dist)) return import(pathToFileURL(dist).href);
  const dir = mkdtempSync(join(tmpdir(), 'faultline-demo-'));
  try {
    const outfile = join(dir, 'dev-receiver.mjs');
    await build({
      entryPoints: [join(root, 'packages/node/src/dev/index.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'silent',
      alias: { '@faultline/core': join(root, 'packages/core/src/index.ts') },
    });
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
