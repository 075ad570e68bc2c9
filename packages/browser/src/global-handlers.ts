import type { Client, EventInput, Integration, StackFrame } from '@faultline/core';

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
  let remove: (() => void) | undefined;
  return {
    name: 'GlobalHandlers',
    setup(client: Client) {
      const onError = (event: ErrorEvent) => {
        const mechanism = { type: 'onerror', handled: false };
        const error: unknown = event.error;
        if (error !== null && error !== undefined) {
          client.captureException(error, { mechanism });
          return;
        }
        client.captureEvent(eventFromErrorEvent(event), { mechanism });
      };
      const onRejection = (event: PromiseRejectionEvent) => {
        client.captureException(event.reason, {
          mechanism: { type: 'onunhandledrejection', handled: false },
        });
      };
      addEventListener('error', onError);
      addEventListener('unhandledrejection', onRejection);
      remove = () => {
        removeEventListener('error', onError);
        removeEventListener('unhandledrejection', onRejection);
      };
    },
    teardown() {
      remove?.();
      remove = undefined;
    },
  };
}

/** An event for an `error` event that carries no error object (cross-origin "Script error.", old browsers). */
function eventFromErrorEvent(event: ErrorEvent): EventInput {
  const message = typeof event.message === 'string' && event.message ? event.message : 'Unknown error';
  const muted = SCRIPT_ERROR.test(message);
  const frames: StackFrame[] = [];
  if (event.filename) {
    const frame: StackFrame = {
      filename: event.filename,
      abs_path: event.filename,
      function: '?',
      in_app: true,
    };
    if (event.lineno) frame.lineno = event.lineno;
    if (event.colno) frame.colno = event.colno;
    frames.push(frame);
  }
  const mechanism = muted
    ? { type: 'onerror', handled: false, data: { hint: CROSSORIGIN_HINT } }
    : { type: 'onerror', handled: false };
  const input: EventInput = {
    level: 'error',
    exception: {
      values: [
        {
          type: 'Error',
          value: message.replace(/^Uncaught /, ''),
          mechanism,
          ...(frames.length > 0 ? { stacktrace: { frames } } : {}),
        },
      ],
    },
  };
  if (muted) input.extra = { hint: CROSSORIGIN_HINT };
  return input;
}
