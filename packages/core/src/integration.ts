import type { Client } from './client.js';
import type { EventHint, FaultlineEvent } from './types.js';

/**
 * A small object that plugs a runtime feature into the client: `setup` once at init (install
 * handlers), `processEvent` for each event (add contexts, resolve frames), `teardown` at close.
 * Returning `null` from `processEvent` drops the event (counted as `event_processor`).
 */
export interface Integration {
  name: string;
  setup?(client: Client): void;
  processEvent?(
    event: FaultlineEvent,
    hint: EventHint,
    client: Client,
  ): FaultlineEvent | null | Promise<FaultlineEvent | null>;
  teardown?(): void;
}
