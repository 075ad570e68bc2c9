/**
 * The three browser engines the page tests run in, behind one small interface: Chromium (V8)
 * through playwright-core, Firefox ESR (SpiderMonkey) through puppeteer-core over WebDriver
 * BiDi, and WebKitGTK (JavaScriptCore, Safari's engine) through WebKitWebDriver under a virtual
 * X server, spoken to in plain WebDriver HTTP. All come from Debian packages; none is downloaded.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { launch as launchPuppeteer } from 'puppeteer-core';
import { CHROMIUM, launchChromium } from './harness.js';

export type EngineName = 'chromium' | 'firefox' | 'webkit';

/** A page in one engine. `run` evaluates an expression (awaited when it is a promise) in the page. */
export interface EnginePage {
  goto(url: string): Promise<void>;
  run<T = unknown>(expression: string): Promise<T>;
  /** Polls `expression` until it is truthy, or fails after `timeoutMs`. */
  waitFor(expression: string, timeoutMs?: number): Promise<void>;
}

export interface Engine {
  name: EngineName;
  /** The browser's own name and version, e.g. `firefox/153.8.0`. */
  version: string;
  newPage(): Promise<EnginePage>;
  close(): Promise<void>;
}

const FIREFOX = '/usr/bin/firefox-esr';
const WEBKIT_DRIVER = '/usr/bin/WebKitWebDriver';
const XVFB_RUN = '/usr/bin/xvfb-run';
const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** What each engine needs on disk, and how to install it. */
export const ENGINES: Record<EngineName, { label: string; files: string[]; install: string }> = {
  chromium: { label: 'Chromium', files: [CHROMIUM], install: 'apt-get install -y chromium' },
  firefox: { label: 'Firefox ESR', files: [FIREFOX], install: 'apt-get install -y firefox-esr' },
  webkit: {
    label: 'WebKitGTK',
    files: [WEBKIT_DRIVER, XVFB_RUN, MINIBROWSER],
    install: 'apt-get install -y webkit2gtk-driver xvfb',
  },
};

/** The files an engine lacks here; empty when it can run. */
export function missingFiles(name: EngineName): string[] {
  return ENGINES[name].files.filter((file) => !existsSync(file));
}

/**
 * A suite title that names the engine and, when it is missing, says so. Under CI a missing
 * engine is not skipped: the suite runs and fails at launch.
 */
export function engineSuite(name: EngineName): { title: string; skip: boolean } {
  const missing = missingFiles(name);
  const skip = missing.length > 0 && process.env.CI !== 'true';
  const { label, install } = ENGINES[name];
  return {
    title: skip ? `in ${label} (SKIPPED: ${missing.join(', ')} not found; ${install})` : `in ${label}`,
    skip,
  };
}

export async function launchEngine(name: EngineName): Promise<Engine> {
  const missing = missingFiles(name);
  if (missing.length > 0) throw new Error(`${ENGINES[name].label} is missing: ${missing.join(', ')}`);
  if (name === 'chromium') return chromiumEngine();
  if (name === 'firefox') return firefoxEngine();
  return webkitEngine();
}

/** `run` for drivers whose evaluate takes an expression string and awaits promises. */
const poll = async (run: (e: string) => Promise<unknown>, expression: string, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await run(expression).catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

async function chromiumEngine(): Promise<Engine> {
  const browser = await launchChromium();
  return {
    name: 'chromium',
    version: `chromium/${browser.version()}`,
    async newPage() {
      const page = await (await browser.newContext()).newPage();
      const run = <T>(expression: string) => page.evaluate(expression) as Promise<T>;
      return {
        goto: async (url) => void (await page.goto(url)),
        run,
        waitFor: (expression, timeoutMs) => poll(run, expression, timeoutMs),
      };
    },
    close: () => browser.close(),
  };
}

async function firefoxEngine(): Promise<Engine> {
  const browser = await launchPuppeteer({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    protocolTimeout: 60_000,
  });
  return {
    name: 'firefox',
    version: await browser.version(),
    async newPage() {
      const page = await browser.newPage();
      const run = <T>(expression: string) => page.evaluate(expression) as Promise<T>;
      return {
        goto: async (url) => void (await page.goto(url)),
        run,
        waitFor: (expression, timeoutMs) => poll(run, expression, timeoutMs),
      };
    },
    close: () => browser.close(),
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * WebKitGTK: `xvfb-run -a WebKitWebDriver --port=N` in a process group of its own, a session
 * that starts MiniBrowser in automation mode (it has no headless flag, hence the virtual X
 * server), and plain WebDriver HTTP calls. `close` ends the session, then the whole group
 * (driver, Xvfb, MiniBrowser and its WebKitWebProcess) by its id.
 */
async function webkitEngine(): Promise<Engine> {
  const port = await freePort();
  const driver: ChildProcess = spawn(XVFB_RUN, ['-a', WEBKIT_DRIVER, `--port=${port}`, '--host=127.0.0.1'], {
    detached: true,
    stdio: 'ignore',
  });
  const stop = () => {
    try {
      if (driver.pid) process.kill(-driver.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  };
  const base = `http://127.0.0.1:${port}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await response.json()) as { value: unknown };
    const error = json.value as { error?: string; message?: string } | null;
    if (!response.ok) throw new Error(`WebDriver ${method} ${path}: ${error?.error} ${error?.message}`);
    return json.value;
  };
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await call('GET', '/status');
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const session = (await call('POST', '/session', {
      capabilities: {
        alwaysMatch: { 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } },
      },
    })) as { sessionId: string; capabilities: { browserVersion: string } };
    const path = `/session/${session.sessionId}`;
    // One window per session: a new page is the same window, navigated anew.
    const run = async <T>(expression: string): Promise<T> => {
      const script = `const done = arguments[arguments.length - 1];
Promise.resolve().then(() => (${expression})).then((value) => done({ value }), (e) => done({ error: String(e && e.stack || e) }));`;
      const result = (await call('POST', `${path}/execute/async`, { script, args: [] })) as {
        value?: T;
        error?: string;
      };
      if (result.error !== undefined) throw new Error(result.error);
      return result.value as T;
    };
    await call('POST', `${path}/timeouts`, { script: 30_000 });
    return {
      name: 'webkit',
      version: `webkitgtk/${session.capabilities.browserVersion}`,
      async newPage() {
        return {
          goto: async (url) => void (await call('POST', `${path}/url`, { url })),
          run,
          waitFor: (expression, timeoutMs) => poll(run, expression, timeoutMs),
        };
      },
      async close() {
        await call('DELETE', path).catch(() => undefined);
        stop();
      },
    };
  } catch (error) {
    stop();
    throw error;
  }
}
