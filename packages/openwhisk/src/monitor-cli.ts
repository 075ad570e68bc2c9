#!/usr/bin/env node
// faultline-openwhisk-monitor: one pass over the namespace's activation records since the last
// run (kept in a state file), an event per failed activation, a check-in for itself. Meant to
// run on a schedule, e.g. under faultline-cron or a crontab line every few minutes.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { close } from '@faultline/node';
import type { MonitorState } from './monitor.js';
import { activationsApi, monitorClient, type RunOptions, runMonitor } from './monitor-run.js';

const HELP = `Usage: faultline-openwhisk-monitor [options]

Reports failed OpenWhisk activations (timeouts, memory kills, init failures, developer and
platform errors) of every action in a namespace, read through the REST API.

  --apihost URL         API host (default $__OW_API_HOST or $WSK_APIHOST)
  --auth KEY            uuid:key (default $__OW_API_KEY or $WSK_AUTH)
  --namespace NAME      namespace (default: the key's own, "_")
  --state FILE          where the last position is kept (default ./.faultline-openwhisk-monitor.json)
  --since MS            start from this epoch time in ms instead of the state file
  --lookback MS         without state or --since, start this long ago (default 600000)
  --page-size N         records per API page, 1-200 (default 100)
  --max-pages N         pages per run at most (default 10)
  --log-lines N         log lines attached to each event (default 30)
  --application-errors  also report returned { error } results
  --check-in-slug SLUG  slug of the monitor's own check-ins (default openwhisk-activation-monitor)
  --no-check-in         send no check-in (e.g. when faultline-cron sends them)
  --insecure            accept a self-signed certificate of the API host
  --dsn DSN             where events go (default $FAULTLINE_DSN or $SENTRY_DSN)
  -h, --help            this text
`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      apihost: { type: 'string' },
      auth: { type: 'string' },
      namespace: { type: 'string' },
      state: { type: 'string', default: '.faultline-openwhisk-monitor.json' },
      since: { type: 'string' },
      lookback: { type: 'string', default: '600000' },
      'page-size': { type: 'string' },
      'max-pages': { type: 'string' },
      'log-lines': { type: 'string' },
      'application-errors': { type: 'boolean', default: false },
      'check-in-slug': { type: 'string' },
      'no-check-in': { type: 'boolean', default: false },
      insecure: { type: 'boolean', default: false },
      dsn: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const env = process.env;
  const apihost = values.apihost ?? env.__OW_API_HOST ?? env.WSK_APIHOST;
  const apiKey = values.auth ?? env.__OW_API_KEY ?? env.WSK_AUTH;
  if (!apihost || !apiKey) {
    process.stderr.write('faultline-openwhisk-monitor: --apihost and --auth are required\n');
    return 2;
  }
  const client = monitorClient(values.dsn);
  if (!client?.enabled) {
    process.stderr.write('faultline-openwhisk-monitor: no DSN (--dsn or FAULTLINE_DSN)\n');
    return 2;
  }
  const int = (v: string | undefined) => (v === undefined ? undefined : Number.parseInt(v, 10));
  const state = readState(values.state, int(values.since), int(values.lookback) ?? 600_000);
  const options: RunOptions = { applicationErrors: values['application-errors'] };
  if (values.namespace) options.namespace = values.namespace;
  const pageSize = int(values['page-size']);
  if (pageSize !== undefined) options.pageSize = pageSize;
  const maxPages = int(values['max-pages']);
  if (maxPages !== undefined) options.maxPages = maxPages;
  const logLines = int(values['log-lines']);
  if (logLines !== undefined) options.logLines = logLines;
  if (values['no-check-in']) options.checkInSlug = false;
  else if (values['check-in-slug']) options.checkInSlug = values['check-in-slug'];
  try {
    const api = await activationsApi({
      apihost,
      apiKey,
      ...(values.namespace ? { namespace: values.namespace } : {}),
      ignoreCerts: values.insecure,
    });
    const result = await runMonitor(client, api, state, options);
    writeState(values.state, result.state);
    if (result.truncated) {
      process.stderr.write(
        'faultline-openwhisk-monitor: more activations than one run reads (--page-size × --max-pages); ' +
          'the oldest were skipped: run more often or raise --max-pages\n',
      );
    }
    process.stdout.write(
      `read ${result.read} activation(s), reported ${result.reported} failure(s), ` +
        `${result.alreadyReported} already reported by wrapAction; next since ${result.state.since}\n`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(
      `faultline-openwhisk-monitor: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  } finally {
    await close(5000);
  }
}

function readState(file: string, since: number | undefined, lookback: number): MonitorState {
  if (since !== undefined && Number.isFinite(since)) return { since, seen: [] };
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<MonitorState>;
    if (typeof parsed.since === 'number' && Array.isArray(parsed.seen)) {
      return { since: parsed.since, seen: parsed.seen.map(String) };
    }
  } catch {
    // No state yet: start `lookback` ago.
  }
  return { since: Date.now() - lookback, seen: [] };
}

/** Written to a temporary file and renamed, so a crash never leaves half a state. */
function writeState(file: string, state: MonitorState): void {
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state)}\n`);
  renameSync(temporary, file);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `faultline-openwhisk-monitor: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 2;
  },
);
