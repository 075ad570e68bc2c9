// `npm run bench`: Faultline beside @sentry/node and @sentry/browser on this machine, in one
// run. Builds the packages first (skip with --no-build), runs every figure, prints one table,
// writes the raw results to bench/results/<timestamp>.json and the table to
// docs/benchmarks.md. `--quick` does fewer repetitions (for trying the harness out);
// `--only=bundle,startup,express,capture,storm,core,bundledApp,openwhisk,openwhiskInstructions,bounded` runs a subset; `--render=<results.json>`
// rewrites the docs table from an earlier run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as bounded from './bounded-input.mjs';
import * as bundle from './bundle-size.mjs';
import * as bundledApp from './bundled-app.mjs';
import * as capture from './capture-cost.mjs';
import * as core from './core.mjs';
import * as storm from './error-storm.mjs';
import * as express from './express-throughput.mjs';
import { ROOT } from './lib.mjs';
import { machine } from './machine.mjs';
import * as openwhisk from './openwhisk-cold-start.mjs';
import * as openwhiskInstructions from './openwhisk-cold-start-instructions.mjs';
import * as startup from './startup.mjs';
import { renderMarkdown, renderTable } from './table.mjs';

const args = process.argv.slice(2);
const render = args.find((a) => a.startsWith('--render='))?.slice('--render='.length);
if (render) {
  // Rewrites docs/benchmarks.md from an earlier results file, without measuring again.
  const results = JSON.parse(readFileSync(render, 'utf8'));
  writeFileSync(join(ROOT, 'docs/benchmarks.md'), renderMarkdown(results));
  console.log(renderTable(results));
  process.exit(0);
}
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');

const FIGURES = {
  bundle: () => bundle.run({ runs: quick ? 1 : 3 }),
  startup: () => startup.run({ runs: quick ? 10 : 20 }),
  express: () => express.run(quick ? { rounds: 1, duration: 3 } : { rounds: 12, duration: 2, warmup: 0.5 }),
  capture: () => capture.run(quick ? { processes: 1, batches: 3 } : { processes: 3, batches: 7 }),
  storm: () => storm.run({ runs: quick ? 1 : 3 }),
  core: () => core.run(),
  bundledApp: () => bundledApp.run(),
  openwhisk: () => openwhisk.run({ runs: quick ? 3 : 7 }),
  // The same cold start counted in instructions (steady where times move with the machine's
  // load); about 35 s, where valgrind is installed.
  openwhiskInstructions: () =>
    openwhiskInstructions.available()
      ? openwhiskInstructions.run()
      : { skipped: 'valgrind and setarch are not installed' },
  bounded: () => bounded.run({ timeoutMs: quick ? 5000 : 20_000 }),
};

if (!args.includes('--no-build')) {
  console.error('building the packages (npm run build)…');
  const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const results = { date: new Date().toISOString(), machine: machine(), quick, figures: {} };
for (const [name, run] of Object.entries(FIGURES)) {
  if (only && !only.includes(name)) continue;
  console.error(`running ${name}…`);
  const started = Date.now();
  try {
    results.figures[name] = await run();
  } catch (error) {
    results.figures[name] = { error: String(error?.stack ?? error) };
    console.error(`${name} failed: ${error?.message ?? error}`);
  }
  console.error(`  ${name} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

console.log(renderTable(results));
const dir = join(ROOT, 'bench/results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `${results.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
console.error(`results: ${file}`);
if (!only && !quick) {
  writeFileSync(join(ROOT, 'docs/benchmarks.md'), renderMarkdown(results));
  console.error('table: docs/benchmarks.md');
}
