// npm run demo: see scripts/demo/run.mjs. Exits 0 only when everything expected arrived and
// nothing unexpected did. `--no-browser` skips the Chromium part.
import { runDemo } from './demo/run.mjs';

const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
const result = await runDemo({ color, browser: !process.argv.includes('--no-browser') });
process.exitCode = result.ok ? 0 : 1;
