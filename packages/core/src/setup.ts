/**
 * What a server runtime's front runs at `init`, beside `./front`: reading its options, setting
 * up its integrations, naming its ingest endpoint and release. An app bundled for Node (an
 * OpenWhisk action, say) reaches the rest of core only through the event pipeline it loads at
 * its first event, so a cold start evaluates only these modules and the front's. Not for
 * browsers: their first bundle takes `./front` alone, and the pipeline chunk the rest.
 */
export { chooseIntegrations, clientSettings, setupIntegrations } from './client-settings.js';
export { authHeader, envelopeEndpoint } from './dsn.js';
export { nowSeconds } from './ids.js';
export { checkOptions, OPTION_RULES } from './options.js';
export { pseudonymizeUserIdsWith } from './pseudonymize.js';
export { releaseFromEnv } from './release.js';
export { statusMessage } from './status-policy.js';
