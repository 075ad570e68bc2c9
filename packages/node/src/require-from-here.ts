/**
 * `require` functions for the libraries loaded on first use (source-map-js). `node:module`
 * is fetched when one is needed, not imported at the top: loading it costs a fresh process about 0.2 ms, which an app that never fails should not pay.
 * (`process.getBuiltinModule` exists from Node 20.16; the engines field asks for 20.18.1.)
 */
export function requireFrom(path: string): NodeJS.Require {
  return process.getBuiltinModule('node:module').createRequire(path);
}

/**
 * A `require` that resolves from this package. The CommonJS build has `__filename`; the ESM
 * build resolves from `import.meta.url`. Testing for `require` does not work: the ESM bundle
 * defines a `require` shim that throws.
 */
export function requireFromHere(): NodeJS.Require {
  return requireFrom(typeof __filename === 'string' ? __filename : import.meta.url);
}
