// CommonJS consumers get the `.d.cts` types through the `require` condition.
import node = require('@faultline/node');
import testing = require('@faultline/core/testing');

export const client = node.init({
  dsn: 'https://public@example.invalid/1',
  transport: () => testing.createTestTransport(),
});
