import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { symbolicate } from './symbolicate.js';

export interface CliIo {
  stdout: (chunk: string | Uint8Array) => void;
  stderr: (text: string) => void;
  /** Reads standard input whole (when the input file is `-` or left out). */
  readStdin: () => string;
}

const USAGE = `Usage: faultline-symbolicate --maps <dir> [event.json | envelope | -]

Rewrites the stack frames of a captured event (a JSON event or an envelope) with the source
maps found under <dir>, matched by debug id or by file name, and prints the result.

  -m, --maps <dir>   directory holding the .map files (searched recursively)
  -h, --help         show this help

Example: faultline-symbolicate --maps dist/ event.json > resolved.json
`;

/** The `faultline-symbolicate` command; returns the exit code (0 ok, 1 failure, 2 usage). */
export function runSymbolicateCli(argv: string[], io: CliIo): number {
  let values: { maps?: string | undefined; help?: boolean | undefined };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { maps: { type: 'string', short: 'm' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (!values.maps || positionals.length > 1) {
    io.stderr(USAGE);
    return 2;
  }
  try {
    if (!statSync(values.maps).isDirectory()) throw new Error(`${values.maps} is not a directory`);
  } catch (error) {
    io.stderr(`faultline-symbolicate: cannot read maps: ${(error as Error).message}\n`);
    return 1;
  }
  const file = positionals[0];
  let input: string;
  try {
    input = file === undefined || file === '-' ? io.readStdin() : readFileSync(file, 'utf8');
  } catch (error) {
    io.stderr(`faultline-symbolicate: cannot read ${file}: ${(error as Error).message}\n`);
    return 1;
  }
  try {
    const result = symbolicate(input, values.maps);
    io.stdout(result.output);
    io.stderr(`faultline-symbolicate: resolved ${result.resolved} of ${result.frames} frames\n`);
    return 0;
  } catch (error) {
    io.stderr(`faultline-symbolicate: not a JSON event or an envelope: ${(error as Error).message}\n`);
    return 1;
  }
}
