/**
 * The two ways the SDK hooks into a page, each returning its own undo, so `close` removes
 * exactly what `init` installed and nothing a page or another tool put there since.
 */
import type { Client } from '@faultline/core';
import type { Integration } from './options.js';

/** Replaces `target[name]` with `wrap(original)`; the undo restores it only while ours is still in place. */
export function patch<T extends object, K extends keyof T>(
  target: T,
  name: K,
  wrap: (original: T[K]) => T[K],
): () => void {
  const original = target[name];
  const wrapped = wrap(original);
  target[name] = wrapped;
  return () => {
    if (target[name] === wrapped) target[name] = original;
  };
}

/** Adds an event listener; the undo removes it. */
export function listen<E extends Event>(
  target: EventTarget,
  type: string,
  listener: (event: E) => void,
  capture?: boolean,
): () => void {
  target.addEventListener(type, listener as EventListener, capture);
  return () => target.removeEventListener(type, listener as EventListener, capture);
}

/** Runs and forgets every undo in `undo`. */
export function undoAll(undo: Array<() => void>): void {
  for (const fn of undo.splice(0)) fn();
}

/** An integration whose `setup` installs hooks (returning their undos) that `teardown` removes. */
export function hooks(name: string, install: (client: Client) => Array<() => void>): Integration {
  const undo: Array<() => void> = [];
  return {
    name,
    setup: (client) => {
      undo.push(...install(client));
    },
    teardown: () => undoAll(undo),
  };
}
