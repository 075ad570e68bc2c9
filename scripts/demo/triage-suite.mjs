// Triage: priorities and alerts. A shop app names `POST /checkout` critical; 60 buyers fail to
// check out, a dependency (croner) throws once, search errors go from a trickle to a burst. The
// receiver gives each issue its priority and posts the alerts to the demo's webhook receiver.
import { join } from 'node:path';
import { waitFor } from './checks.mjs';
import { runCommand } from './proc.mjs';

const RELEASE = 'shop@2.4.0';
/** The alert window the demo's receiver uses (run.mjs), so a spike shows within seconds. */
export const DEMO_ALERT_WINDOW_MS = 2000;

const ofRoute = (route) => (a) => a.kind === 'event' && a.release === RELEASE && a.transaction === route;
const users = (arrivals) => new Set(arrivals.map((a) => a.userId)).size;
const groups = (arrivals) => new Set(arrivals.map((a) => a.group)).size;
const priority = (arrivals) => arrivals.at(-1)?.priority ?? 'no priority';
const summary = (arrivals) =>
  arrivals.length
    ? `${groups(arrivals)} issue, ${arrivals.length}× · ${users(arrivals)} users · ${priority(arrivals)}`
    : 'nothing';

export const triageSuite = {
  name: 'triage',
  needs: ['node'],
  async run(ctx) {
    const app = join(ctx.root, 'scripts/demo/triage-app.mjs');
    const env = { ...ctx.env, FAULTLINE_RELEASE: RELEASE };
    const run = await runCommand(process.execPath, [app, String(DEMO_ALERT_WINDOW_MS + 200)], {
      cwd: ctx.root,
      env,
    });
    ctx.log(`  node scripts/demo/triage-app.mjs → exit ${run.code}${run.stderr ? `\n${run.stderr}` : ''}`);
    await waitFor(() => ctx.arrivals().filter((a) => a.kind === 'event').length >= 79, 5000);
    // Alerts are posted after the events that raise them.
    await waitFor(
      () => ctx.alerts().some((a) => a.rule === 'endpoint_spike' && a.route === 'GET /search'),
      3000,
    );
    const alerts = () => ctx.alerts();
    const rules = () => alerts().map((a) => `${a.rule}${a.route ? ` ${a.route}` : ''}`);
    return [
      {
        scenario: 'critical flow: 60 buyers fail POST /checkout',
        expected: `1 issue, 60× · 60 users · P0`,
        match: ofRoute('POST /checkout'),
        count: 60,
        describe: summary,
        check: (arrivals) =>
          groups(arrivals) !== 1 || users(arrivals) !== 60
            ? 'not one issue of 60 users'
            : priority(arrivals) !== 'P0'
              ? `priority ${priority(arrivals)}`
              : arrivals.every((a) => a.event.tags?.critical === 'true')
                ? undefined
                : 'critical tag missing',
      },
      {
        scenario: 'third-party: croner throws inside node_modules',
        expected: 'third_party tag · P3',
        match: ofRoute('POST /reminders'),
        count: 1,
        describe: (arrivals) =>
          `${arrivals[0]?.event.tags?.third_party === 'true' ? 'third_party tag' : 'no tag'} · ${priority(arrivals)}`,
        check: (arrivals) =>
          arrivals[0]?.event.tags?.third_party !== 'true'
            ? 'third_party tag missing'
            : priority(arrivals) === 'P3'
              ? undefined
              : `priority ${priority(arrivals)}`,
      },
      {
        scenario: 'GET /search: 3 errors, then a burst of 15',
        expected: '1 issue, 18×',
        match: ofRoute('GET /search'),
        count: 18,
        describe: summary,
      },
      {
        scenario: 'alerts posted to the webhook',
        expected: 'new_issue ×3, frequency (checkout), endpoint_spike GET /search',
        match: () => false,
        describe: () => rules().join(', ') || 'none',
        check: () => {
          const got = rules();
          const missing = [
            got.filter((r) => r === 'new_issue').length >= 3 ? undefined : 'new_issue ×3',
            alerts().some((a) => a.rule === 'frequency' && a.issue?.route === 'POST /checkout')
              ? undefined
              : 'frequency',
            got.includes('endpoint_spike GET /search') ? undefined : 'endpoint_spike GET /search',
          ].filter(Boolean);
          return missing.length ? `missing ${missing.join(', ')}` : undefined;
        },
      },
    ];
  },
};
