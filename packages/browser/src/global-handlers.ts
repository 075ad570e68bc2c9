import type { EventInput, StackFrame } from '@faultline/core';
import type { BrowserClient } from './client.js';
import type { Integration } from './options.js';
import { listen, undoAll } from './patch.js';

/**
 * What browsers report for an error thrown by a script from another origin loaded without CORS:
 * message, file and position are hidden (HTML standard, "muted errors").
 */
const SCRIPT_ERROR = /^(?:Uncaught )?Script error\.?$/;

export const CROSSORIGIN_HINT =
  'The browser hid this error because it came from a script on another origin. Load that script ' +
  'with crossorigin="anonymous" and serve it with an Access-Control-Allow-Origin header to see ' +
  'the message and stack.';

/**
 * Reports what the page does not catch: `error` events (uncaught exceptions) with mechanism
 * `onerror`, and `unhandledrejection` events, whatever the rejection reason, with mechanism
 * `onunhandledrejection`; both `handled: false`.
 */
export function globalHandlersIntegration(): Integration {
  const undo: Array<() => void> = [];
  return {
    name: 'GlobalHandlers',
    setup(client: BrowserClient) {
      undo.push(
        listen(window, 'error', (event: ErrorEvent) => {
          const hint = { mechanism: { type: 'onerror', handled: false } };
          const error: unknown = event.error;
          if (error !== null && error !== undefined) client.captureException(error, hint);
          else client.captureEvent(eventFromErrorEvent(event), hint);
        }),
        listen(window, 'unhandledrejection', (event: PromiseRejectionEvent) =>
          client.captureException(event.reason, {
            mechanism: { type: 'onunhandledrejection', handled: false },
          }),
        ),
      );
    },
    teardown: () => undoAll(undo),
  };
}

/** An event for an `error` event that carries no error object (cross-origin "Script error.", old browsers). */
function eventFromErrorEvent({ message, filename, lineno, colno }: ErrorEvent): EventInput {
  const text = String(message || 'Unknown error');
  const data = SCRIPT_ERROR.test(text) ? { hint: CROSSORIGIN_HINT } : undefined;
  const frame: StackFrame = { filename, abs_path: filename, function: '?', in_app: true, lineno, colno };
  return {
    exception: {
      values: [
        {
          type: 'Error',
          value: text.replace(/^Uncaught /, ''),
          mechanism: { type: 'onerror', handled: false, ...(data && { data }) },
          ...(filename && { stacktrace: { frames: [frame] } }),
        },
      ],
    },
    ...(data && { extra: data }),
  };
}
