import type { Integration } from './integration.js';
import { DEPENDENCY_PATH } from './stack-parse.js';
import type { FaultlineEvent, StackFrame } from './types.js';

/** Options of the triage integration: the signals a backend needs to prioritise and alert. */
export interface TriageOptions {
  /**
   * The app's critical flows. An event from one of them carries the tag `critical: "true"`.
   * Each pattern is matched against the route template (`POST /checkout`), the cron monitor
   * slug and the OpenWhisk action name; `*` matches any run of characters, and a pattern that
   * starts with `/` matches a route's path whatever its method.
   * @default []
   * @example critical: ['POST /checkout', '/api/payments/*', 'nightly-billing', '/shop/charge*']
   */
  critical?: string[];
}

/** The value of the `critical` and `third_party` tags when they apply. */
const YES = 'true';

/** Turns a glob (`*` = any run of characters) into an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
}

/** True when one of `patterns` names the flow this event comes from (route, monitor, action). */
export function isCriticalEvent(event: FaultlineEvent, patterns: RegExp[]): boolean {
  const route = event.transaction;
  const names = [route, route?.slice(route.indexOf(' ') + 1), event.tags?.['monitor.slug']];
  names.push(event.tags?.['openwhisk.action']);
  return names.some((name) => typeof name === 'string' && patterns.some((p) => p.test(name)));
}

// Frames that are not code of anyone: native calls and the runtime's own modules.
const NOT_CODE = /^(<anonymous>|native|\[native code\]|node:|internal\/)/;
// A dependency on disk: a package manager's folder (npm, pnpm, yarn, bower, vendored copies).
/** Dependencies, and a `vendor` folder of copied-in libraries (`/assets/vendor/jquery.js`). */
const isDependency = (path: string): boolean => DEPENDENCY_PATH.test(path) || /[\\/]vendor[\\/]/.test(path);

const originOf = (url: string | undefined): string | undefined =>
  url?.match(/^(https?:\/\/[^/?#]+)/i)?.[1]?.toLowerCase();

/**
 * True when the error is someone else's: none of its frames is the app's own code, or the frame
 * that threw (the innermost one that is code) lies in a dependency or comes from a script on
 * another origin than the page (the page is the event's `request.url`, which the browser sets).
 */
export function isThirdPartyEvent(event: FaultlineEvent): boolean {
  const values = event.exception?.values;
  // The main exception is the last one (Sentry's order: causes first).
  const frames = values?.[values.length - 1]?.stacktrace?.frames ?? [];
  const code = frames.filter((f) => !NOT_CODE.test(f.filename ?? f.abs_path ?? '<anonymous>'));
  if (!code.length) return false;
  if (!code.some((f) => f.in_app)) return true;
  const thrower = code[code.length - 1] as StackFrame;
  const path = thrower.abs_path ?? thrower.filename ?? '';
  if (isDependency(path)) return true;
  // A file path (Node) has no origin: the page's URL is then not read.
  const script = originOf(path);
  const page = script && originOf(event.request?.url);
  return !!page && script !== page;
}

/**
 * Adds the triage tags: `critical: "true"` for events of the flows named in `critical`, and
 * `third_party: "true"` for failures in a dependency or a third-party script. Backends (and
 * `faultline-dev`) use them to prioritise issues and to route alerts.
 */
export function triageIntegration(options: TriageOptions = {}): Integration {
  // A bad option is reported by the client's validation, which turns the SDK off; never throw here.
  const critical = Array.isArray(options.critical) ? options.critical : [];
  const patterns = critical.filter((p) => typeof p === 'string').map(globToRegExp);
  return {
    name: 'Triage',
    processEvent(event) {
      const tags: Record<string, string> = {};
      if (patterns.length && isCriticalEvent(event, patterns)) tags.critical = YES;
      if (isThirdPartyEvent(event)) tags.third_party = YES;
      if (tags.critical || tags.third_party) event.tags = { ...event.tags, ...tags };
      return event;
    },
  };
}
