import type { Client, Integration } from '@faultline/core';
import { authHeader, envelopeEndpoint } from '@faultline/core/setup';
import { loadPipeline } from './load-pipeline.js';
import { loadedClient, whenLoaded } from './loaded-client.js';
import { DEFAULT_EXIT_FLUSH_TIMEOUT_MS } from './options.js';
import { SDK_NAME, SDK_VERSION } from './sdk-info.js';
import type { SyncTarget } from './sync-deliver.js';

/**
 * Signals that end a Node process by default and that a process is sent to stop it: by a
 * supervisor or a container runtime (SIGTERM), Ctrl-C (SIGINT), a closed terminal (SIGHUP).
 */
const ENDING_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/** Longest delay a timer can hold (2^31 - 1 ms). */
const MAX_TIMER_MS = 2_147_483_647;

export interface ExitFlushOptions {
  /** Longest time spent delivering at exit, all paths together. @default 2000 */
  timeoutMs?: number;
}

/**
 * Delivers what is still queued when the process ends, whichever way it ends:
 * - natural exit: at 'beforeExit' the transport is flushed asynchronously (a ref'd timer keeps
 *   the loop alive for at most the bound while the unref'd sockets work);
 * - `process.exit()`, an uncaught exception, an unhandled rejection: Node runs 'exit'
 *   listeners synchronously and then stops, so the unsent envelopes are taken from the
 *   transport and POSTed by a worker thread while this thread waits (see `deliverSync`);
 * - SIGTERM, SIGINT or SIGHUP with no listener of the app's (the SDK listens once something was
 *   captured): the same synchronous delivery, then the signal is raised again with Node's
 *   default action, so the process dies by that signal exactly as it would have. When the app
 *   listens for the signal, its listener decides.
 * Nothing here keeps a process alive on its own.
 */
export function exitFlushIntegration(options: ExitFlushOptions = {}): Integration {
  // At most what a timer can wait: Node fires a longer timer at once, with a warning on stderr.
  const budget = Math.min(options.timeoutMs ?? DEFAULT_EXIT_FLUSH_TIMEOUT_MS, MAX_TIMER_MS);
  let installed: Array<[string, () => void]> = [];
  let captured = 0;

  const teardown = (): void => {
    for (const [event, listener] of installed) process.off(event, listener);
    installed = [];
  };

  return {
    name: 'ExitFlush',
    setup(client: Client) {
      if (budget <= 0 || installed.length > 0) return;
      // Time left for exit delivery; set when the process starts to end, cleared when a
      // flush succeeds (a 'beforeExit' that is followed by more work starts afresh).
      let deadline: number | undefined;
      let flushing = false;
      // Events seen so far, and how many a completed 'beforeExit' flush had delivered. A flush
      // keeps the loop alive, so 'beforeExit' comes again once it is done: flushing again then
      // with nothing new would never let the process end (a flush that always takes a
      // macrotask, or a client report re-sent after every refused attempt, loops for ever).
      // What is captured without an event (a check-in) is still delivered at 'exit'.
      captured = 0;
      let flushedAt = -1;
      const remaining = (): number => {
        deadline ??= Date.now() + budget;
        return deadline - Date.now();
      };

      const onBeforeExit = (): void => {
        // Nothing captured (the pipeline never loaded): nothing to wait for.
        if (flushing || !loadedClient(client)) return;
        if (captured === flushedAt) return;
        // The app listens too: an asynchronous flush would make Node emit 'beforeExit' once
        // more, and run the app's listener a second time (closing a pool twice throws). What is
        // queued is then delivered at 'exit', synchronously, as for `process.exit()`.
        if (process.listenerCount('beforeExit') > 1) return;
        const left = remaining();
        if (left <= 0) return;
        flushing = true;
        const mark = captured;
        const keepAlive = setTimeout(() => undefined, left);
        client.flush(left).then(
          (ok) => {
            clearTimeout(keepAlive);
            flushing = false;
            if (ok) {
              deadline = undefined;
              flushedAt = mark;
            }
          },
          () => {
            clearTimeout(keepAlive);
            flushing = false;
          },
        );
      };

      const flushNow = (): void => {
        try {
          // Nothing captured: the pipeline never loaded and nothing waits.
          const loaded = loadedClient(client);
          if (!loaded) return;
          // The options of the client `init` returned, which an adapter may have changed since.
          const target = syncTarget(client);
          const transport = loaded.getTransport();
          if (!target || !transport) return;
          const left = remaining();
          if (left <= 0) return;
          const pending = transport.takePending();
          if (pending.length === 0) return;
          // Something was captured, so the pipeline (which holds the exit sender) is loaded.
          const ok = loadPipeline().deliverSync(pending, target, left);
          loaded.logger.debug(ok ? 'delivered at exit' : 'exit delivery timed out or failed');
        } catch (error) {
          client.logger.debug('exit delivery failed', error);
        }
      };

      /** Delivers, then ends the process by `signal`, as Node would have without a listener. */
      const onSignal = (signal: NodeJS.Signals) => (): void => {
        // Another listener means the app handles the signal (and will exit its own way, through
        // 'beforeExit' or 'exit', where delivery happens). Otherwise do what Node would do.
        if (process.listenerCount(signal) > 1) return;
        flushNow();
        teardown();
        try {
          process.kill(process.pid, signal);
        } catch {
          // A signal the platform cannot raise (SIGHUP on Windows): the exit status a shell
          // gives a process it ended.
          process.exit(128 + (process.getBuiltinModule('node:os').constants.signals[signal] ?? 0));
        }
      };

      const mine: Array<[string, () => void]> = [
        ['beforeExit', onBeforeExit],
        ['exit', flushNow],
      ];
      installed = mine;
      for (const [event, listener] of mine) process.on(event, listener);
      // Until something is captured there is nothing to deliver on a signal, and Node's own
      // default is left as it is: a signal listener costs start-up time.
      whenLoaded(client, () => {
        if (installed !== mine) return;
        for (const signal of ENDING_SIGNALS) {
          const listener = onSignal(signal);
          mine.push([signal, listener]);
          process.on(signal, listener);
        }
      });
    },
    processEvent(event) {
      captured++;
      return event;
    },
    teardown,
  };
}

/** Where the default transport sends; undefined for a custom transport (it cannot be replayed). */
function syncTarget(client: Client): SyncTarget | undefined {
  const dsn = client.dsn;
  if (!dsn || client.options.transport) return undefined;
  const sdkClient = `${SDK_NAME}/${SDK_VERSION}`;
  return {
    url: envelopeEndpoint(dsn),
    headers: {
      'content-type': 'application/x-sentry-envelope',
      'user-agent': sdkClient,
      'x-sentry-auth': authHeader(dsn, sdkClient),
    },
  };
}
