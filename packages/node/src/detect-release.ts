import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { releaseFromEnv } from '@faultline/core/setup';

type Env = Record<string, string | undefined>;

/**
 * The release to report when `init` was given none: a release or commit variable of the
 * environment (core's `RELEASE_ENV_VARS`), else `name@version` of the app's package.json, as
 * npm exposes it to scripts (`npm_package_name`, `npm_package_version`) or as found in the
 * nearest package.json from `cwd` upwards, short of `stopAt` (a host's own folder, such as a
 * serverless runtime's, whose package.json names the host rather than the app). Undefined
 * when none is known. Never throws.
 */
export function detectRelease(env: Env, cwd: string, stopAt?: string): string | undefined {
  const named = releaseFromEnv(env);
  if (named) return named;
  const fromNpm = packageRelease(env.npm_package_name, env.npm_package_version);
  if (fromNpm) return fromNpm;
  try {
    for (let dir = cwd, parent = ''; dir !== parent && dir !== stopAt; parent = dir, dir = dirname(dir)) {
      const file = join(dir, 'package.json');
      let text: string;
      try {
        // Asked first without an exception: the first ENOENT a process throws costs about 0.4 ms
        // (a serverless action's folder usually has no package.json of its own).
        if (!statSync(file, { throwIfNoEntry: false })?.isFile()) continue;
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      const pkg = JSON.parse(text) as { name?: unknown; version?: unknown };
      return packageRelease(pkg.name, pkg.version);
    }
  } catch {
    // An unreadable or invalid package.json names no release.
  }
  return undefined;
}

/**
 * `name@version`, without the npm scope: release names may not contain `/`
 * (https://docs.sentry.io/product/releases/naming-releases/).
 */
function packageRelease(name: unknown, version: unknown): string | undefined {
  if (typeof name !== 'string' || typeof version !== 'string' || !name || !version) return undefined;
  return `${name.slice(name.lastIndexOf('/') + 1)}@${version}`;
}
