// Figure 6: work bounded by the SDK's limits, not by what the app hands over. Each call with a
// huge value (a 50 MiB typed array, an object with a million keys, a 10 MB string) runs in a
// fresh process per SDK; the figure is the call's own time and the time of the next plain
// event (what the SDK kept from the call makes every later event pay again). A call still
// running after the timeout is reported as that timeout ("> N s").
import { fileURLToPath } from 'node:url';
import { isMain, runNode } from './lib.mjs';

const CHILD = fileURLToPath(new URL('./bounded-input.child.cjs', import.meta.url));
export const CASES = [
  'captureException(50 MiB Uint8Array)',
  'captureException(1e6-key object)',
  'captureException(10 MB string)',
  'setContext(1e6-key object)',
  'setContext(10 MB string)',
  'setUser({ id: 10 MB string })',
  'addBreadcrumb({ message: 10 MB string })',
  'setExtra(50 MiB Uint8Array)',
];

async function one(sdk, name, timeoutMs) {
  try {
    const { stdout } = await runNode([CHILD, sdk, name], { timeoutMs });
    return JSON.parse(stdout.trim().split('\n').at(-1));
  } catch {
    return { callMs: null, nextEventMs: null, timedOutMs: timeoutMs };
  }
}

export async function run({ timeoutMs = 20_000 } = {}) {
  const out = { timeoutMs, cases: {} };
  for (const name of CASES) {
    out.cases[name] = {};
    for (const sdk of ['faultline', 'sentry']) out.cases[name][sdk] = await one(sdk, name, timeoutMs);
  }
  return out;
}

if (isMain(import.meta.url)) console.log(JSON.stringify(await run(), null, 2));
