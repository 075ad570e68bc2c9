/**
 * Packs every published workspace with `npm pack` and installs the tarballs into a fresh folder
 * with a small consumer app (scripts/packaging/app), the way a user's project gets them. The
 * third-party packages the app uses come from the npm cache first (`--prefer-offline`).
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PACKAGES = ['core', 'node', 'browser', 'cron', 'openwhisk'] as const;
const run = promisify(execFile);

export interface Installed {
  dir: string;
  tarballs: Record<string, string>;
  remove(): Promise<void>;
}

export async function packAndInstall(): Promise<Installed> {
  for (const name of PACKAGES) {
    if (!existsSync(join(ROOT, 'packages', name, 'dist'))) {
      throw new Error(`packages/${name}/dist is missing: run \`npm run build\` first`);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'faultline-consumer-'));
  const packs = join(dir, 'tarballs');
  cpSync(join(ROOT, 'scripts/packaging/app'), dir, { recursive: true });
  mkdirSync(packs, { recursive: true });
  await run(
    'npm',
    ['pack', '--silent', '--pack-destination', packs, ...PACKAGES.flatMap((p) => ['-w', `packages/${p}`])],
    {
      cwd: ROOT,
    },
  );
  const tarballs: Record<string, string> = {};
  for (const file of readdirSync(packs)) {
    const name = PACKAGES.find((p) => file.startsWith(`faultline-${p}-`));
    if (name) tarballs[name] = join(packs, file);
  }
  const dependencies: Record<string, string> = {
    express: '^5.1.0',
    fastify: '^5.6.0',
    'node-cron': '^4.2.0',
    '@types/express': '^5.0.3',
  };
  for (const [name, file] of Object.entries(tarballs)) dependencies[`@faultline/${name}`] = `file:${file}`;
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }, null, 2),
  );
  await run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'],
    {
      cwd: dir,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return { dir, tarballs, remove: () => rm(dir, { recursive: true, force: true }) };
}
