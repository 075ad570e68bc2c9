// Makes sure the packages the demo needs are built, and builds the examples.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

/** Build order: each package after the ones it depends on. */
export const PACKAGES = ['core', 'node', 'browser', 'cron', 'openwhisk'];
const DEPENDS = {
  core: [],
  node: ['core'],
  browser: ['core'],
  cron: ['core', 'node'],
  openwhisk: ['core', 'node'],
};

function newest(dir, skip = () => false) {
  let latest = 0;
  if (!existsSync(dir)) return latest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (skip(path)) continue;
    latest = Math.max(latest, entry.isDirectory() ? newest(path, skip) : statSync(path).mtimeMs);
  }
  return latest;
}

function oldest(dir) {
  let earliest = Number.POSITIVE_INFINITY;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    earliest = Math.min(earliest, entry.isDirectory() ? oldest(path) : statSync(path).mtimeMs);
  }
  return earliest;
}

const isTest = (path) => /\.test\.ts$/.test(path);

/** Whether `packages/<name>/dist` is missing or older than its sources. */
export function isStale(root, name) {
  const dir = join(root, 'packages', name);
  const dist = join(dir, 'dist');
  if (!existsSync(join(dist, 'index.js'))) return true;
  const sources = Math.max(newest(join(dir, 'src'), isTest), statSync(join(dir, 'package.json')).mtimeMs);
  return sources > oldest(dist);
}

/**
 * Builds every stale package with `npm run build` (all workspaces at once, as the README says;
 * then package by package if that fails, so one unfinished package does not hide the others).
 * Returns, per package, whether it can be used and why not.
 */
export function ensurePackages(root, log) {
  const present = Object.fromEntries(
    PACKAGES.map((p) => [p, existsSync(join(root, 'packages', p, 'src/index.ts'))]),
  );
  const stale = PACKAGES.filter((p) => present[p] && isStale(root, p));
  const status = {};
  if (stale.length) {
    log(`building ${stale.map((p) => `@faultline/${p}`).join(', ')} (dist missing or older than src) …`);
    const all = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, encoding: 'utf8' });
    if (all.status !== 0) {
      for (const name of stale) {
        const one = spawnSync('npm', ['run', 'build', '--silent', '-w', `packages/${name}`], {
          cwd: root,
          encoding: 'utf8',
        });
        if (one.status !== 0) status[name] = `build failed: ${lastLine(one.stderr || one.stdout)}`;
      }
    }
  }
  for (const name of PACKAGES) {
    if (!present[name]) status[name] ??= 'not written yet';
    else if (!existsSync(join(root, 'packages', name, 'dist/index.js'))) status[name] ??= 'not built';
    for (const dep of DEPENDS[name])
      if (status[dep] && !status[name]) status[name] = `needs @faultline/${dep}`;
  }
  return Object.fromEntries(
    PACKAGES.map((p) => [p, status[p] ? { ok: false, reason: status[p] } : { ok: true }]),
  );
}

function lastLine(text) {
  const lines = String(text).trim().split('\n').filter(Boolean);
  return (lines.find((l) => /error/i.test(l)) ?? lines.at(-1) ?? '').slice(0, 160);
}

/** Compiles the TypeScript examples with source maps, the same way their `npm run build` does. */
export async function buildExample(root, name, entries) {
  const dir = join(root, 'examples', name);
  if (name === 'openwhisk') {
    const result = spawnSync(process.execPath, ['build.mjs'], { cwd: dir, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(lastLine(result.stderr || result.stdout));
    return;
  }
  await build({
    absWorkingDir: dir,
    entryPoints: entries,
    outdir: 'dist',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'silent',
  });
}
