import type { Client } from '@faultline/core';
import { type ActivationContext, displayName, remainingMs } from './activation.js';
import { DEADLINE_MARGIN_MS } from './options.js';

/** Longest delay a timer can hold (2^31 - 1 ms). */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Arms a timer that reports a likely timeout `thresholdMs` before the deadline and flushes at
 * once: the invoker stops waiting at the deadline and destroys the container, so there is no
 * later chance. An activation that starts with less than `thresholdMs` left (a time limit
 * shorter than the threshold) is warned about halfway to the deadline, if it still runs then,
 * leaving the other half to deliver the warning. Returns the function that disarms it. No
 * deadline (outside OpenWhisk, or a numeric deadline the proxy did not copy) or one too close
 * to deliver anything before it: nothing is armed.
 */
export function armTimeoutWarning(
  client: Client,
  context: ActivationContext,
  thresholdMs: number,
  report: (message: string, extra: Record<string, unknown>) => void,
): () => void {
  const left = remainingMs(context) ?? Number.NaN;
  let delay = left - thresholdMs;
  if (delay <= 0) delay = (left - DEADLINE_MARGIN_MS) / 2;
  // Past or too close, or further away than a timer can wait (Node would fire it at once).
  if (!(delay > 0 && delay <= MAX_TIMER_MS)) return () => {};
  const timer = setTimeout(() => {
    try {
      const now = Date.now();
      const elapsed = now - context.startedAt;
      const remaining = context.deadline - now;
      report(
        `Possible action timeout: ${displayName(context)} has run for ${elapsed} ms, ${remaining} ms left`,
        {
          elapsed_ms: elapsed,
          remaining_ms: remaining,
        },
      );
    } catch (error) {
      client.logger.debug('timeout warning failed', error);
    }
  }, delay);
  // Never keep a warm container's process busy on our account.
  timer.unref();
  return () => clearTimeout(timer);
}

/** How long the activation may wait for its events: `maxMs`, cut to 100 ms before the deadline. */
export function flushBound(context: ActivationContext, maxMs: number): number {
  const left = remainingMs(context);
  const bound = Math.min(maxMs, left === undefined ? maxMs : left - DEADLINE_MARGIN_MS);
  if (!(bound > 0)) return 0;
  return bound;
}
