/**
 * What Node does with an unhandled rejection, as set by `--unhandled-rejections`
 * (https://nodejs.org/api/cli.html#--unhandled-rejectionsmode). The SDK's own listener hides
 * Node's default handling, so it has to know the mode to reproduce it.
 */
export type RejectionMode = 'throw' | 'strict' | 'warn' | 'none' | 'warn-with-error-code';

const MODES = new Set<string>(['throw', 'strict', 'warn', 'none', 'warn-with-error-code']);
const FLAG = '--unhandled-rejections';

/** The mode from `NODE_OPTIONS`, overridden by the command line, as Node reads them. Default `throw`. */
export function rejectionMode(execArgv: readonly string[], nodeOptions: string | undefined): RejectionMode {
  let mode: RejectionMode = 'throw';
  for (const args of [nodeOptions?.split(/\s+/) ?? [], execArgv]) {
    for (let i = 0; i < args.length; i++) {
      const arg = args[i] as string;
      const value =
        arg === FLAG ? args[i + 1] : arg.startsWith(`${FLAG}=`) ? arg.slice(FLAG.length + 1) : undefined;
      if (value !== undefined && MODES.has(value)) mode = value as RejectionMode;
    }
  }
  return mode;
}

const WARNING_NAME = 'UnhandledPromiseRejectionWarning';

/**
 * Prints the two warnings Node prints for an unhandled rejection in `warn` mode, through
 * `process.emitWarning` so that `--no-warnings`, `--trace-warnings` and `--redirect-warnings`
 * apply as usual. Mirrors `emitUnhandledRejectionWarning` in Node's
 * lib/internal/process/promises.js. `id` stands for Node's internal rejection id.
 */
export function emitRejectionWarning(reason: unknown, id: number): void {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const warning = new Error(
    'Unhandled promise rejection. This error originated either by throwing inside of an async ' +
      'function without a catch block, or by rejecting a promise which was not handled with .catch(). ' +
      'To terminate the node process on unhandled promise rejection, use the CLI flag ' +
      '`--unhandled-rejections=strict` (see https://nodejs.org/api/cli.html#cli_unhandled_rejections_mode). ' +
      `(rejection id: ${id})`,
  );
  Error.stackTraceLimit = limit;
  Object.defineProperty(warning, 'name', { value: WARNING_NAME, writable: true, configurable: true });
  try {
    if (isErrorLike(reason)) {
      warning.stack = String(reason.stack);
      process.emitWarning(String(reason.stack), WARNING_NAME);
    } else {
      process.emitWarning(noSideEffectsToString(reason), WARNING_NAME);
    }
  } catch {
    try {
      process.emitWarning(noSideEffectsToString(reason), WARNING_NAME);
    } catch {
      // Nothing sensible left to print.
    }
  }
  process.emitWarning(warning);
}

/** Node's test: an object with an own `stack`. */
export function isErrorLike(value: unknown): value is { stack: unknown } {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, 'stack');
}

/** V8's side-effect-free string form (`#<Foo>`, `[object Array]`, `Error: msg`), used in Node's warnings. */
export function noSideEffectsToString(value: unknown): string {
  if (typeof value === 'symbol') return value.toString();
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return String(value);
  try {
    const toStringFn = dataProperty(value, 'toString');
    if (
      Object.prototype.toString.call(value) === '[object Error]' ||
      toStringFn === Error.prototype.toString
    ) {
      const name = dataProperty(value, 'name');
      const message = dataProperty(value, 'message');
      const n = name === undefined ? 'Error' : String(name);
      const m = message === undefined ? '' : String(message);
      return n && m ? `${n}: ${m}` : n || m;
    }
    if (toStringFn === Object.prototype.toString) {
      const ctor = dataProperty(value, 'constructor');
      if (typeof ctor === 'function' && ctor.name) return `#<${ctor.name}>`;
    }
    return Object.prototype.toString.call(value);
  } catch {
    return '[object Object]';
  }
}

/** A property's value found without running getters, walking the prototype chain. */
function dataProperty(value: object, key: string): unknown {
  for (let o: object | null = value; o !== null; o = Object.getPrototypeOf(o)) {
    const descriptor = Object.getOwnPropertyDescriptor(o, key);
    if (descriptor) return 'value' in descriptor ? descriptor.value : undefined;
  }
  return undefined;
}
