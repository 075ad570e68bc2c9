// What the demo sends that must never arrive, and how it reads what did arrive.

/** Secret values the demo puts into requests. None of them may reach the receiver. */
export const SECRETS = {
  bearer: 'demo-bearer-9f8e7d6c5b4a3921',
  cookie: 'demo-cookie-1a2b3c4d5e',
  apiKey: 'demo-apikey-4d5e6f7a8b',
  queryToken: 'demo-query-token-7a8b9c0d',
  password: 'demo-Passw0rd-correct-horse',
  card: '4111111111111111',
  email: 'ada.lovelace@example.com',
  jwt: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJkZW1vLXVzZXIifQ.ZGVtby1zaWduYXR1cmUtdmFsdWU',
  aws: 'AKIAIOSFODNN7DEMOKEY',
};

/** The secrets, placed where real apps carry them. */
export function secretRequest(path) {
  return {
    path: `${path}${path.includes('?') ? '&' : '?'}token=${SECRETS.queryToken}`,
    headers: {
      authorization: `Bearer ${SECRETS.bearer}`,
      cookie: `session=${SECRETS.cookie}`,
      'x-api-key': SECRETS.apiKey,
    },
    body: {
      password: SECRETS.password,
      card: SECRETS.card,
      email: SECRETS.email,
      id_token: SECRETS.jwt,
      aws_access_key_id: SECRETS.aws,
    },
  };
}

/** Secret values found anywhere in what the receiver got. */
export function leakedSecrets(envelopes, secrets = Object.values(SECRETS)) {
  const text = envelopes.map((e) => JSON.stringify(e)).join('\n');
  return secrets.filter((s) => text.includes(s));
}

/** An event's JSON without its breadcrumbs (which mention earlier requests too). */
export function eventText(arrival) {
  if (arrival.kind === 'event') return JSON.stringify({ ...arrival.event, breadcrumbs: undefined });
  if (arrival.kind === 'check_in') return JSON.stringify(arrival.checkIn);
  return '';
}

/** `users.ts:14` from `/abs/path/users.ts:14:28` or `app:///src/users.ts:14:28`. */
export function shortFrame(frame) {
  if (!frame) return undefined;
  const m = /([^/\\]+):(\d+|\?):(\d+|\?)$/.exec(frame);
  return m ? `${m[1]}:${m[2]}` : frame;
}

/** The HTTP status an event names: its tag, its response context, or a number in its message. */
export function statusOf(arrival) {
  const event = arrival.event;
  const status =
    arrival.status ??
    event?.contexts?.response?.status_code ??
    /^HTTP ([45]\d\d)\b/.exec(arrival.message ?? '')?.[1];
  return status === undefined ? undefined : String(status);
}

/** One line for a set of events: issues with counts, top frame, route and status. */
export function describeEvents(arrivals) {
  const events = arrivals.filter((a) => a.kind === 'event');
  if (!events.length) return 'nothing';
  const groups = new Map();
  for (const a of events) {
    const g = groups.get(a.group) ?? { first: a, count: 0 };
    g.count += 1;
    groups.set(a.group, g);
  }
  return [...groups.values()]
    .map(({ first: a, count }) => {
      const parts = [a.type === 'Message' ? `${a.level} "${truncate(a.message, 48)}"` : `${a.type}`];
      if (count > 1) parts[0] += ` ×${count}`;
      const frame = shortFrame(a.frame);
      if (frame && a.type !== 'Message') parts.push(frame);
      if (a.transaction) parts.push(a.transaction);
      const status = statusOf(a);
      if (status && !parts.some((p) => p.includes(status))) parts.push(status);
      if (a.handled === false) parts.push('unhandled');
      return parts.join(' · ');
    })
    .join('; ');
}

/**
 * Issues as a backend would count them for one app: the receiver's grouping (fingerprint, or
 * type + top frame), kept apart per release because every example is its own app here.
 */
export function issueKey(arrival) {
  return `${arrival.event?.release ?? ''}\u0000${arrival.group}`;
}

/** `in_progress → ok` per check-in id, in arrival order. */
export function checkInSequences(arrivals, slug) {
  const runs = new Map();
  for (const a of arrivals) {
    if (a.kind !== 'check_in' || (slug && a.slug !== slug)) continue;
    const run = runs.get(a.checkInId) ?? [];
    run.push(a.status);
    runs.set(a.checkInId, run);
  }
  return [...runs.values()].map((statuses) => statuses.join(' → '));
}

/** Where an event says `[Filtered]`: header names, query and body keys. */
export function filteredFields(event) {
  const found = new Set();
  const walk = (value, key) => {
    if (typeof value === 'string') {
      if (value === '[Filtered]' && key) found.add(key);
      else for (const m of value.matchAll(/([\w.-]+)=\[Filtered\]/g)) found.add(m[1]);
    } else if (Array.isArray(value)) {
      // query_string may be a list of [key, value] pairs.
      if (value.length === 2 && typeof value[0] === 'string' && value[1] === '[Filtered]')
        found.add(value[0]);
      else for (const v of value) walk(v, key);
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, k);
    }
  };
  walk(event?.request);
  return [...found];
}

export function truncate(text, max) {
  const s = String(text ?? '');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/**
 * Assigns arrivals to expected steps and turns them into summary rows. A step expects `count`
 * events (0: none) whose text contains its marker; `check` may add a problem; whatever arrived
 * and belongs to no step is reported as unexpected.
 */
export function evaluate(suite, steps, arrivals) {
  const claimed = new Set();
  const rows = steps.map((step) => {
    const mine = arrivals.filter((a) => a.kind !== 'client_report' && step.match(a));
    for (const a of mine) claimed.add(a);
    const events = mine.filter((a) => a.kind === 'event');
    let problem;
    if (step.count === 0 && events.length) problem = 'should not have been reported';
    else if (step.count > 0 && events.length < step.count)
      problem = `expected ${step.count}, got ${events.length}`;
    problem ??= step.check?.(mine);
    const arrived = step.describe ? step.describe(mine) : describeEvents(mine);
    return { suite, scenario: step.scenario, expected: step.expected, arrived, ok: !problem, problem };
  });
  const extra = arrivals.filter((a) => a.kind !== 'client_report' && !claimed.has(a));
  if (extra.length) {
    rows.push({
      suite,
      scenario: 'nothing else',
      expected: 'no other events',
      arrived: describeEvents(extra) === 'nothing' ? `${extra.length} check-ins` : describeEvents(extra),
      ok: false,
      problem: 'unexpected arrivals',
    });
  }
  return rows;
}

/** Polls `predicate` until it holds or `timeoutMs` passes. */
export async function waitFor(predicate, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (predicate()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return predicate();
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
