#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { runSymbolicateCli } from './symbolicate-cli.js';

process.exitCode = runSymbolicateCli(process.argv.slice(2), {
  stdout: (chunk) => process.stdout.write(chunk),
  stderr: (text) => process.stderr.write(text),
  readStdin: () => readFileSync(0, 'utf8'),
});
