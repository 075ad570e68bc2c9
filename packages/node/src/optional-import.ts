/**
 * Loads a package the app may or may not have installed (undici for `createUndiciExecutor`) with
 * Node's own `import()`, at run time. The name arrives as a value, so that bundlers leave the
 * package out of apps that never load it (undici alone is about 1 MB minified); the comment tells
 * webpack not to turn the call into a context of every module it could name (a build warning,
 * and a call that rejects at run time). The build keeps this file unminified, beside the
 * pipeline, so that the comment survives (esbuild drops comments when it minifies whitespace).
 */
export function importOptional(name: string): Promise<unknown> {
  return import(/* webpackIgnore: true */ name);
}
