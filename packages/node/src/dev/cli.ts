#!/usr/bin/env node
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { parseDuration } from './alerts.js';
import { startDevReceiver } from './dev-receiver.js';
import { arrivalJson, formatAlert, formatArrival, formatIssues } from './format.js';
import { isAtLeast, parsePriority } from './priority.js';

const USAGE = `usage: faultline-dev [options] [-- <command> [args...]]

A local receiver for Faultline (and any Sentry-protocol SDK). Point your app at it while you
develop: FAULTLINE_DSN=http://faultline-dev@127.0.0.1:8969/0
  --port <n>              port to listen on (default 8969; 0 picks a free one)
  --host <addr>           address to listen on (default 127.0.0.1)
  --json                  one JSON object per line instead of readable text
  --save <dir>            write every envelope received into <dir>
  --respond <code>        answer every envelope with this HTTP status (e.g. 429, 413, 503)
  --retry-after <s>       Retry-After seconds sent with --respond 429 (default 60)
Triage (docs/triage.md); GET /api/issues lists the issues with their priority as JSON:
  --alert-webhook <url>   post each alert (new_issue, frequency, endpoint_spike) as JSON with a
                          Slack-compatible "text"
  --alert-threshold <n>   frequency alert when an issue has more than <n> events in the window;
                          also the high-volume mark of the priorities (default 50)
  --alert-window <time>   window of the frequency and endpoint_spike rules: 30s, 5m, 1h (default 5m)
  --fail-on <P0..P3>      exit 1 at the end if an issue reached this priority or a more urgent one
With -- <command>, runs the command with FAULTLINE_DSN and SENTRY_DSN pointing here, and ends
when it does: exit code the command's if it failed, else 1 if --fail-on matched, else 0.
Without a command it ends on SIGINT or SIGTERM.`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '8969' },
      host: { type: 'string', default: '127.0.0.1' },
      json: { type: 'boolean', default: false },
      save: { type: 'string' },
      respond: { type: 'string' },
      'retry-after': { type: 'string' },
      'alert-webhook': { type: 'string' },
      'alert-threshold': { type: 'string' },
      'alert-window': { type: 'string' },
      'fail-on': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  const port = Number(values.port);
  const respond = values.respond === undefined ? undefined : Number(values.respond);
  const threshold = values['alert-threshold'] === undefined ? undefined : Number(values['alert-threshold']);
  const windowMs = values['alert-window'] === undefined ? undefined : parseDuration(values['alert-window']);
  const failOn = values['fail-on'] === undefined ? undefined : parsePriority(values['fail-on']);
  const problem =
    (!Number.isInteger(port) || port < 0 ? '--port' : undefined) ??
    (respond !== undefined && !(respond >= 200 && respond <= 599) ? '--respond' : undefined) ??
    (threshold !== undefined && !(Number.isInteger(threshold) && threshold > 0)
      ? '--alert-threshold'
      : undefined) ??
    (values['alert-window'] !== undefined && windowMs === undefined ? '--alert-window' : undefined) ??
    (values['fail-on'] !== undefined && failOn === undefined ? '--fail-on (P0, P1, P2 or P3)' : undefined) ??
    (values['alert-webhook'] !== undefined && !URL.canParse(values['alert-webhook'])
      ? '--alert-webhook'
      : undefined);
  if (problem) {
    process.stderr.write(`faultline-dev: bad ${problem}\n${USAGE}\n`);
    process.exitCode = 64;
    return;
  }
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const receiver = await startDevReceiver({
    port,
    host: values.host,
    ...(respond !== undefined ? { respondStatus: respond } : {}),
    ...(values['retry-after'] ? { retryAfterSeconds: Number(values['retry-after']) } : {}),
    ...(values.save ? { saveDir: values.save } : {}),
    ...(values['alert-webhook'] ? { alertWebhook: values['alert-webhook'] } : {}),
    ...(threshold !== undefined ? { alertThreshold: threshold } : {}),
    ...(windowMs !== undefined ? { alertWindowMs: windowMs } : {}),
    onArrival: (arrival) => print(values.json ? arrivalJson(arrival) : formatArrival(arrival, color)),
    onAlert: (alert) =>
      print(values.json ? JSON.stringify({ kind: 'alert', ...alert }) : formatAlert(alert, color)),
    onAlertError: (message) => process.stderr.write(`faultline-dev: ${message}\n`),
    onReject: (reason) => process.stderr.write(`faultline-dev: rejected a request: ${reason}\n`),
  });
  let stopping = false;
  const stop = async (commandCode = 0): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await receiver.close();
    const issues = receiver.issues();
    print(values.json ? JSON.stringify({ kind: 'issues', issues }) : `\nIssues\n${formatIssues(issues)}`);
    let code = commandCode;
    if (failOn) {
      const serious = issues.filter((issue) => isAtLeast(issue.peakPriority, failOn));
      if (serious.length) {
        process.stderr.write(
          `faultline-dev: ${serious.length} issue(s) at ${failOn} or above:\n${serious
            .map((i) => `  ${i.peakPriority} ${i.title} (${i.count}×)\n`)
            .join('')}`,
        );
        if (code === 0) code = 1;
      }
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  // Said only once the handlers are in place: whoever reads the DSN may signal us at once.
  if (!values.json) {
    process.stdout.write(`faultline-dev listening on ${receiver.url}\nDSN: ${receiver.dsn}\n`);
  }

  const [command, ...args] = positionals;
  if (command) {
    const child = spawn(command, args, {
      stdio: 'inherit',
      env: { ...process.env, FAULTLINE_DSN: receiver.dsn, SENTRY_DSN: receiver.dsn },
    });
    child.on('error', (error) => {
      process.stderr.write(`faultline-dev: could not run ${command}: ${error.message}\n`);
      void stop(127);
    });
    child.on('exit', (code, signal) => void stop(code ?? (signal ? 128 + signalNumber(signal) : 1)));
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  return ({ SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[signal] ?? 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`faultline-dev: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
