#!/usr/bin/env node
// The command's entry point, present from install on (dist/ only exists once the package is built).
import('../dist/faultline-symbolicate.js').catch((error) => {
  if (
    error?.code === 'ERR_MODULE_NOT_FOUND' &&
    /[\\/]dist[\\/]faultline-symbolicate\.js/.test(String(error.message))
  ) {
    process.stderr.write('faultline-symbolicate: the package is not built yet; run `npm run build` first\n');
    process.exit(70);
  }
  throw error;
});
