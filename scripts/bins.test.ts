import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// npm links a package's bins at install, before anything is built: a bin that points into
// dist/ is not linked in a fresh clone. Each must be a committed file that npm can link.
const root = fileURLToPath(new URL('../', import.meta.url));
const tracked = new Set(execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n'));
const bins = ['core', 'node', 'browser', 'cron', 'openwhisk'].flatMap((name) => {
  const manifest = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')) as {
    bin?: Record<string, string>;
    files?: string[];
  };
  return Object.entries(manifest.bin ?? {}).map(([command, target]) => ({
    command,
    path: join('packages', name, target),
    files: manifest.files ?? [],
  }));
});

describe('package bins', () => {
  it('exist for the commands the docs name', () => {
    expect(bins.map((b) => b.command).sort()).toEqual([
      'faultline-cron',
      'faultline-dev',
      'faultline-openwhisk-monitor',
      'faultline-symbolicate',
    ]);
  });

  it.each(bins)(
    '$command is a committed, published script that answers --help',
    ({ command, path, files }) => {
      expect(tracked.has(path), `${path} is committed`).toBe(true);
      expect(files.some((entry) => path.split('/')[2] === entry.replace(/^\.\//, '').split('/')[0])).toBe(
        true,
      );
      expect(readFileSync(join(root, path), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
      const help = execFileSync(process.execPath, [join(root, path), '--help'], { encoding: 'utf8' });
      expect(help).toMatch(new RegExp(`usage: ${command}`, 'i'));
    },
  );
});
