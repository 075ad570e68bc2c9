import type { Integration } from '@faultline/core';
import { pseudonymizeUserIdsWith } from '@faultline/core/setup';
import { consoleBreadcrumbsIntegration } from './console-breadcrumbs.js';
import { contextsIntegration, sourceMapsIntegration, triageIntegration } from './deferred.js';
import { exitFlushIntegration } from './exit-flush.js';
import { globalHandlersIntegration } from './global-handlers.js';
import { httpBreadcrumbsIntegration } from './http-breadcrumbs.js';
import type { NodeOptions } from './options.js';

/**
 * The integrations `init` installs, as chosen by the Node options. Nothing here does any work
 * until the client sets it up, and the client sets nothing up when the SDK is off.
 */
export function nodeDefaultIntegrations(options: NodeOptions): Integration[] {
  const integrations: Integration[] = [contextsIntegration()];
  if (options.sourceMaps !== false) integrations.push(sourceMapsIntegration());
  if (options.captureUnhandled !== false) integrations.push(globalHandlersIntegration());
  const exitFlush: Parameters<typeof exitFlushIntegration>[0] = {};
  if (options.exitFlushTimeoutMs !== undefined) exitFlush.timeoutMs = options.exitFlushTimeoutMs;
  integrations.push(exitFlushIntegration(exitFlush));
  if (options.breadcrumbs?.http !== false) integrations.push(httpBreadcrumbsIntegration());
  if (options.breadcrumbs?.console !== false) integrations.push(consoleBreadcrumbsIntegration());
  integrations.push(triageIntegration(options.critical ? { critical: options.critical } : {}));
  // Last of the defaults, after everything that may set the user.
  if (options.pseudonymizeUserIds)
    integrations.push(pseudonymizeUserIdsWith(hmacSha256Hex, options.pseudonymizeUserIds));
  return integrations;
}

/**
 * Node's own HMAC-SHA-256 (OpenSSL), fetched at the first id to hash: `node:crypto` is not loaded
 * by a plain app, and loading it costs start-up time an app without pseudonymization should not pay.
 */
function hmacSha256Hex(key: string, message: string): string {
  return process.getBuiltinModule('node:crypto').createHmac('sha256', key).update(message).digest('hex');
}
