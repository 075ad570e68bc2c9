import { createTestTransport } from '@faultline/core/testing';

/**
 * Core's in-memory test transport, in the form `init({ transport })` takes: each envelope is
 * serialized and read back, so the tests see what would have been sent.
 */
export function memoryTransport() {
  const recorder = createTestTransport();
  return { transport: () => recorder, events: () => recorder.events(), envelopes: recorder.envelopes };
}
