// The summary printed at the end of the demo.
import { issueKey, shortFrame, statusOf, truncate } from './checks.mjs';

export function renderTable(rows, color) {
  const paint = (code, text) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const head = ['', 'scenario', 'expected', 'arrived'];
  const body = rows.map((r) => [
    r.ok === undefined ? 'n/a' : r.ok ? 'ok' : 'FAIL',
    `${r.suite}: ${r.scenario}`,
    r.expected,
    r.problem ? `${r.arrived}  ← ${r.problem}` : r.arrived,
  ]);
  const widths = head.map((h, i) =>
    Math.min([4, 44, 46, 170][i], Math.max(h.length, ...body.map((b) => b[i].length))),
  );
  const line = (cells) =>
    cells
      .map((c, i) => truncate(c, widths[i]).padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const out = [line(head), widths.map((w) => '─'.repeat(w)).join('  ')];
  for (const b of body) {
    const text = line(b);
    out.push(b[0] === 'ok' ? text : b[0] === 'FAIL' ? paint('31', text) : paint('33', text));
  }
  return out.join('\n');
}

/** Every issue (group of events) seen during the demo, most frequent first. */
export function renderIssues(arrivals) {
  const groups = new Map();
  for (const a of arrivals) {
    if (a.kind !== 'event') continue;
    const g = groups.get(issueKey(a)) ?? { first: a, count: 0 };
    g.count += 1;
    groups.set(issueKey(a), g);
  }
  return [...groups.values()]
    .sort((x, y) => y.count - x.count)
    .map(({ first: a, count }) => {
      const where = [a.release, shortFrame(a.frame), a.transaction, statusOf(a)].filter(Boolean).join(' · ');
      return `  ${String(count).padStart(2)}×  ${truncate(`${a.type}: ${a.message}`, 90)}${where ? `  (${where})` : ''}`;
    })
    .join('\n');
}
