import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Runs against the built packages (`npm run build`): the ESM and CommonJS files of dist.
const fixture = fileURLToPath(new URL('./fixtures/dual-package.mjs', import.meta.url));

describe('one client per process across the ESM and CommonJS copies', () => {
  it.each(['@faultline/node', '@faultline/cron', '@faultline/openwhisk'])(
    '%s: init from one copy, capture and close from the other, both ways',
    (name) => {
      const out = execFileSync(process.execPath, [fixture, name], { encoding: 'utf8', timeout: 15_000 });
      const expected = { delivered: 1, sameClient: true, lastEventId: true, closed: true };
      expect(JSON.parse(out)).toEqual({
        // `import` and `require` of Node's package load one module (its ES module entry wraps
        // the CommonJS build), and the cron and OpenWhisk packages start the SDK through it.
        oneModule: true,
        esmInitCjsCapture: expected,
        cjsInitEsmCapture: expected,
      });
    },
  );
});
