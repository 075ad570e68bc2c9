// Self time per function of a V8 CPU profile, and the inclusive time of named functions:
//   node --cpu-prof --cpu-prof-dir=prof bench/capture-cost.child.cjs faultline 1000 20
//   node bench/profile-summary.mjs prof/*.cpuprofile [top=30] [captureException,sanitizeEvent,...]
// Inclusive time counts a sample once per function name however deep it recurses.
import { readFileSync } from 'node:fs';
import { isMain } from './lib.mjs';

export function summarize(profile, names = []) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map();
  const inclusive = new Map(names.map((name) => [name, 0]));
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    total += delta;
    const frame = byId.get(id).callFrame;
    const where = frame.url.replace(/^.*\/(packages|node_modules|bench)\//, '$1/');
    const key = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + delta);
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const name = byId.get(at).callFrame.functionName;
      if (inclusive.has(name) && !seen.has(name)) {
        seen.add(name);
        inclusive.set(name, inclusive.get(name) + delta);
      }
    }
  });
  return { total, self: [...self].sort((a, b) => b[1] - a[1]), inclusive: [...inclusive] };
}

if (isMain(import.meta.url)) {
  const [file, top = '30', names = ''] = process.argv.slice(2);
  const { total, self, inclusive } = summarize(
    JSON.parse(readFileSync(file, 'utf8')),
    names.split(',').filter(Boolean),
  );
  const share = (us) =>
    `${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1e3).toFixed(0).padStart(6)} ms`;
  console.log(`sampled ${(total / 1e3).toFixed(0)} ms; self time:`);
  for (const [key, us] of self.slice(0, Number(top))) console.log(`${share(us)}  ${key}`);
  if (inclusive.length) console.log('inclusive:');
  for (const [name, us] of inclusive) console.log(`${share(us)}  ${name}`);
}
