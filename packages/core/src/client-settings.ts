import type { Client } from './client.js';
import { type Dsn, parseDsn } from './dsn.js';
import type { Integration } from './integration.js';
import { createLogger, type Logger, reportConfigError } from './logger.js';
import { type ClientOptions, checkOptions, isIntegration, OPTION_RULES } from './options.js';

/**
 * What a client starts from, decided once from the options it was given: the options as
 * checked (a value of the wrong kind left out; empty when they were unusable), its logger, the
 * parsed DSN, and whether it is on (not without a DSN or a transport, with `enabled: false`,
 * unusable options or a bad DSN). A tuple, so that the browser's bundle carries no key names.
 */
export type ClientSettings<O extends ClientOptions = ClientOptions> = [
  options: O,
  logger: Logger,
  dsn: Dsn | undefined,
  enabled: boolean,
];

/**
 * Checks the options (core's rules, then the runtime's own `optionRules`) and the DSN, and
 * decides whether the SDK is on. Unusable options or a bad DSN turn it off, said in one message.
 * Core's client starts from this; so does a runtime that installs its hooks before the client
 * itself has loaded (Node's front).
 */
export function clientSettings<O extends ClientOptions>(given: O, optionRules?: string): ClientSettings<O> {
  const checked = checkOptions<O>(given, optionRules ? `${OPTION_RULES} ${optionRules}` : OPTION_RULES);
  const options = typeof checked === 'string' ? ({} as O) : checked;
  let disabledWhy = typeof checked === 'string' ? checked : undefined;
  const logger = createLogger(options.debug === true);
  let dsn: Dsn | undefined;
  if (options.dsn) {
    const parsed = parseDsn(options.dsn);
    if (parsed.ok) dsn = parsed.dsn;
    else disabledWhy = parsed.error;
  }
  if (disabledWhy) reportConfigError(`SDK disabled: ${disabledWhy}`);
  const enabled =
    !disabledWhy && options.enabled !== false && (dsn !== undefined || options.transport !== undefined);
  if (!enabled && !disabledWhy) logger.debug('SDK disabled: no DSN given');
  return [options, logger, dsn, enabled];
}

/**
 * The integrations a client runs: the runtime's defaults plus the `integrations` option's list,
 * or what its function returns for the defaults. Anything but a list of integrations is said
 * once and the defaults run.
 */
export function chooseIntegrations(
  option: ClientOptions['integrations'],
  defaults: Integration[],
  logger: Logger,
): Integration[] {
  try {
    const chosen = typeof option === 'function' ? option(defaults) : [...defaults, ...(option ?? [])];
    // Checked before any is set up: set up halfway and then abandoned, the defaults would
    // leave their listeners behind.
    if (!Array.isArray(chosen) || !chosen.every(isIntegration)) throw chosen;
    return chosen;
  } catch (error) {
    logger.error('the integrations option gave no list of integrations; using the defaults', error);
    return defaults;
  }
}

/** Sets up each integration for `client`; one that throws is named and the others still run. */
export function setupIntegrations(integrations: Integration[], client: Client, logger: Logger): void {
  for (const integration of integrations) {
    try {
      integration.setup?.(client);
    } catch (error) {
      logger.error(`integration ${integration.name} failed to set up`, error);
    }
  }
}
