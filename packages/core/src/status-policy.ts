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

export const createStatusPolicy = (
  capture: readonly StatusMatcher[] = DEFAULT_CAPTURE_STATUS,
): StatusPolicy => ({
  shouldCapture: (status, context = {}) =>
    Number.isInteger(status) &&
    status > 399 &&
    status < 600 &&
    // A range never selects 404: only a 404 listed by itself does.
    capture.some((m) =>
      typeof m === 'number' ? m === status : status !== 404 && status >= m[0] && status <= m[1],
    ) &&
    (status > 499 || context.routeMatched !== false),
});

/** The message of an event reporting an error status sent without a thrown error. */
export function statusMessage(status: number, method?: string, route?: string): string {
  const verb = method?.toUpperCase();
  // Route templates are usually written with their method already (`GET /users/:id`).
  const where = route && verb && !route.startsWith(`${verb} `) ? `${verb} ${route}` : (route ?? verb ?? '');
  return where ? `HTTP ${status} response for ${where}` : `HTTP ${status} response`;
}
