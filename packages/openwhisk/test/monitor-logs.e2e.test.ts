// Leak probe of the activation monitor: an action printed a secret over several lines of output
// (a PEM private key, a YAML password on the line after its key), which the platform stores as
// one log entry per line. The monitor reads the record with the real `openwhisk` client from a
// local stand-in for the controller's activation API and delivers to a local ingest.
import { close } from '@faultline/node';
import { afterEach, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../../../test-utils/receiver.js';
import { activationsApi, monitorClient, runMonitor } from '../src/monitor-index.js';
import { API_KEY, type FakeApi, logLine, startFakeApi } from './api/openwhisk-api.js';

// Assembled at run time so that secret scanners do not flag this file; worthless values.
const PEM_LINES = [
  'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj',
  'MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu',
  'NMoSfm76oqFvAp8Gy0iz5sxjZmSnXyCdPEovGhLa0VzMaQ8s+CLOyS56YyCFGeJZ',
];
const PEM = [
  ['-----BEGIN', 'PRIVATE KEY-----'].join(' '),
  ...PEM_LINES,
  ['-----END', 'PRIVATE KEY-----'].join(' '),
];
const YAML_PASSWORD = 'Yaml-Next-Line-Pa55';

let api: FakeApi | undefined;
let receiver: Receiver | undefined;

afterEach(async () => {
  await close(1000);
  await api?.close();
  await receiver?.close();
  api = undefined;
  receiver = undefined;
});

describe('activation monitor: secrets over several log lines', () => {
  it('sends none of a secret spread over log lines, and keeps the other lines with their times', async () => {
    api = await startFakeApi();
    receiver = await startReceiver();
    const client = monitorClient(receiver.dsn);
    if (!client) throw new Error('no client');
    const ow = await activationsApi({ apihost: api.url, apiKey: API_KEY });
    const start = Date.now();
    const output = [
      'loading config',
      ...PEM,
      'db:',
      '  password:',
      `    ${YAML_PASSWORD}`,
      '  host: db',
      'done',
    ];
    const logs = output.map((text, i) => logLine(text, start + i));
    const record = api.add({
      name: 'sign',
      kind: 'nodejs:20',
      status: 'action_developer_error',
      result: { error: 'An error has occurred: Error: signing failed' },
      logs,
    });
    await runMonitor(client, ow, { since: start - 120_000, seen: [] });
    await receiver.waitFor(() => receiver!.events().length === 1);

    const bytes = receiver.requests.map((r) => new TextDecoder().decode(r.body)).join('\n');
    for (const secret of [...PEM_LINES, YAML_PASSWORD]) expect(bytes).not.toContain(secret);
    const [event] = receiver.events();
    expect(event?.tags?.['openwhisk.activation_id']).toBe(record.activationId);
    const sent = event?.extra?.logs as string[];
    expect(sent[0]).toBe(logs[0]);
    expect(sent.at(-1)).toBe(logs.at(-1));
    expect(sent[1]).toBe(logLine('[Filtered]', start + 1));
    expect(sent[2]).toBe(logs[output.indexOf('db:')]);
    expect(sent).toContain(logs.at(-2));
    expect(sent).toContain(logLine('    [Filtered]', start + output.indexOf(`    ${YAML_PASSWORD}`)));
  });
});
