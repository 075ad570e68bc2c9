/**
 * Real-browser test kit: serves a test page from 127.0.0.1, bundles the SDK (ESM bundle or
 * script-tag build) from the sources with esbuild, and drives headless Chromium.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { type Receiver, type ReceiverOptions, startReceiver } from '../../../test-utils/receiver.js';

/** The Chromium to drive: `CHROMIUM_PATH`, else Debian's. A path given that does not exist is an error. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (process.env.CHROMIUM_PATH && !existsSync(CHROMIUM)) {
  throw new Error(`CHROMIUM_PATH is ${CHROMIUM}, which does not exist`);
}
export const hasChromium = existsSync(CHROMIUM);

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const alias = {
  '@faultline/browser': here('../src/index.ts'),
  '@faultline/core': here('../../core/src/index.ts'),
  '@faultline/core/protocol': here('../../core/src/protocol.ts'),
  '@faultline/core/front': here('../../core/src/front.ts'),
  '@faultline/core/pseudonymize': here('../../core/src/pseudonymize-integration.ts'),
};

export type Variant = 'esm' | 'script';

/** The built script-tag file, when it exists and is newer than every source file. */
function freshScriptBuild(): string | undefined {
  const built = here('../dist/faultline.min.js');
  if (!existsSync(built)) return undefined;
  const builtAt = statSync(built).mtimeMs;
  const sources = [here('../src/'), here('../../core/src/')].flatMap((dir) =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((file) => `${dir}${file}`),
  );
  return sources.every((file) => statSync(file).mtimeMs <= builtAt) ? built : undefined;
}

/**
 * The SDK for the page: an ESM bundle of the page entry, or the script-tag build exposing
 * `Faultline` (`dist/faultline.min.js` when it is up to date, else the same IIFE built now).
 */
export async function bundleSdk(variant: Variant): Promise<string> {
  const built = variant === 'script' ? freshScriptBuild() : undefined;
  if (built) return readFile(built, 'utf8');
  const result = await build({
    entryPoints: variant === 'esm' ? [here('fixtures/esm-entry.js')] : [here('../src/index.ts')],
    bundle: true,
    minify: true,
    format: variant === 'esm' ? 'esm' : 'iife',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
    alias,
    ...(variant === 'script' ? { globalName: 'Faultline' } : {}),
  });
  return result.outputFiles[0]!.text;
}

/**
 * The ESM page entry bundled as an app bundler splits it: the entry file and the chunks it
 * imports at run time (the SDK's pipeline), by URL path (`/esm-entry.js`, `/chunk-….js`).
 */
export async function bundleSdkChunks(): Promise<Map<string, string>> {
  const result = await build({
    entryPoints: [here('fixtures/esm-entry.js')],
    bundle: true,
    splitting: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    outdir: here('chunks'),
    write: false,
    logLevel: 'silent',
    alias,
  });
  return new Map(result.outputFiles.map((file) => [`/${file.path.split('/').pop()}`, file.text]));
}

export interface Site {
  url: string;
  /** Another origin serving `/cross.js`, a script that throws when loaded. */
  otherOrigin: string;
  close(): Promise<void>;
}

/** A server on 127.0.0.1 on a free port, with its URL and a `close` that ends its connections. */
export async function listen(
  handler: Parameters<typeof createServer>[1],
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The app under test: `/` (the page; `__config` becomes `window.__config`), `/sdk.js`,
 * `/page.js`, `/api/<status>` answering that status, and `/next` (a page without the SDK).
 */
export async function startSite(
  variant: Variant,
  sdk: string,
  config: Record<string, unknown>,
  /** `throwEarly`: the page throws an uncaught error right after `init`, in the same task. */
  page: { throwEarly?: boolean } = {},
): Promise<Site> {
  const pageJs = await readFile(here('fixtures/page.js'), 'utf8');
  // Module scripts are deferred; classic ones get `defer` so both run after the body is parsed.
  const type = variant === 'esm' ? ' type="module"' : ' defer';
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>Faultline test</title>
<script>window.__config = ${JSON.stringify(config)}; window.__otherOrigin = '__OTHER__';${page.throwEarly ? ' window.__throwEarly = true;' : ''}</script>
<script${type} src="/sdk.js"></script>
<script${type} src="/page.js"></script>
</head><body><main id="actions"></main></body></html>`;
  const other = await listen((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/javascript' });
    res.end(
      "function crossOriginThrow() { throw new Error('detail only the other origin may see'); }\ncrossOriginThrow();\n",
    );
  });
  const body = html.replace('__OTHER__', other.url);
  const site = await listen((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    req.resume();
    const send = (status: number, contentType: string, body: string) => {
      res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (path === '/') return send(200, 'text/html', body);
    if (path === '/sdk.js') return send(200, 'text/javascript', sdk);
    if (path === '/page.js') return send(200, 'text/javascript', pageJs);
    if (path === '/next') return send(200, 'text/html', '<!doctype html><title>next</title><p>next page</p>');
    const api = /^\/api\/(\d{3})$/.exec(path);
    if (api) return send(Number(api[1]), 'application/json', '{}');
    return send(404, 'text/plain', 'not found');
  });
  return {
    url: site.url,
    otherOrigin: other.url,
    close: async () => {
      await Promise.all([site.close(), other.close()]);
    },
  };
}

/** The shared receiver, answering with the CORS header browsers need to read the response. */
export function startCorsReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  return startReceiver({
    respond: async (request) => {
      const answer = (await options.respond?.(request)) ?? {};
      return {
        ...answer,
        headers: {
          'access-control-allow-origin': '*',
          'access-control-expose-headers': 'x-sentry-rate-limits, retry-after',
          ...answer.headers,
        },
      };
    },
  });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
