/**
 * What the SDK set up outside its integrations, on first use (a channel subscription made at the
 * first request an adapter follows), undone when the SDK stops, as `close` promises.
 */
const hooks = new Set<() => void>();

export function undoAtStop(undo: () => void): void {
  hooks.add(undo);
}

export function runStopHooks(): void {
  for (const undo of [...hooks]) {
    hooks.delete(undo);
    try {
      undo();
    } catch {
      // One failing to undo itself must not stop the others.
    }
  }
}
