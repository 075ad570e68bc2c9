// express and fastify: the same failure scenarios against each example API.
import { join } from 'node:path';
import {
  describeEvents,
  filteredFields,
  issueKey,
  secretRequest,
  shortFrame,
  statusOf,
  waitFor,
} from './checks.mjs';
import { request, startServer } from './proc.mjs';

const frameIn = (file) => (events) => {
  const top = events.find((a) => a.kind === 'event');
  if (!top) return undefined;
  const frame = shortFrame(top.frame) ?? 'no frame';
  return frame.startsWith(`${file}:`) ? undefined : `top frame ${frame}, expected ${file} (source maps)`;
};
const statusIs = (status) => (events) => {
  const top = events.find((a) => a.kind === 'event');
  return !top || statusOf(top) === String(status) ? undefined : `status ${statusOf(top) ?? 'missing'}`;
};

/** A step: one request, what should arrive for it. */
const step = (id, scenario, method, path, expected, count, extra = {}) => ({
  id,
  scenario,
  method,
  path,
  expected,
  count,
  ...extra,
});

const EXPRESS = [
  step('ok', 'success', 'GET', '/users/1', 'nothing', 0),
  step('throw', 'thrown error → 500', 'GET', '/users/2', 'TypeError · users.ts · GET /users/:id · 500', 1, {
    check: frameIn('users.ts'),
  }),
  step('async', 'async failure → 500', 'GET', '/orders/broken', 'Error · users.ts · GET /orders/:id', 1, {
    check: frameIn('users.ts'),
  }),
  step('again', 'same bug again', 'GET', '/users/2', 'same issue, seen 2×', 1, {
    sameIssueAs: 'throw',
  }),
  step('401', '401 (opted in)', 'GET', '/admin', 'message · GET /admin · 401', 1, { check: statusIs(401) }),
  step('403', '403 (opted in)', 'GET', '/reports', 'message · GET /reports · 403', 1, {
    check: statusIs(403),
  }),
  step('404', '404', 'GET', '/wp-login.php', 'nothing (404s are noise)', 0),
  step('503', '503 sent without a throw', 'GET', '/maintenance', 'message · GET /maintenance · 503', 1, {
    check: statusIs(503),
  }),
  step(
    'secrets',
    'secrets in the request',
    'POST',
    '/checkout',
    'TypeError, credentials [Filtered], no secret sent',
    1,
    {
      secrets: true,
    },
  ),
];

const FASTIFY = [
  step('ok', 'success', 'GET', '/products/tea/price', 'nothing', 0),
  step('throw', 'thrown error → 500', 'GET', '/products/mug/price', 'TypeError · catalog.ts · 500', 1, {
    check: frameIn('catalog.ts'),
  }),
  step(
    'async',
    'async failure → 500',
    'POST',
    '/reservations',
    'RangeError · catalog.ts · POST /reservations',
    1,
    {
      body: { sku: 'tea', quantity: 20 },
      check: frameIn('catalog.ts'),
    },
  ),
  step('again', 'same bug again', 'GET', '/products/mug/price', 'same issue, seen 2×', 1, {
    sameIssueAs: 'throw',
  }),
  step('401', '401 (opted in)', 'GET', '/admin', 'message · GET /admin · 401', 1, { check: statusIs(401) }),
  step('403', '403 (opted in)', 'GET', '/reports', 'message · GET /reports · 403', 1, {
    check: statusIs(403),
  }),
  step('404', '404', 'GET', '/wp-login.php', 'nothing (404s are noise)', 0),
  step('503', '503 sent without a throw', 'GET', '/maintenance', 'message · GET /maintenance · 503', 1, {
    check: statusIs(503),
  }),
  step(
    'secrets',
    'secrets in the request',
    'POST',
    '/reservations',
    'RangeError, credentials [Filtered], no secret sent',
    1,
    {
      secrets: true,
      body: { sku: 'tea', quantity: 50 },
    },
  ),
];

const describeScrub = (events) => {
  const top = events.find((a) => a.kind === 'event');
  if (!top) return 'nothing';
  const fields = filteredFields(top.event);
  const filtered = fields.length ? `${fields.join(', ')}: [Filtered]` : 'nothing marked [Filtered]';
  // Bodies are personal data: without sendDefaultPii they are not sent at all.
  const body = top.event.request?.data === undefined ? ' · body not sent' : '';
  return `${describeEvents(events)} · ${filtered}${body}`;
};
const checkScrub = (events) => {
  const top = events.find((a) => a.kind === 'event');
  if (!top) return undefined;
  const fields = filteredFields(top.event).map((f) => f.toLowerCase());
  const missing = ['authorization', 'cookie', 'x-api-key', 'token'].filter((f) => !fields.includes(f));
  return missing.length ? `not marked [Filtered]: ${missing.join(', ')}` : undefined;
};

function httpSuite(name, steps) {
  return {
    name,
    needs: ['node'],
    example: name,
    entries: ['src/server.ts'],
    async run(ctx) {
      const cwd = join(ctx.root, 'examples', name);
      const server = startServer(process.execPath, ['dist/server.js'], {
        cwd,
        env: { ...ctx.env, PORT: '0' },
      });
      const defs = steps.map((s) => ({ ...s, marker: `demo-${name}-${s.id}` }));
      try {
        const base = await server.url;
        for (const s of defs) {
          const secret = s.secrets ? secretRequest(s.path) : undefined;
          const path = secret?.path ?? s.path;
          const res = await request(`${base}${path}${path.includes('?') ? '&' : '?'}request_id=${s.marker}`, {
            method: s.method,
            headers: {
              'x-request-id': s.marker,
              'x-user-id': s.id === 'secrets' ? '7' : '1',
              ...secret?.headers,
            },
            body: secret ? { ...s.body, ...secret.body } : s.body,
          });
          s.responseStatus = res.status;
          ctx.log(`  ${s.method} ${s.path} → ${res.status}`);
        }
        const expected = defs.filter((s) => s.count > 0);
        await waitFor(
          () => expected.every((s) => ctx.arrivals().some((a) => ctx.text(a).includes(s.marker))),
          5000,
        );
      } finally {
        await server.stop();
      }
      const byId = new Map(defs.map((s) => [s.id, s]));
      const eventFor = (s) =>
        ctx.arrivals().find((a) => a.kind === 'event' && ctx.text(a).includes(s.marker));
      const sameIssue = (s) => (events) => {
        const first = eventFor(byId.get(s.sameIssueAs));
        return first && events[0] && issueKey(first) === issueKey(events[0])
          ? undefined
          : 'not grouped with the first one';
      };
      const issueCount = (events) => {
        const count = ctx.arrivals().filter((a) => events[0] && issueKey(a) === issueKey(events[0])).length;
        return events.length ? `${describeEvents(events)} · issue seen ${count}×` : 'nothing';
      };
      const plain = (s) => (events) =>
        events.length ? describeEvents(events) : `nothing (answered ${s.responseStatus})`;
      return defs.map((s) => ({
        ...s,
        match: (a) => ctx.text(a).includes(s.marker),
        describe: s.secrets ? describeScrub : s.sameIssueAs ? issueCount : plain(s),
        check: s.secrets ? checkScrub : s.sameIssueAs ? sameIssue(s) : s.check,
      }));
    },
  };
}

export const expressSuite = httpSuite('express', EXPRESS);
export const fastifySuite = httpSuite('fastify', FASTIFY);
