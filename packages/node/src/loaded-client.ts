import type { Client } from '@faultline/core';

interface Front {
  /** Its pipeline's client, once started. */
  pipeline: () => Client | undefined;
  /** What waits for the pipeline to start. */
  waiting: Array<() => void>;
}

/** The clients `init` returned. */
const fronts = new WeakMap<Client, Front>();

/**
 * Remembers how to reach the pipeline's client of a client `init` returned; the function it
 * returns is called once that pipeline has started.
 */
export function registerFront(front: Client, pipeline: () => Client | undefined): () => void {
  const entry: Front = { pipeline, waiting: [] };
  fronts.set(front, entry);
  return () => {
    for (const run of entry.waiting.splice(0)) {
      try {
        run();
      } catch {
        // One hook failing must not stop the pipeline.
      }
    }
  };
}

/**
 * The client that holds the transport: for a client `init` returned, its pipeline's client, or
 * undefined while nothing has needed the pipeline (then nothing was captured); any other client
 * (core's own) is itself. Exit delivery asks this, so a process that captured nothing does not
 * load the pipeline on its way out.
 */
export function loadedClient(client: Client): Client | undefined {
  const front = fronts.get(client);
  return front ? front.pipeline() : client;
}

/** Runs `run` once `client` holds something to deliver: now, or when its pipeline starts. */
export function whenLoaded(client: Client, run: () => void): void {
  const front = fronts.get(client);
  if (!front || front.pipeline()) run();
  else front.waiting.push(run);
}
