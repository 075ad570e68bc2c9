import type { Client } from '@faultline/core';

/** For each client `init` returned: its pipeline's client, once started. */
const pipelines = new WeakMap<Client, () => Client | undefined>();

/** Remembers how to reach the pipeline's client of a client `init` returned. */
export function registerFront(front: Client, pipeline: () => Client | undefined): void {
  pipelines.set(front, pipeline);
}

/**
 * The client that holds the transport: for a client `init` returned, its pipeline's client, or
 * undefined while nothing has needed the pipeline (then nothing was captured); any other client
 * (core's own) is itself. Exit delivery asks this, so a process that captured nothing does not
 * load the pipeline on its way out.
 */
export function loadedClient(client: Client): Client | undefined {
  const pipeline = pipelines.get(client);
  return pipeline ? pipeline() : client;
}
