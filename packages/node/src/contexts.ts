import type { Client, Contexts, FaultlineEvent, Integration } from '@faultline/core';

/** How long the memory figures of one reading are reused. */
const LIVE_REFRESH_MS = 1000;

const OS_NAMES: Record<string, string> = { Darwin: 'macOS', Windows_NT: 'Windows' };

/**
 * Adds what the process runs on: `runtime` (node and its version), `os`, `device` (arch, CPUs,
 * memory) and `app` (start time, memory in use). The host name goes in `server_name` only with
 * `sendDefaultPii`, since it can name a person's machine. Values the app set itself win.
 */
export function contextsIntegration(): Integration {
  let os: typeof import('node:os') | undefined;
  let fixed: Contexts | undefined;
  let hostname: string | undefined;
  // Memory figures are read at most once a second: reading them costs a system call each, which
  // in an error storm would cost more than building the event.
  let liveAt = Number.NEGATIVE_INFINITY;
  // The fixed and live figures merged, remade when the live ones are read again; each event
  // gets copies, which later steps and `beforeSend` may change.
  let ours: Contexts = {};
  return {
    name: 'Contexts',
    processEvent(event: FaultlineEvent, _hint, client: Client) {
      // Computed at the first event, not at init: importing and starting the SDK stays cheap.
      // `node:os` too is loaded then (it costs a fresh process about 0.15 ms).
      os ??= process.getBuiltinModule('node:os');
      fixed ??= staticContexts(os);
      const now = Date.now();
      if (now - liveAt >= LIVE_REFRESH_MS || now < liveAt) {
        const live: Contexts = {
          device: { free_memory: os.freemem() },
          app: { app_memory: process.memoryUsage.rss() },
        };
        ours = {};
        for (const name of new Set([...Object.keys(fixed), ...Object.keys(live)])) {
          // Object.assign, not `{ ...a, ...b }` (slow on Node 20): both are the SDK's own objects.
          ours[name] = Object.assign({}, fixed[name], live[name]);
        }
        liveAt = now;
      }
      // Read by `in` rather than through lists of keys or entries: no list per event (`ours` is
      // the integration's own plain object).
      const contexts: Contexts = {};
      for (const name in ours) contexts[name] = Object.assign({}, ours[name]);
      const given = event.contexts;
      for (const name of Object.keys(given)) {
        // Only the contexts this integration fills are merged (copied); the app's own stay as they are.
        const filled = contexts[name];
        const value = given[name] as Contexts[string];
        contexts[name] = filled ? Object.assign(filled, value) : value;
      }
      event.contexts = contexts;
      if (client.options.sendDefaultPii && event.server_name === undefined) {
        hostname ??= os.hostname();
        event.server_name = hostname;
      }
      return event;
    },
  };
}

function staticContexts(os: typeof import('node:os')): Contexts {
  const startTime = new Date(Date.now() - process.uptime() * 1000).toISOString();
  const cpus = os.cpus();
  return {
    runtime: { name: 'node', version: process.version },
    os: {
      name: OS_NAMES[os.type()] ?? os.type(),
      version: os.release(),
      kernel_version: safe(() => os.version()),
    },
    device: {
      arch: os.arch(),
      memory_size: os.totalmem(),
      processor_count:
        typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
      cpu_description: cpus[0]?.model,
    },
    app: { app_start_time: startTime },
  };
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
