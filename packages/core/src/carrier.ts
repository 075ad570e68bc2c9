/**
 * The running client of the process, behind one well-known global symbol. A package loaded both
 * as ESM and as CommonJS (both copies load in real apps: the app imports, a dependency requires)
 * has two module states; through this carrier both copies see the client `init` started, so a
 * capture from either copy is delivered. The test kit resets it (`resetCurrentClient`).
 */
export interface Current<C = unknown> {
  client: C;
  /** Undoes what `init` installed beside the client (listeners, wrappers); called when it is replaced. */
  stop?: () => void;
}

interface Carrier {
  current?: Current;
  /** The id the last top-level capture call returned. */
  lastEventId?: string;
}

const KEY = Symbol.for('faultline.carrier');

/** The process-wide carrier, created on first use. */
export const carrier = (): Carrier => ((globalThis as Record<symbol, Carrier>)[KEY] ??= {});
