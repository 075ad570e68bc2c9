#!/usr/bin/env node
// The command's entry point, present from install on (dist/ only exists once the package is built).
import('../dist/monitor-cli.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && /[\\/]dist[\\/]monitor-cli\.js/.test(String(error.message))) {
    process.stderr.write(
      'faultline-openwhisk-monitor: the package is not built yet; run `npm run build` first\n',
    );
    process.exit(70);
  }
  throw error;
});
