// `npm run demo`: every example driven through its failures against a local faultline-dev
// receiver, then a summary of what was expected and what arrived. Offline: 127.0.0.1 only.
import { appendFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserSuite } from './browser-suite.mjs';
import { buildExample, ensurePackages } from './build.mjs';
import { evaluate, eventText, leakedSecrets, SECRETS, sleep } from './checks.mjs';
import { cronSuite } from './cron-suite.mjs';
import { expressSuite, fastifySuite } from './http-suites.mjs';
import { openwhiskSuite } from './openwhisk-suite.mjs';
import { loadDevReceiver } from './receiver.mjs';
import { renderIssues, renderTable } from './table.mjs';
import { DEMO_ALERT_WINDOW_MS, triageSuite } from './triage-suite.mjs';
import { startWebhookReceiver } from './webhook.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const SUITES = [expressSuite, fastifySuite, cronSuite, openwhiskSuite, browserSuite, triageSuite];

/**
 * Runs the demo. `write` receives the output; `browser: false` skips Chromium.
 * Resolves to `{ ok, rows, arrivals, durationMs }`; never leaves a process or server behind.
 */
export async function runDemo({
  root = ROOT,
  write = (text) => process.stdout.write(text),
  color = false,
  browser = true,
  suites = SUITES,
} = {}) {
  const started = Date.now();
  const log = (text = '') => write(`${text}\n`);
  const bold = (text) => (color ? `\u001b[1m${text}\u001b[0m` : text);

  const packages = ensurePackages(root, log);
  const dev = await loadDevReceiver(root, packages.node.ok);
  // Where faultline-dev posts its alerts (--alert-webhook), as a team's Slack or pager would get them.
  const hook = await startWebhookReceiver();
  const receiver = await dev.startDevReceiver({
    port: 0,
    host: '127.0.0.1',
    onArrival: (arrival) => {
      // An issue seen many times (the triage suite's 60 checkouts) prints its first few only.
      if (arrival.kind === 'event' && arrival.seen > 3) {
        if (arrival.seen === 4) log(indent(`… more of the same issue (see Triage below)`));
        return;
      }
      log(indent(dev.formatArrival(arrival, color)));
    },
    alertWebhook: hook.url,
    alertWindowMs: DEMO_ALERT_WINDOW_MS,
    onAlert: (alert) => log(indent(dev.formatAlert(alert, color))),
  });
  log(`faultline-dev listening on ${receiver.url}   FAULTLINE_DSN=${receiver.dsn}`);

  const env = { ...process.env, FAULTLINE_DSN: receiver.dsn, FAULTLINE_ENVIRONMENT: 'demo', NO_COLOR: '1' };
  for (const key of ['SENTRY_DSN', 'SENTRY_RELEASE', 'SENTRY_ENVIRONMENT', 'FAULTLINE_RELEASE'])
    delete env[key];
  const rows = [];
  try {
    for (const suite of suites) {
      const missing = suite.needs.map((p) => packages[p]).find((p) => !p.ok);
      const why =
        (missing && `@faultline/${suite.needs.find((p) => !packages[p].ok)}: ${missing.reason}`) ??
        suite.unavailable?.({ browser });
      log('');
      if (why) {
        log(bold(`── ${suite.name}: not available (${why})`));
        rows.push({ suite: suite.name, scenario: 'all', expected: '—', arrived: `not available: ${why}` });
        continue;
      }
      log(bold(`── ${suite.name}`));
      const from = receiver.arrivals.length;
      const fromAlerts = hook.bodies.length;
      const ctx = {
        root,
        env,
        log,
        text: eventText,
        arrivals: () => receiver.arrivals.slice(from),
        alerts: () => hook.bodies.slice(fromAlerts),
      };
      try {
        if (suite.example) await buildExample(root, suite.example, suite.entries);
        const steps = await suite.run(ctx);
        await sleep(250); // anything late or unexpected still lands in this suite's window
        rows.push(...evaluate(suite.name, steps, ctx.arrivals()));
      } catch (error) {
        const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
        rows.push({
          suite: suite.name,
          scenario: 'run',
          expected: 'runs',
          arrived: message,
          ok: false,
          problem: 'failed',
        });
      }
    }
  } finally {
    await receiver.close();
    await hook.close();
  }
  // FAULTLINE_ENVELOPE_LOG=<file>: every envelope that arrived, for the conformance check
  // (packages/core/test/conformance.test.ts), in the format of test-utils/envelope-log.ts.
  if (process.env.FAULTLINE_ENVELOPE_LOG)
    for (const { headers, items } of receiver.envelopes)
      appendFileSync(
        process.env.FAULTLINE_ENVELOPE_LOG,
        `${JSON.stringify({ source: 'demo', headers, items: items.map(([h, payload]) => ({ type: h.type, payload })) })}\n`,
      );

  const leaked = leakedSecrets(receiver.envelopes, [...Object.values(SECRETS), 'demo-page-token-5f6e7d8c']);
  rows.push({
    suite: 'all',
    scenario: 'secrets',
    expected: 'no secret value in any envelope',
    arrived: leaked.length
      ? `leaked: ${leaked.join(', ')}`
      : `none of ${Object.keys(SECRETS).length + 1} secrets found`,
    ok: leaked.length === 0,
  });

  const durationMs = Date.now() - started;
  const failed = rows.filter((r) => r.ok === false);
  const ran = rows.filter((r) => r.ok !== undefined);
  log('');
  log(bold('Issues'));
  log(renderIssues(receiver.arrivals) || '  none');
  log('');
  log(bold('Triage (faultline-dev: GET /api/issues)'));
  log(dev.formatIssues(receiver.issues()));
  log('');
  log(bold(`Alerts posted to the webhook (${hook.bodies.length})`));
  log(countRules(hook.bodies));
  log('');
  log(bold('Summary'));
  log(renderTable(rows, color));
  log('');
  log(
    `${ran.length - failed.length}/${ran.length} checks passed` +
      `${rows.length > ran.length ? `, ${rows.length - ran.length} not available` : ''}` +
      ` · ${receiver.arrivals.length} arrivals · ${(durationMs / 1000).toFixed(1)} s`,
  );
  return { ok: failed.length === 0, rows, arrivals: receiver.arrivals, durationMs };
}

function indent(text) {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

/** `new_issue ×12 · frequency ×1 · endpoint_spike ×2` */
function countRules(alerts) {
  const counts = new Map();
  for (const alert of alerts) counts.set(alert.rule, (counts.get(alert.rule) ?? 0) + 1);
  return `  ${[...counts].map(([rule, n]) => `${rule} ×${n}`).join(' · ') || 'none'}`;
}
