/**
 * One transport that delivers to several (e.g. Sentry and a team webhook). Each keeps its own
 * queue, rate limits and drop counts.
 */
import type { Transport } from './transport.js';

/** Calls `fn` on each transport, so that one that throws cannot stop the others. */
function each(transports: readonly Transport[], fn: (transport: Transport) => void): void {
  for (const transport of transports) {
    try {
      fn(transport);
    } catch {
      // A transport must not throw; if one does anyway, the others still get the call.
    }
  }
}

async function all(
  transports: readonly Transport[],
  fn: (transport: Transport) => Promise<boolean>,
): Promise<boolean> {
  const results = await Promise.all(
    transports.map(async (transport) => {
      try {
        return (await fn(transport)) === true;
      } catch {
        return false;
      }
    }),
  );
  return results.every(Boolean);
}

/** Sends every envelope to each transport; flush/close resolve true only if all of them do. */
export function multiplexTransport(transports: Transport[]): Transport {
  const targets = [...transports];
  return {
    send: (envelope) => each(targets, (t) => t.send(envelope)),
    recordDroppedEvent: (reason, category, quantity) =>
      each(targets, (t) => t.recordDroppedEvent(reason, category, quantity)),
    flush: (timeoutMs) => all(targets, (t) => t.flush(timeoutMs)),
    close: (timeoutMs) => all(targets, (t) => t.close(timeoutMs)),
    takePending() {
      const out: Uint8Array[] = [];
      each(targets, (t) => {
        out.push(...t.takePending());
      });
      return out;
    },
  };
}
