// Type-checked with `"types": []`: the published types must not need @types/node.

import { init as initBrowser } from '@faultline/browser';
import type { Client } from '@faultline/core';
import { assertNoSecrets, createTestTransport, type TestTransport } from '@faultline/core/testing';
import { crontabSchedule, heartbeat, withMonitor } from '@faultline/cron';
import { captureException, close, getClient, init } from '@faultline/node';
import { startDevReceiver } from '@faultline/node/dev-receiver';
import { wrapAction } from '@faultline/openwhisk';

const transport: TestTransport = createTestTransport();
const client: Client = init({ dsn: 'https://public@example.invalid/1', transport: () => transport });
client.captureMessage('typed');
const id: string = captureException(null);
assertNoSecrets(transport.raw[0] ?? new Uint8Array(), [id]);
void getClient()?.flush(10);
void close(100);
void startDevReceiver({ port: 0 }).then((receiver) => receiver.close());
const result: string = withMonitor('nightly', () => 'done', { schedule: '0 2 * * *' });
heartbeat('nightly');
crontabSchedule('*/5 * * * *');
export const main = wrapAction(async (params: { name?: string }) => ({ hello: params.name ?? result }));
initBrowser({ dsn: 'https://public@example.invalid/1' });
// Options read from the environment, as apps write them: `string | undefined` is accepted under
// exactOptionalPropertyTypes too.
declare const fromEnv: string | undefined;
init({ dsn: fromEnv, release: fromEnv, environment: fromEnv, dist: fromEnv });
initBrowser({ dsn: fromEnv, release: fromEnv, environment: fromEnv });
export const configured = wrapAction(async () => ({}), { dsn: fromEnv, release: fromEnv });
withMonitor('nightly', () => undefined, { schedule: '0 2 * * *', timezone: fromEnv });
