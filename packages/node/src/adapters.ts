// The HTTP framework adapters, loaded when an app first asks for one (see frameworks.ts): an
// app that uses no framework never parses them.
export { createExpressErrorHandler, createExpressRequestHandler } from './express.js';
export { registerFastifyPlugin } from './fastify.js';
