#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startDevReceiver } from './dev-receiver.js';
import { arrivalJson, formatArrival } from './format.js';

const USAGE = `usage: faultline-dev [--port 8969] [--host 127.0.0.1] [--json] [--save <dir>] [--respond <status>] [--retry-after <s>]

A local receiver for Faultline (and any Sentry-protocol SDK). Point your app at it while you
develop: FAULTLINE_DSN=http://faultline-dev@127.0.0.1:8969/0
  --json            one JSON object per line instead of readable text
  --save <dir>      write every envelope received into <dir>
  --respond <code>  answer every envelope with this HTTP status (e.g. 429, 413, 503)
  --retry-after <s> Retry-After seconds sent with --respond 429 (default 60)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8969' },
      host: { type: 'string', default: '127.0.0.1' },
      json: { type: 'boolean', default: false },
      save: { type: 'string' },
      respond: { type: 'string' },
      'retry-after': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  const port = Number(values.port);
  const respond = values.respond === undefined ? undefined : Number(values.respond);
  if (!Number.isInteger(port) || port < 0 || (respond !== undefined && !(respond >= 200 && respond <= 599))) {
    process.stderr.write(`faultline-dev: bad --port or --respond\n${USAGE}\n`);
    process.exitCode = 64;
    return;
  }
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  const receiver = await startDevReceiver({
    port,
    host: values.host,
    ...(respond !== undefined ? { respondStatus: respond } : {}),
    ...(values['retry-after'] ? { retryAfterSeconds: Number(values['retry-after']) } : {}),
    ...(values.save ? { saveDir: values.save } : {}),
    onArrival: (arrival) =>
      process.stdout.write(`${values.json ? arrivalJson(arrival) : formatArrival(arrival, color)}\n`),
    onReject: (reason) => process.stderr.write(`faultline-dev: rejected a request: ${reason}\n`),
  });
  if (!values.json) {
    process.stdout.write(`faultline-dev listening on ${receiver.url}\nDSN: ${receiver.dsn}\n`);
  }
  const stop = () => void receiver.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`faultline-dev: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
