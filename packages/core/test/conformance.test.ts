/**
 * Conformance with what Sentry's ingest keeps (`test-utils/ingest-rules.ts`: the published
 * event schema plus the check-in and client-report rules).
 *
 * - Always: every envelope kind the core pipeline sends (error with request, user, tags, a
 *   cause and breadcrumbs; message; check-in with a monitor config; session; client report),
 *   delivered over HTTP to a receiver on 127.0.0.1.
 * - With `FAULTLINE_ENVELOPE_LOG=<file>`: every envelope an SDK pipeline sent that is recorded in
 *   that file by earlier runs (test receivers write each envelope they parse there, and so does
 *   `npm run demo`), e.g.
 *   `FAULTLINE_ENVELOPE_LOG=/tmp/envelopes.jsonl npx vitest run` then this file again.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ENVELOPE_LOG } from '../../../test-utils/envelope-log.js';
import { envelopeProblems } from '../../../test-utils/ingest-rules.js';
import { type Receiver, startReceiver } from '../../../test-utils/receiver.js';
import { sendEveryKind } from './interop/every-kind.js';

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

const asItems = (items: Array<[{ type: string }, unknown]>) =>
  items.map(([headers, payload]) => ({ type: headers.type, payload }));

describe('conformance with the ingest', () => {
  it('every envelope kind the core pipeline sends passes the event schema and the ingest rules', async () => {
    receiver = await startReceiver();
    const sent = await sendEveryKind(receiver.dsn);
    expect(sent.flushed).toBe(true);
    const envelopes = receiver.requests.map((r) => r.envelope);
    const types = new Set(envelopes.flatMap((e) => e.items.map(([h]) => h.type)));
    expect([...types].sort()).toEqual(['check_in', 'client_report', 'event', 'session']);
    expect(envelopes.flatMap((e) => envelopeProblems(asItems(e.items), e.headers))).toEqual([]);
  });

  const log = process.env[ENVELOPE_LOG];
  it.runIf(log !== undefined && existsSync(log))(
    `every envelope recorded in ${ENVELOPE_LOG} passes too`,
    () => {
      // What an SDK pipeline sent names the SDK in its header; tests that post hand-made bytes
      // (to exercise a receiver or an executor) do not, and are not the SDK's output.
      const lines = readFileSync(log as string, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line, n) => ({ n: n + 1, ...JSON.parse(line) }))
        .filter(({ headers }) => /^faultline\./.test(headers?.sdk?.name));
      const problems = lines.flatMap(({ n, source, headers, items }) =>
        envelopeProblems(items, headers).map((problem) => `line ${n} (${source}): ${problem}`),
      );
      expect(lines.length).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    },
  );
});
