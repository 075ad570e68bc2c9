/**
 * Public parts whose work happens only once events are built: here they are small stand-ins
 * that load the pipeline (pipeline.ts) at their first real use, so `require` and `init` stay
 * cheap.
 */
import type { Client, Integration, RequestData, TransportExecutor, TriageOptions } from '@faultline/core';
import type { HttpExecutorOptions } from './http-executor.js';
import { loadPipeline, type Pipeline } from './load-pipeline.js';
import type { RequestParts } from './request-context.js';
import type { SourceMapsOptions } from './source-maps.js';
import type { UndiciExecutorOptions } from './undici-executor.js';

/** An integration whose only work is on events: the real one is created (and set up) at the first event. */
function deferredIntegration(name: string, create: () => Integration): Integration {
  let real: Integration | undefined;
  return {
    name,
    processEvent(event, hint, client) {
      if (!real) {
        real = create();
        real.setup?.(client);
      }
      return real.processEvent ? real.processEvent(event, hint, client) : event;
    },
    teardown() {
      real?.teardown?.();
    },
  };
}

/**
 * Adds what the process runs on: `runtime` (node and its version), `os`, `device` (arch, CPUs,
 * memory) and `app` (start time, memory in use). The host name goes in `server_name` only with
 * `sendDefaultPii`, since it can name a person's machine. Values the app set itself win.
 */
export function contextsIntegration(): Integration {
  return deferredIntegration('Contexts', () => loadPipeline().contextsIntegration());
}

/**
 * Core's triage tags (`critical` for the app's critical flows, `third_party` for failures in
 * dependencies), which only events carry: its code loads with the pipeline.
 */
export function triageIntegration(options: TriageOptions): Integration {
  return deferredIntegration('Triage', () => loadPipeline().triageIntegration(options));
}

/**
 * Resolves stack frames of compiled JavaScript to the original sources (TypeScript, bundles)
 * with their source maps (`.map` beside the file, `sourceMappingURL` comments, inline data
 * URLs), and adds context lines. Nothing is loaded, read or parsed until the first error; what
 * is read is cached within a byte budget.
 */
export function sourceMapsIntegration(options: SourceMapsOptions = {}): Integration {
  return deferredIntegration('SourceMaps', () => loadPipeline().sourceMapsIntegration(options));
}

/**
 * The event's `request`: method, absolute URL (secret query parameters filtered), headers
 * (credentials and cookies filtered), query, body (parsed JSON or form, scrubbed by key and
 * value, size-capped) and the client IP; body, cookies and IP only with `sendDefaultPii`.
 * Never throws.
 */
export function requestContext(parts: RequestParts, client: Client | undefined): RequestData {
  return loadPipeline().requestContext(parts, client);
}

/**
 * The default Node transport executor: POSTs envelope bytes with `node:http`/`node:https` and a
 * keep-alive agent, loaded on the first send; its sockets never hold the process open.
 */
export function createHttpExecutor(options: HttpExecutorOptions): TransportExecutor {
  return loadPipeline().createHttpExecutor(options);
}

/** A transport executor on undici (a peer dependency the app installs), loaded on the first send. */
export function createUndiciExecutor(options: UndiciExecutorOptions): TransportExecutor {
  return loadPipeline().createUndiciExecutor(options);
}

/** Core's parts that work on events, as {@link corePipeline} hands them out. */
export type CorePipeline = Pick<
  Pipeline,
  | 'applyFrameResolver'
  | 'createTransport'
  | 'normalize'
  | 'outcomeOf'
  | 'requestDataFrom'
  | 'scrubValue'
  | 'toMonitorConfig'
>;

/**
 * Core's parts that work on events and check-ins (transport, normalizing, scrubbing, frame
 * rewriting, monitor configs), loaded with the SDK's pipeline at the first call: for the runtime
 * packages built on this one (@faultline/openwhisk, @faultline/cron), which use them only once
 * an event or check-in is built, so that loading them costs an app's start (a bundled action's
 * cold start) nothing.
 */
export function corePipeline(): CorePipeline {
  return loadPipeline();
}
