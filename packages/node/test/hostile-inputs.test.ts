import type { IncomingMessage, ServerResponse } from 'node:http';
import { createTestTransport, type TestTransport } from '@faultline/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  close,
  expressErrorHandler,
  expressRequestHandler,
  type FastifyInstanceLike,
  fastifyPlugin,
  init,
} from '../src/index.js';

/** An object every operation on which throws. */
const trap = (): object => {
  const fail = () => {
    throw new Error('trap');
  };
  return new Proxy(
    {},
    { get: fail, set: fail, has: fail, ownKeys: fail, defineProperty: fail, getPrototypeOf: fail },
  );
};

const REQUESTS: Array<[string, () => unknown]> = [
  ['a frozen request', () => Object.freeze({ method: 'GET', url: '/x', headers: {} })],
  ['a Proxy that throws on every trap', trap],
  ['undefined', () => undefined],
  [
    'a request whose header getter throws',
    () => ({
      method: 'GET',
      get headers() {
        throw new Error('h');
      },
    }),
  ],
];
const RESPONSES: Array<[string, () => unknown]> = [
  ['a response without `on`', () => ({ statusCode: 500 })],
  ['a Proxy response', trap],
];

let transport: TestTransport;
beforeEach(() => {
  transport = createTestTransport();
  init({ transport: () => transport, breadcrumbs: { console: false }, captureUnhandled: false });
});
afterEach(async () => {
  await close(0);
});

describe('framework adapters given hostile requests', () => {
  for (const [requestName, makeRequest] of REQUESTS) {
    for (const [responseName, makeResponse] of RESPONSES) {
      it(`express: ${requestName} and ${responseName} pass through once, and errors still reach the app`, () => {
        const req = makeRequest() as IncomingMessage;
        const res = makeResponse() as ServerResponse;
        const calls: unknown[][] = [];
        expect(() => expressRequestHandler()(req, res, (...args) => void calls.push(args))).not.toThrow();
        expect(calls).toEqual([[]]);
        const error = new Error('route failed');
        expect(() =>
          expressErrorHandler()(error, req, res, (...args) => void calls.push(args)),
        ).not.toThrow();
        expect(calls).toEqual([[], [error]]);
      });

      it(`fastify: ${requestName} and ${responseName} pass every hook through once`, () => {
        const hooks = new Map<string, (...args: unknown[]) => void>();
        const instance = { addHook: (name: string, hook: never) => void hooks.set(name, hook) };
        fastifyPlugin(instance as unknown as FastifyInstanceLike, {}, () => undefined);
        const request = makeRequest();
        const reply = makeResponse();
        let passed = 0;
        const done = () => void passed++;
        expect(() => hooks.get('onRequest')?.(request, reply, done)).not.toThrow();
        expect(() => hooks.get('onError')?.(request, reply, new Error('x'), done)).not.toThrow();
        expect(() => hooks.get('onResponse')?.(request, reply, done)).not.toThrow();
        expect(passed).toBe(3);
      });
    }
  }

  it('an error the app throws from a later middleware still reaches express, once', () => {
    const failure = new Error('thrown by the next middleware');
    const next = () => {
      throw failure;
    };
    const req = { method: 'GET', url: '/x', headers: {} } as IncomingMessage;
    const res = { on: () => undefined, statusCode: 200 } as unknown as ServerResponse;
    expect(() => expressRequestHandler()(req, res, next)).toThrow(failure);
  });
});
