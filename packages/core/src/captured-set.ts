/**
 * The values a client has captured, for its duplicate check (captured by the app, then again by
 * a handler: sent once). A `WeakSet` of every captured error costs about a microsecond per error
 * in a busy server: the entries of errors the collector has cleared since stay in its table as
 * deleted slots, which each lookup and insertion probes through.
 *
 * This set stamps each value with a private field instead, through a base class whose
 * constructor returns the value it is given. The stamp lives on the value and goes with it;
 * the app cannot see it (no property, no symbol, no Proxy trap runs), and frozen values take
 * it too. Each set has a class of its own, so clients do not see each other's stamps.
 * Runtimes whose engines have class fields natively plug it in (`ClientRuntime.capturedSet`);
 * the browser build, compiled for engines that may lack them, keeps the `WeakSet`.
 */

/** What the client's duplicate check needs: a `WeakSet` has the same. */
export interface CapturedSet {
  /** Whether `value` was added (false for anything that is not an object). */
  has(value: unknown): boolean;
  add(value: object): unknown;
}

/** A base class that makes `new` return the given value, so a subclass's fields land on it. */
// biome-ignore lint/complexity/useArrowFunction: a base class must be a constructor, which an arrow function is not.
const Returning = function (value: object) {
  return value;
} as unknown as new (
  value: object,
) => object;

export function createCapturedSet(): CapturedSet {
  class Stamp extends Returning {
    #captured = true;
    static stamped(value: unknown): boolean {
      return (
        ((typeof value === 'object' && value !== null) || typeof value === 'function') && #captured in value
      );
    }
  }
  // Values that refuse the stamp: engines that apply non-extensibility to private fields
  // (a later language change) throw on frozen values; those are kept in a WeakSet instead.
  let refused: WeakSet<object> | undefined;
  return {
    has: (value) => Stamp.stamped(value) || (refused?.has(value as object) ?? false),
    add(value) {
      // A second stamp would throw.
      if (Stamp.stamped(value)) return;
      try {
        new Stamp(value);
      } catch {
        refused ??= new WeakSet();
        refused.add(value);
      }
    },
  };
}
