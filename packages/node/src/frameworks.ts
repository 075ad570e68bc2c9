/**
 * The HTTP framework adapters, loaded when an app first asks for one (http-frameworks.ts): an
 * app that serves no express or fastify routes never parses them. This file is built on its own
 * (`dist/frameworks.cjs`) and required synchronously.
 */
export { expressErrorHandler, expressRequestHandler } from './express.js';
export { fastifyPlugin } from './fastify.js';
