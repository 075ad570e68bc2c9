// The "Testing your app" recipe of packages/node/README.md, with node:test: one transport per
// file, init in beforeEach, close in afterEach, and more than one test.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, it } from 'node:test';
import { assertNoSecrets, createTestTransport } from '@faultline/core/testing';
import { captureException, close, init } from '@faultline/node';

const transport = createTestTransport();
beforeEach(() => {
  transport.clear();
  init({ dsn: 'https://public@example.invalid/1', transport: () => transport });
});
afterEach(() => close());

for (const n of [1, 2, 3]) {
  it(`reports checkout failure ${n} without the card number`, () => {
    captureException(new Error(`checkout ${n} failed for card 4111111111111111`));
    assert.equal(transport.events().length, 1);
    for (const bytes of transport.raw) assertNoSecrets(bytes, ['4111111111111111']);
  });
}
