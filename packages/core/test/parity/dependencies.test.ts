import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../../', import.meta.url).pathname;
const PACKAGES = ['core', 'node', 'browser', 'cron', 'openwhisk'];

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}
const manifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ts$/.test(f) && !/\.test\.ts$|(^|\/)test-[^/]*$|\.d\.ts$/.test(f))
    .map((f) => join(dir, f));
}

/** Every package a source file names: imports (types included, they reach the .d.ts), `import()`, `require`. */
function loadedModules(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const names = new Set<string>();
  for (const re of [/\bfrom '([^'.][^']*)'/g, /\bimport\('([^'.][^']*)'\)/g, /\)\('([^'.][^']*)'\)/g]) {
    for (const m of text.matchAll(re)) {
      const spec = m[1] as string;
      if (spec.startsWith('node:') || builtinModules.includes(spec)) continue;
      names.add(
        spec
          .split('/')
          .slice(0, spec.startsWith('@') ? 2 : 1)
          .join('/'),
      );
    }
  }
  return [...names];
}

/** The packages a user installs with `name`: its dependencies, theirs, and so on. */
function installedWith(name: string, seen = new Set<string>()): Set<string> {
  if (seen.has(name)) return seen;
  seen.add(name);
  const deps = manifest(join(root, 'node_modules', name)).dependencies ?? {};
  for (const dep of Object.keys(deps)) installedWith(dep, seen);
  return seen;
}

describe('dependencies', () => {
  it.each(PACKAGES)('@faultline/%s declares every package its sources load', (pkg) => {
    const dir = join(root, 'packages', pkg);
    const { name, dependencies = {}, peerDependencies = {} } = manifest(dir);
    const declared = new Set([name, ...Object.keys(dependencies), ...Object.keys(peerDependencies)]);
    const missing = sources(join(dir, 'src'))
      .flatMap((file) => loadedModules(file).map((mod) => `${mod} (${file.slice(dir.length + 1)})`))
      .filter((entry) => !declared.has(entry.split(' ')[0] as string));
    expect(missing).toEqual([]);
  });

  it('installing @faultline/browser installs no stack parser library it never loads', () => {
    expect([...installedWith('@faultline/browser')]).not.toContain('error-stack-parser');
  });
});
