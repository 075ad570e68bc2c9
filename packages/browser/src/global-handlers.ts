import type { Client } from '@faultline/core';
import { frameAt } from '@faultline/core/front';
import type { Integration } from './options.js';
import { hooks, listen } from './patch.js';

/**
 * What browsers report for an error thrown by a script from another origin loaded without CORS:
 * message, file and position are hidden (HTML standard, "muted errors").
 */
const SCRIPT_ERROR = /^Script error\.?$/;

export const CROSSORIGIN_HINT =
  'A cross-origin script hid its error: load it with crossorigin="anonymous" and CORS headers';

/**
 * Reports what the page does not catch: `error` events (uncaught exceptions) with mechanism
 * `onerror`, and `unhandledrejection` events, whatever the rejection reason, with mechanism
 * `onunhandledrejection`; both `handled: false`. An `error` event without an error object
 * (cross-origin "Script error.", old browsers) is reported from its message and position.
 */
export function globalHandlersIntegration(): Integration {
  return hooks('GlobalHandlers', (client) =>
    UNCAUGHT.map((type) => listen(window, type, (event: Uncaught) => reportUncaught(client, type, event))),
  );
}

/** The window events that tell of what the page did not catch. */
export const UNCAUGHT = ['error', 'unhandledrejection'];

/** An `error` or `unhandledrejection` event, as the handlers read it. */
export type Uncaught = ErrorEvent & PromiseRejectionEvent;

/** Reports one uncaught `error` or `unhandledrejection` event through `client`. */
export function reportUncaught(
  client: Pick<Client, 'captureException' | 'captureEvent'>,
  type: string,
  event: Uncaught,
): void {
  const mechanism = { type: `on${type}`, handled: false };
  const { error = event.reason, message, filename, lineno, colno } = event;
  if (error != null || type !== 'error') {
    // Where the browser says it was thrown: the frame of an error whose stack has none (a script
    // that failed to parse, `throw { code: 7 }`).
    client.captureException(
      error,
      filename ? { mechanism, thrownAt: { filename, lineno, colno } } : { mechanism },
    );
    return;
  }
  const value = String(message || 'Unknown error').replace(/^Uncaught /, '');
  const data = SCRIPT_ERROR.test(value) && { hint: CROSSORIGIN_HINT };
  client.captureEvent(
    {
      exception: {
        values: [
          {
            type: 'Error',
            value,
            mechanism: { ...mechanism, ...(data && { data }) },
            ...(filename && { stacktrace: { frames: [frameAt(filename, lineno, colno)] } }),
          },
        ],
      },
      ...(data && { extra: data }),
    },
    { mechanism },
  );
}
