import type { Client, Integration } from '@faultline/core';
import { emitRejectionWarning, rejectionMode } from './rejection-mode.js';

/**
 * Reports uncaught exceptions and unhandled rejections (`handled: false`, level `fatal`) and
 * leaves everything else as Node does it.
 *
 * Uncaught exceptions are seen through 'uncaughtExceptionMonitor', which changes nothing: Node
 * still prints the error and exits with code 1, or calls the app's own 'uncaughtException'
 * listeners. Rejections need an 'unhandledRejection' listener, and having one turns Node's own
 * handling off, so the listener reproduces the `--unhandled-rejections` mode whenever it is the
 * only one:
 * - `throw` (default): the reason is rejected again on a fresh promise after this listener has
 *   stepped aside, so Node itself raises it as an uncaught exception, with its own output;
 * - `warn-with-error-code`: Node's two warnings are printed and exit code 1 is set;
 * - `strict`: Node raised it as an uncaught exception before emitting the event, where the
 *   monitor caught it; only the warning it prints afterwards is reproduced;
 * - `warn` and `none`: nothing to do, Node does not look at listeners there.
 * (Modes as implemented in Node's lib/internal/process/promises.js.)
 * With a listener of the app's, the app decides, as it would without the SDK.
 */
export function globalHandlersIntegration(): Integration {
  let teardown: (() => void) | undefined;
  return {
    name: 'GlobalHandlers',
    setup(client: Client) {
      if (teardown) return;
      const mode = rejectionMode(process.execArgv, process.env.NODE_OPTIONS);
      const capture = (error: unknown, type: string): void => {
        client.captureException(error, { mechanism: { type, handled: false }, level: 'fatal' });
      };
      let active = true;
      let listening = false;
      let rejectionId = 0;
      /** Reasons rejected again for Node to handle, not yet seen as uncaught exceptions. */
      const reraised: unknown[] = [];

      const listen = (): void => {
        if (active && !listening) process.on('unhandledRejection', onRejection);
        listening = active;
      };
      const unlisten = (): void => {
        process.off('unhandledRejection', onRejection);
        listening = false;
      };

      const onUncaught = (error: unknown, origin: string): void => {
        if (origin !== 'unhandledRejection') {
          capture(error, 'onuncaughtexception');
          return;
        }
        // A re-raised reason is captured here rather than in the listener: Node has built its
        // report (the source line it points at) by now, and reading `stack` earlier would
        // have cost it that line. The original reason beats Node's wrapper for non-errors.
        capture(
          reraised.length > 0 ? reraised.shift() : (wrappedReason(error) ?? error),
          'onunhandledrejection',
        );
      };

      function onRejection(reason: unknown): void {
        rejectionId++;
        const alone = process.listenerCount('unhandledRejection') === 1;
        if (mode === 'strict') {
          // Node raised it as an uncaught exception already (the monitor reported it); it warns
          // now only if nobody listens, which this listener would otherwise prevent.
          if (alone) emitRejectionWarning(reason, rejectionId);
          return;
        }
        if (alone && mode === 'throw') {
          reraise(reason);
          return;
        }
        capture(reason, 'onunhandledrejection');
        // `warn` warns whatever the listeners, `none` never; `warn-with-error-code` only when
        // nobody listens.
        if (alone && mode === 'warn-with-error-code') {
          emitRejectionWarning(reason, rejectionId);
          process.exitCode = 1;
        }
      }

      function reraise(reason: unknown): void {
        reraised.push(reason);
        // Node handles this promise in its next round of rejection processing; by then the
        // listener is gone (removed after the current round, so rejections of this round
        // still reach it) and Node's own 'throw' handling runs. If the app survives that
        // (an 'uncaughtException' listener), the listener comes back.
        Promise.reject(reason);
        if (reraised.length > 1) return;
        process.nextTick(unlisten);
        setImmediate(() => {
          // Whatever Node did not raise (an app listener appeared meanwhile) is still reported.
          for (const left of reraised.splice(0)) capture(left, 'onunhandledrejection');
          listen();
        });
      }

      process.on('uncaughtExceptionMonitor', onUncaught);
      listen();
      teardown = () => {
        active = false;
        process.off('uncaughtExceptionMonitor', onUncaught);
        unlisten();
      };
    },
    teardown() {
      teardown?.();
      teardown = undefined;
    },
  };
}

/**
 * The reason Node's wrapper of a rejected non-error names (`--unhandled-rejections=strict` raises
 * it as `UnhandledPromiseRejection`, code `ERR_UNHANDLED_REJECTION`, without the reason itself,
 * only its text in the message): a string or a number reads as the reason, so the event is the
 * one the default mode sends and groups with it. Anything else (`[object Object]`) stays wrapped.
 */
function wrappedReason(error: unknown): string | undefined {
  try {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (code !== 'ERR_UNHANDLED_REJECTION' || typeof message !== 'string') return undefined;
    const reason = /The promise rejected with the reason "([\s\S]*)"\.$/.exec(message)?.[1];
    return reason === undefined || /^\[object \w+\]$/.test(reason) ? undefined : reason;
  } catch {
    return undefined;
  }
}
