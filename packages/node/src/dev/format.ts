import type { Alert } from './alerts.js';
import type { Arrival } from './arrivals.js';
import type { IssueSummary } from './issues.js';

const LEVEL_COLOR: Record<string, string> = {
  fatal: '35',
  error: '31',
  warning: '33',
  info: '36',
  debug: '90',
};

const PRIORITY_COLOR = { P0: '1;31', P1: '31', P2: '33', P3: '90' } as const;

/** A few readable lines per arrival, for a developer's terminal. */
export function formatArrival(arrival: Arrival, color = false): string {
  const paint = (code: string, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  if (arrival.kind === 'check_in') {
    const duration = arrival.duration === undefined ? '' : ` in ${arrival.duration.toFixed(2)} s`;
    const code = arrival.status === 'error' ? '31' : arrival.status === 'ok' ? '32' : '36';
    return `${paint('1', 'check-in')} ${arrival.slug} ${paint(code, arrival.status)}${duration}  (${arrival.checkInId.slice(0, 8)})`;
  }
  if (arrival.kind === 'client_report') {
    const drops = arrival.discarded.map((d) => `${d.quantity} ${d.category} (${d.reason})`).join(', ');
    return `${paint('1', 'client report')} dropped: ${drops || 'nothing'}`;
  }
  const badge = arrival.seen === 1 ? paint('1;32', 'NEW') : paint('1;33', `seen ${arrival.seen}×`);
  const priority = arrival.priority ? ` · ${paint(PRIORITY_COLOR[arrival.priority], arrival.priority)}` : '';
  const lines = [
    `${paint(LEVEL_COLOR[arrival.level] ?? '0', arrival.level.toUpperCase())} ${paint('1', arrival.type)}: ${arrival.message}  [${badge}${priority}]`,
  ];
  if (arrival.frame)
    lines.push(`    at ${arrival.frame}${arrival.sourceLine ? `  │ ${arrival.sourceLine}` : ''}`);
  const facts = [
    arrival.transaction && `route ${arrival.transaction}`,
    arrival.status && `status ${arrival.status}`,
    arrival.userId && `user ${arrival.userId}`,
    arrival.environment && `env ${arrival.environment}`,
    arrival.release && `release ${arrival.release}`,
    arrival.mechanism && `${arrival.mechanism}${arrival.handled === false ? ' (unhandled)' : ''}`,
  ].filter(Boolean);
  if (facts.length) lines.push(`    ${facts.join(' · ')}`);
  return lines.join('\n');
}

/** The JSON-lines form: the summary without the full payload, plus the event id to find it. */
export function arrivalJson(arrival: Arrival): string {
  if (arrival.kind === 'event') {
    const { event: _event, ...summary } = arrival;
    return JSON.stringify(summary);
  }
  if (arrival.kind === 'check_in') {
    const { checkIn: _checkIn, ...summary } = arrival;
    return JSON.stringify(summary);
  }
  const { report: _report, ...summary } = arrival;
  return JSON.stringify(summary);
}

/** One line per alert raised. */
export function formatAlert(alert: Alert, color = false): string {
  const label = color ? `\u001b[1;35mALERT ${alert.rule}\u001b[0m` : `ALERT ${alert.rule}`;
  return `${label} ${alert.text}`;
}

/** The issue list as a table: priority, count, users, title, route, first release, why. */
export function formatIssues(issues: IssueSummary[]): string {
  if (!issues.length) return '  no issues';
  const rows = issues.map((i) => [
    i.priority,
    String(i.count),
    String(i.users),
    i.title.length > 60 ? `${i.title.slice(0, 59)}…` : i.title,
    i.route ?? '',
    i.firstRelease ?? '',
    i.reason,
  ]);
  const head = ['prio', 'count', 'users', 'issue', 'route', 'first release', 'why'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)));
  const line = (cells: string[]) =>
    `  ${cells.map((cell, c) => (c === 1 || c === 2 ? cell.padStart(widths[c] as number) : cell.padEnd(widths[c] as number))).join('  ')}`.trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}
