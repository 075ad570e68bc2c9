/**
 * One HTTP status policy for every adapter (express, fastify, browser fetch/XHR, OpenWhisk web
 * actions): 5xx are captured; 4xx only when the user opts in by code or range AND the request
 * matched one of the app's own routes (4xx on arbitrary URLs is bot noise); 404 only when listed
 * as exactly 404.
 */
export type StatusMatcher = number | readonly [number, number];

export interface StatusPolicy {
  shouldCapture(status: number, context?: { routeMatched?: boolean }): boolean;
}

export const DEFAULT_CAPTURE_STATUS: readonly StatusMatcher[] = [[500, 599]];

export function createStatusPolicy(capture: readonly StatusMatcher[] = DEFAULT_CAPTURE_STATUS): StatusPolicy {
  const listed = (status: number): boolean =>
    capture.some((m) => (typeof m === 'number' ? m === status : status >= m[0] && status <= m[1]));
  const explicit404 = capture.some((m) => m === 404);
  return {
    shouldCapture(status, context = {}) {
      if (!Number.isInteger(status) || status < 400 || status > 599) return false;
      if (!listed(status)) return false;
      if (status >= 500) return true;
      if (status === 404 && !explicit404) return false;
      return context.routeMatched !== false;
    },
  };
}

/** The message of an event reporting an error status sent without a thrown error. */
export function statusMessage(status: number, method?: string, route?: string): string {
  const verb = method?.toUpperCase();
  // Route templates are usually written with their method already (`GET /users/:id`).
  const where = route && verb && !route.startsWith(`${verb} `) ? `${verb} ${route}` : (route ?? verb ?? '');
  return where ? `HTTP ${status} response for ${where}` : `HTTP ${status} response`;
}
