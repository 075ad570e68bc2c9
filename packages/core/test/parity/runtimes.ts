/**
 * Every runtime package driven the same way: `init` with the given options and an in-memory
 * transport, captures through the package's own public API, then `close`. Tests that assert a
 * rule "in every runtime" loop over these.
 */
import * as browser from '@faultline/browser';
import { createTestTransport, type TestTransport } from '@faultline/core/testing';
import * as cron from '@faultline/cron';
import * as node from '@faultline/node';
import * as openwhisk from '@faultline/openwhisk';

/** The public API every runtime package exports (the part a capture test needs). */
export interface Api {
  captureException(exception: unknown): string;
  captureMessage(message: string): string;
  setUser(user: Record<string, unknown> | null): void;
  setTag(key: string, value: string): void;
  setExtra(key: string, value: unknown): void;
  addBreadcrumb(breadcrumb: Record<string, unknown>): void;
  captureEvent(event: Record<string, unknown>): string;
}

export interface Runtime {
  name: string;
  /** Starts the SDK with `options`, runs `body` with the package's API, closes; returns what was sent. */
  run(options: Record<string, unknown>, body: (api: Api) => void): Promise<TestTransport>;
}

const DSN = 'https://public@example.invalid/1';

function initRuntime(name: string, pkg: typeof node | typeof browser | typeof cron): Runtime {
  return {
    name,
    async run(options, body) {
      const transport = createTestTransport();
      const quiet = name === 'browser' ? {} : { captureUnhandled: false, exitFlushTimeoutMs: 0 };
      pkg.init({ dsn: DSN, transport: () => transport, ...quiet, ...options } as never);
      try {
        body(pkg as unknown as Api);
        await pkg.flush(1000);
      } finally {
        await pkg.close(0);
      }
      return transport;
    },
  };
}

export const runtimes: Runtime[] = [
  initRuntime('node', node),
  initRuntime('browser', browser),
  initRuntime('cron', cron),
  {
    name: 'openwhisk',
    async run(options, body) {
      const transport = createTestTransport();
      const action = openwhisk.wrapAction(
        () => {
          body(node as unknown as Api);
          return {};
        },
        { dsn: DSN, transport: () => transport, exitFlushTimeoutMs: 0, ...options } as never,
      );
      try {
        await action({});
      } finally {
        await node.close(0);
      }
      return transport;
    },
  },
];
