// The machine a run happened on, for the results and the docs table.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, platform, release, totalmem } from 'node:os';
import { ROOT } from './lib.mjs';

const require = createRequire(`${ROOT}package.json`);

function cpuModel() {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const model = /^model name\s*:\s*(.+)$/m.exec(info)?.[1];
    if (model) return model.trim();
  } catch {
    // Not Linux: fall back to what os reports.
  }
  return cpus()[0]?.model ?? 'unknown';
}

function version(name) {
  try {
    return require(`${name}/package.json`).version;
  } catch {
    return 'not installed';
  }
}

export function machine() {
  return {
    cpu: cpuModel(),
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
    versions: {
      '@faultline/node': version('@faultline/node'),
      '@faultline/browser': version('@faultline/browser'),
      '@sentry/node': version('@sentry/node'),
      '@sentry/browser': version('@sentry/browser'),
      express: version('express'),
      autocannon: version('autocannon'),
      esbuild: version('esbuild'),
    },
  };
}
