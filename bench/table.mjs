// Turns a results object into the comparison table: plain text for the terminal and
// Markdown for docs/benchmarks.md.
import { formatNumber, formatRatio, ratio } from './lib.mjs';

const KB = 1024;
const MiB = 1024 * 1024;

function row(figure, metric, faultline, sentry, digits = 1, better = 'lower') {
  return {
    figure,
    metric,
    faultline: formatNumber(faultline, digits),
    sentry: formatNumber(sentry, digits),
    ratio: formatRatio(ratio(faultline, sentry)),
    better,
  };
}

/** The rows of the main table, one per measured quantity. */
export function rows(figures) {
  const out = [];
  const { bundle, startup, express, capture, storm, bundledApp, openwhisk, openwhiskInstructions, bounded } =
    figures;
  if (bundle && !bundle.error) {
    const name = '1. browser bundle, errors-only (esbuild, minified, ESM)';
    out.push(row(name, 'raw KiB', bundle.faultline.raw / KB, bundle.sentry.raw / KB));
    out.push(row(name, 'gzip KiB', bundle.faultline.gzip / KB, bundle.sentry.gzip / KB));
    out.push(row(name, 'brotli KiB', bundle.faultline.brotli / KB, bundle.sentry.brotli / KB));
    // With code splitting Faultline's event pipeline is a chunk loaded right after init; Sentry's is not split.
    if (bundle.faultline.eager)
      out.push(
        row(
          name,
          'gzip KiB before init (eager part)',
          bundle.faultline.eager.gzip / KB,
          bundle.sentry.gzip / KB,
        ),
      );
  }
  if (startup && !startup.error) {
    const name = `2. Node require + init over bare node (${startup.bare.runs} runs)`;
    out.push(row(name, 'added wall ms', startup.faultline.addedWallMs, startup.sentry.addedWallMs));
    if (startup.faultline.addedOverOneModuleWallMs !== undefined) {
      out.push(
        row(
          name,
          'added wall ms over an app that loaded one file',
          startup.faultline.addedOverOneModuleWallMs,
          startup.sentry.addedOverOneModuleWallMs,
        ),
      );
    }
    if (startup.faultline.requireInitInProcessMs !== undefined) {
      out.push(
        row(
          name,
          'require + init ms, timed in the process after its first file',
          startup.faultline.requireInitInProcessMs,
          startup.sentry.requireInitInProcessMs,
        ),
      );
    }
    if (startup.faultline.addedOverOneModuleCpuMs !== undefined) {
      out.push(
        row(
          name,
          'added CPU ms over an app that loaded one file',
          startup.faultline.addedOverOneModuleCpuMs,
          startup.sentry.addedOverOneModuleCpuMs,
        ),
      );
    }
    if (startup.faultline.addedOverOnePackageCpuMs !== undefined) {
      out.push(
        row(
          name,
          'added wall ms over an app that loaded one package with an exports map',
          startup.faultline.addedOverOnePackageWallMs,
          startup.sentry.addedOverOnePackageWallMs,
        ),
      );
      out.push(
        row(
          name,
          'added CPU ms over an app that loaded one package with an exports map',
          startup.faultline.addedOverOnePackageCpuMs,
          startup.sentry.addedOverOnePackageCpuMs,
        ),
      );
    }
    out.push(
      row(
        name,
        'added peak RSS MiB',
        startup.faultline.addedPeakRssBytes / MiB,
        startup.sentry.addedPeakRssBytes / MiB,
      ),
    );
    if (startup.faultline.addedOverOneModulePeakRssBytes !== undefined) {
      out.push(
        row(
          name,
          'added peak RSS MiB over an app that loaded one file',
          startup.faultline.addedOverOneModulePeakRssBytes / MiB,
          startup.sentry.addedOverOneModulePeakRssBytes / MiB,
        ),
      );
    }
  }
  if (express && !express.error) {
    const cores = express.pinned ? ', server and load generator on separate cores' : '';
    /** The rows of one throughput figure: req/s, share of none, p99, server CPU added. */
    const throughput = (title, fig) => {
      const name = `${title}, ${express.connections} connections${cores} (none: ${formatNumber(fig.none.requestsPerSecond, 0)} req/s)`;
      out.push(
        row(name, 'req/s', fig.faultline.requestsPerSecond, fig.sentry.requestsPerSecond, 0, 'higher'),
      );
      out.push(
        row(
          name,
          '% of none',
          fig.faultline.relativeToNone * 100,
          fig.sentry.relativeToNone * 100,
          1,
          'higher',
        ),
      );
      out.push(row(name, 'latency p99 ms', fig.faultline.latencyP99Ms, fig.sentry.latencyP99Ms, 0));
      if (fig.none.cpuMicrosPerRequest !== undefined) {
        const cpu = `server CPU µs per request added (none: ${formatNumber(fig.none.cpuMicrosPerRequest, 1)})`;
        out.push(row(name, cpu, fig.faultline.cpuMicrosAdded, fig.sentry.cpuMicrosAdded));
      }
    };
    if (express.happy) {
      throughput('3. express hello world, servers that serve only it', express.happy);
      throughput(
        '3a. express hello world, servers that also serve the throwing route (after errors)',
        express,
      );
    } else {
      throughput('3. express hello world', express);
    }
    if (express.throwing) throughput('3b. express route that always throws', express.throwing);
  }
  if (capture && !capture.error) {
    const name = '4. captureException with request context → transport';
    out.push(row(name, 'µs per event', capture.faultline.usPerEvent, capture.sentry.usPerEvent));
    if (capture.faultline.warmUsPerEvent !== undefined) {
      out.push(
        row(
          name,
          `µs per event once warm (after ${formatNumber(capture.faultline.warmAfterEvents, 0)} events)`,
          capture.faultline.warmUsPerEvent,
          capture.sentry.warmUsPerEvent,
        ),
      );
    }
  }
  if (storm && !storm.error) {
    const f = storm.faultline;
    const s = storm.sentry;
    const none = storm.none
      ? ` (no SDK: +${formatNumber(storm.none.rssGrowthBytes / MiB)} MiB, p99 ${formatNumber(storm.none.loopDelayP99Ms)} ms, longest macrotask ${formatNumber(storm.none.taskMaxMs)} ms)`
      : '';
    const name = `5. error storm: ${formatNumber(f.captured, 0)} captures, ingest down${none}`;
    out.push(row(name, 'RSS growth MiB', f.rssGrowthBytes / MiB, s.rssGrowthBytes / MiB));
    out.push(row(name, 'event-loop delay p99 ms', f.loopDelayP99Ms, s.loopDelayP99Ms));
    if (storm.none) {
      out.push(
        row(
          name,
          'event-loop delay p99 ms added over no SDK',
          f.loopDelayP99Ms - storm.none.loopDelayP99Ms,
          s.loopDelayP99Ms - storm.none.loopDelayP99Ms,
        ),
      );
      out.push(
        row(
          name,
          'RSS growth MiB added over no SDK',
          (f.rssGrowthBytes - storm.none.rssGrowthBytes) / MiB,
          (s.rssGrowthBytes - storm.none.rssGrowthBytes) / MiB,
        ),
      );
    }
    out.push(
      row(name, `longest macrotask of ${formatNumber(f.burst, 0)} captures, ms`, f.taskMaxMs, s.taskMaxMs),
    );
    out.push(row(name, 'storm duration ms', f.stormMs, s.stormMs, 0));
    out.push(row(name, 'dropped and counted', f.droppedErrors, s.droppedErrors, 0, 'n/a'));
    out.push(row(name, 'lost uncounted', f.uncounted, s.uncounted, 0));
  }
  if (bundledApp && !bundledApp.error) {
    const name = '6. express app bundled by esbuild (node, minified)';
    const f = bundledApp.faultline;
    const s = bundledApp.sentry;
    out.push(row(name, 'KiB added to the bundle', f.addedMinifiedBytes / KB, s.addedMinifiedBytes / KB));
    out.push(row(name, 'source map MiB (unminified build)', f.mapBytes / MiB, s.mapBytes / MiB, 2));
    if (f.undici !== undefined) {
      out.push(row(name, 'undici in the bundle (1 = yes)', Number(f.undici), Number(s.undici), 0, 'n/a'));
    }
    const ow = bundledApp.openwhisk;
    if (ow) {
      const action =
        '6b. OpenWhisk action zip, wrapAction vs bare (esbuild, minified; Sentry has no wrapper)';
      out.push(row(action, 'KiB added to the bundle', ow.addedMinifiedBytes / KB, Number.NaN));
      out.push(row(action, 'KiB added to the zip', ow.addedZipBytes / KB, Number.NaN));
      out.push(
        row(action, 'undici in the bundle (1 = yes)', Number(ow.wrapped.undici), Number.NaN, 0, 'n/a'),
      );
    }
  }
  if (bounded && !bounded.error) {
    for (const [call, { faultline, sentry }] of Object.entries(bounded.cases)) {
      const name = `7. ${call}`;
      const ms = (r, key) => (r[key] === null ? bounded.timeoutMs : r[key]);
      out.push(row(name, 'call ms (timeout = killed)', ms(faultline, 'callMs'), ms(sentry, 'callMs')));
      out.push(row(name, 'next event ms', ms(faultline, 'nextEventMs'), ms(sentry, 'nextEventMs')));
    }
  }
  if (openwhisk && !openwhisk.error) {
    const p = openwhisk.plain;
    const w = openwhisk.wrapped;
    const name = `8. OpenWhisk cold start, bundled zip action, action proxy /init + first /run (${openwhisk.runs} runs; bare: ${formatNumber(p.firstActivationMs)} ms, first error ${formatNumber(p.firstErrorActivationMs)} ms; Sentry has no wrapper)`;
    out.push(row(name, 'first activation ms added by wrapAction', w.addedFirstActivationMs, Number.NaN));
    out.push(row(name, 'first error ms added by wrapAction', w.addedFirstErrorMs, Number.NaN));
    out.push(row(name, '/init ms added (unzip + require)', w.initMs - p.initMs, Number.NaN));
    out.push(row(name, 'first /run alone, ms added (returns)', w.firstRunMs - p.firstRunMs, Number.NaN));
    out.push(row(name, 'first /run alone, ms added (throws)', w.firstErrorMs - p.firstErrorMs, Number.NaN));
  }
  const counted = openwhiskInstructions;
  if (counted && !counted.error && !counted.skipped) {
    const p = counted.plain.totals;
    const name = `8b. OpenWhisk cold start in instructions, the same bundled action (callgrind, a fresh container per phase; bare: ${formatNumber(p.ok)} M, first error ${formatNumber(p.fail)} M; Sentry has no wrapper)`;
    out.push(row(name, 'first activation, M instructions added', counted.added.firstActivationM, Number.NaN));
    out.push(row(name, 'first error, M instructions added', counted.added.firstErrorActivationM, Number.NaN));
    out.push(row(name, '/init (require of the bundle), M added', counted.added.initM, Number.NaN));
  }
  return out;
}

function coreRows(core) {
  if (!core || core.error) return [];
  return [
    [
      'captureException → envelope bytes (typical error with request context)',
      `${formatNumber(core.capture.usPerEvent)} µs per event (${formatNumber(core.capture.envelopeBytes, 0)} B envelopes)`,
    ],
    [
      `scrub a ${formatNumber(core.scrub.bodyBytes / KB)} KiB JSON request body (requestDataFrom, bodies on)`,
      `${formatNumber(core.scrub.requestDataFromUs)} µs`,
    ],
    ['scrubValue alone on the same (normalized) body', `${formatNumber(core.scrub.scrubValueUs)} µs`],
    [
      'sanitizeEvent of a typical event (20 frames, 20 breadcrumbs, request)',
      `${formatNumber(core.scrub.sanitizeEventUs)} µs`,
    ],
    [
      `scrubString of ${formatNumber(core.scrub.logTextBytes / KB)} KiB of log text`,
      `${formatNumber(core.scrub.scrubTextUs)} µs`,
    ],
    ...(core.firstEvent
      ? [
          [
            `the same sanitizeEvent as a fresh process's first event, then its second (median of ${core.firstEvent.processes} processes)`,
            `${formatNumber(core.firstEvent.firstMs, 2)} ms, then ${formatNumber(core.firstEvent.secondMs, 2)} ms`,
          ],
        ]
      : []),
  ];
}

function failures(figures) {
  return Object.entries(figures)
    .filter(([, value]) => value?.error || value?.skipped)
    .map(([name, value]) => `${name}: ${(value.error ?? value.skipped).split('\n')[0]}`);
}

export function renderTable({ figures, machine }) {
  const header = ['figure', 'metric', 'Faultline', 'Sentry', 'Faultline/Sentry'];
  const body = rows(figures).map((r) => [r.figure, r.metric, r.faultline, r.sentry, r.ratio]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells) =>
    cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  const lines = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  for (const [what, value] of coreRows(figures.core)) lines.push(`core: ${what}: ${value}`);
  for (const failure of failures(figures)) lines.push(`FAILED ${failure}`);
  lines.push(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`);
  return lines.join('\n');
}

export function renderMarkdown({ figures, machine, date, quick, rerun, note }) {
  const table = rows(figures)
    .map((r) => `| ${r.figure} | ${r.metric} | ${r.faultline} | ${r.sentry} | ${r.ratio} |`)
    .join('\n');
  const core = coreRows(figures.core)
    .map(([what, value]) => `| ${what} | ${value} |`)
    .join('\n');
  const failed = failures(figures);
  const storm = figures.storm && !figures.storm.error ? figures.storm : undefined;
  const express = figures.express && !figures.express.error ? figures.express : undefined;
  return `# Benchmarks

Faultline beside the Sentry SDK (\`@sentry/node\` / \`@sentry/browser\` ${machine.versions['@sentry/node']}), measured
in the same run on the same machine by \`npm run bench\` (source in [\`bench/\`](../bench)). Each figure
is the median of repeated runs; the last column is Faultline's figure over Sentry's (below 1×:
Faultline is smaller, faster or cheaper, except for req/s and % of none, where higher is better).
Raw results of every run are written to \`bench/results/<timestamp>.json\`.

Run on ${date.slice(0, 10)}: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}.
Absolute times on a small shared VM are noisy; runs alternate between the SDKs so that any
background load hits both alike, and the ratios are the figures to read.${quick ? '\n\nThis run used `--quick` (fewer repetitions and shorter loads): a check of the harness, not figures to quote.' : ''}${rerun ? `\n\nRerun alone, same code, right after: ${rerun}.` : ''}${note ? `\n\n${note}` : ''}

| figure | metric | Faultline | Sentry | Faultline/Sentry |
|---|---|--:|--:|--:|
${table}
${failed.length ? `\nNot measured in this run: ${failed.join('; ')}.\n` : ''}
## How each figure is taken

1. **Browser bundle** (rows 1): \`import { init } from '<sdk>'; init({ dsn })\` bundled by esbuild
   (\`--bundle --minify --format=esm --platform=browser\`) from the built packages; gzip level 9,
   brotli quality 11. Sentry with its default integrations, which is its errors-only setup. What
   a page downloads for the SDK before anything fails; Faultline's budget is 10 KiB gzip
   (\`packages/browser/scripts/size-check.mjs\`).
2. **Start-up** (rows 2): fresh \`node -e\` processes doing \`require(sdk).init({ dsn })\`,
   interleaved with one that only prints its peak RSS (bare) and one that first loads a
   one-line file (Node's loader does one-time work on the first file an app loads, which every
   real app pays with or without an SDK: the figure "over an app that loaded one file" is the
   SDK's own share, target ≤ +5 ms and ≤ +2 MiB), and one that first loads a package with an
   "exports" map (\`merge-descriptors\`, one file, which express 5 loads): Node resolves the first
   such package through its ES module resolver, which it loads and warms on that first use
   (about 2.5 ms); an app pays that once, at its first such package, SDK or not. Wall time from
   spawn to exit, peak RSS from \`getrusage\`, CPU time (user + system) from \`getrusage\` just
   before exit: on a 2-core machine shared with other work, wall time also counts waiting for a
   core, CPU time does not.
   Faultline's \`require\` + \`init\` load one file (\`@faultline/node\`'s front: options, scopes,
   hooks); the event pipeline (core's client, stack frames, source maps, the HTTP client) is a
   second file loaded synchronously at the first capture.
   A fresh process takes 40 to 95 ms from spawn to exit on this machine, varying by more than
   the figure itself, so the row "timed in the process" reads the clock inside each process,
   after the app's first file, before \`require\` and after \`init\` returns: the SDK's own cost
   without the process's start and exit. It includes Node's first resolution of a package
   "exports" map (the ES module resolver's first use, about 2 ms, which an app that loaded such
   a package has paid already). Where the rest goes (in one process, over 20 runs): resolving
   the package about 2 ms, reading and compiling its one 45 KB file about 1.8 ms, \`init\` about
   1.6 ms (options, DSN, scopes, the process and \`diagnostics_channel\` hooks).
3. **Express hello world** (rows 3): express ${machine.versions.express}, each variant in its own
   process (none; \`init\` + \`expressRequestHandler()\`/\`expressErrorHandler()\`; \`Sentry.init\` +
   \`Sentry.setupExpressErrorHandler(app)\`), driven by autocannon ${machine.versions.autocannon}
   from the bench process, ${express?.faultline?.rounds ?? 12} rounds of ${express?.faultline?.duration ?? 2} s interleaved across variants (in turn forwards
   and backwards), 0.5 s warm-up per round: many short rounds, so that a burst of load from
   elsewhere spoils few of them and the median over rounds leaves it out. "% of none" is the median over rounds of the variant's req/s over the
   no-SDK server's req/s in the same round (target ≥ 97 %): the cost of the middleware on the
   happy path. Server and load generator share the machine: where \`taskset\` is there (the
   rows then say "on separate cores"), each server runs on the first core and the load generator on the
   last, so that neither takes the other's core (a server on one core of its own, as in a
   one-CPU container, GC threads included). Single rounds still vary by several percent with
   the load of a shared machine; the paired ratio cancels load that drifts between rounds.
   "Server CPU µs per request added" is the server process's CPU time (user + system, from
   \`process.cpuUsage\` asked over IPC before and after each measured load) per answered request,
   minus the no-SDK server's in the same round, median over rounds: what the SDK costs each
   request, steadier than req/s when the load generator and other work compete for the cores.
   Rows 3 come from servers that serve only hello world (the happy path of a server that has not
   failed), a new process per variant and round, warmed up for twice as long: one process keeps
   its own luck (where its code and heap land) for its whole life, several percent of
   throughput, and a new one per round spreads that over the rounds. Rows 3a come from one
   server per variant for the whole run that, in each round, serves hello world and then the
   throwing route (3b), so from the second round on its hello world runs after an error storm. In separate measurements a fresh Faultline server
   added +2 to +8 µs per hello-world request and one that had first served 20,000 errors +13 to
   +55 µs. A CPU
   profile of the same server before and after the errors puts the difference in node:http's
   own functions (\`writeHead\`, \`_storeHeader\`, \`write_\`, \`Socket._writev\`), not in the SDK's.
   What was ruled out, each in pinned A/B runs of 10 to 16 rounds after a 3 s storm: the
   deliveries (a transport that sends nothing slows the same), a \`finish\` listener on each
   response (none, or Node's \`http.server.response.finish\` channel instead: the same), V8's
   allocation-site pretenuring (\`--no-allocation-site-pretenuring\`: the same), work left
   running after the storm (idle CPU as before it), memory kept (after a full collection the
   heap holds 2.6 MB more than the no-SDK server's, mostly compiled code). A server with the
   error middleware but not the request middleware (so it captures nothing) does not slow
   down. In one profile of each, the no-SDK server's own hello world got faster after its errors
   (125 to 121 µs per request, profiled) while that of a Faultline server (request middleware
   only, a transport that sends nothing) stayed as it was (137 to 138).
   The same requests are also counted in instructions (\`node bench/express-instructions.mjs\`,
   not part of \`npm run bench\`; needs valgrind, about 20 minutes): the throughput bench's own
   server under callgrind, driven over one connection (one request per turn of its event loop:
   with ten connections, how many requests shared a turn moved the figures by 10 to 15 K between
   runs on a busy machine), what one request costs once warm (the difference between servers
   that answer 1,200 and 6,200 requests, over 5,000), repeatable to about 3 K in 700 K. There a
   hello-world request costs the no-SDK server about 710 K instructions. Step by step (servers
   cut down, 2026-12-07): \`init\` and the error middleware (express walks past it) add about
   3 K; a request middleware that only calls \`next\` 1 K more (an empty middleware in the
   no-SDK server: 5 K); opening the request's scope 4 K; entering it, 13 to 17 K, nearly all
   of it AsyncLocalStorage: once one is in use, Node 20 sends every native callback through its
   async-hooks trampoline and calls an init hook for every promise and native resource (a bare
   AsyncLocalStorage middleware in the no-SDK server adds 6 K, and 8 to 10 K in the Faultline
   server, which makes more of them); following the response for its status 5 K. So of the
   28 K Faultline adds, about 10 K is AsyncLocalStorage itself, which request isolation needs
   on Node 20. A \`finish\`
   listener on each response cost another 28 K; responses of Node's servers are now reported
   from the \`http.server.response.finish\` channel instead; in paired rounds of the two
   versions' servers (20 rounds, pinned as above, twice) hello world went from 95.5 and 95.7 %
   to 97.8 and 98.0 % of none, CPU added per request from 6.3 and 5.6 to 3.3 and 3.0 µs. After 3,000 errors, the
   Faultline server's hello world counted fewer instructions than before them, as the no-SDK
   server's did: the slower hello world after errors in wall time is not more work done.
   Last run (2026-12-07, one connection): hello world 707.9 K without an SDK, 736.3 K with
   Faultline (+28.4 K, +4.0 %); after 3,000 errors 624.7 K and 649.0 K (+24.3 K); the throwing
   route 1,024.7 K and 1,142.0 K (+117.3 K, +11.4 %). Before the request's state moved from a
   property of express's request to its socket (express gives each request a hidden class of its
   own, so a property added to one made V8 build a new class every time, about 15 K), the same
   method read +41.6 K for hello world and +133.1 K for the throwing route. In that route
   express itself logs each error's stack (\`console.error(err.stack)\`, in every environment but
   \`test\`), so the SDK reading the stack first costs nothing extra (about 62 K for an 11-frame
   stack, where nothing else reads it); the console breadcrumb of that line costs about 22 K
   (9 K the wrapper, 13 K the recording). Under callgrind a server runs about 50 times
   slower, while the storm guard's rate (one event of an issue a second) is in wall-clock
   time: counted that way, the throwing route built an event every few dozen requests instead
   of every few thousand and read +222.8 K; the counted servers now build none after the
   issue's burst (\`stormGuard.perSecond: 0\`), so the figure is what an error costs up to being
   counted. Where it goes (servers cut down, same method, 2026-12-07): \`init\` and an error
   middleware that only passes the error on, 28 to 32 K; the capture up to the storm guard's
   count, 74 to 77 K (the stack text it reads is the one express then logs); the request
   middleware, 12 to 16 K. Express's own log of each error is a console breadcrumb: with
   console breadcrumbs off the route reads 11.5 to 18.7 K less, of which recording the
   breadcrumb is about 1.5 K and most of the rest V8 still optimizing that path between the
   1,200th and 6,200th request. The route then reads 1,144.2 K against 1,025.7 to 1,027.3 K
   without an SDK: 89.8 % of none in instructions, where the target is 90 %.
   **Route that always throws** (rows 3b): the same servers, \`GET /throw\` throwing the same
   error on every request (none: express's own 500 page), rounds interleaved with figure 3. An
   app stuck on one bug: every request is an error report, so this is the cost of capturing
   (target ≥ 90 % of none). Faultline's storm guard builds the first events of the issue, then a
   few per second, and only counts the rest. Each of those events used to deoptimize the
   capture path (V8's \`--trace-deopt\`: the guard's decision and the client's capture, at every
   event, then recompiled): the repeat count gained a property after it was made, which gave it
   a map of its own that a full collection dropped. Made as one whole object, the route went
   from 80.6 % to 86.0 % of none between two runs of this bench.
4. **Capture cost** (row 4): each SDK in its own process with its default integrations
   (Faultline's storm guard off: this figure is the cost of building an event) and a transport
   that only records; the scope carries a request, a user, tags and 10 breadcrumbs; errors with
   a cause are created before the clock starts. Events go in bursts of 50, each waited for until
   its last envelope reaches the transport: Sentry's client processes at most 64 events at once
   and drops the rest. Each process captures 1,000 events to warm up, then 12 batches of 1,000:
   "µs per event" is the median over the first 7 batches, "once warm" over the last 7 (after
   6,000 events, when V8 has optimised the capture path: on this 2-core machine its optimising
   compiler needs a few thousand events, and the CPU time it takes on its own thread competes
   with the app's). The first figure is what an app pays over its first few thousand errors, the
   second what it pays from then on.
5. **Error storm** (rows 5): ${storm ? formatNumber(storm.faultline.captured, 0) : '100,000'} \`captureException\` calls in tight loops of
   ${storm ? formatNumber(storm.faultline.burst, 0) : '1,000'} (one loop per macrotask), default transport pointed at a refused port on
   127.0.0.1, and the same loops without an SDK (in the figure's title). RSS growth is the peak
   over the start (target ≤ +15 MiB); event-loop delay p99 from
   \`perf_hooks.monitorEventLoopDelay\` (10 ms resolution) during the storm, as the delay beyond
   the monitor's own 10 ms timer interval (each sample it records is the time between two firings
   of its timer, so an idle process reads about 10 ms; target ≤ 10 ms). Both are also given
   over the no-SDK loop, since creating 100,000 errors costs the app memory and delay of its
   own. "Longest macrotask" is the slowest loop of captures: the synchronous time the app could
   not serve anything else; for Faultline it is usually the first loop, which builds the first
   events and loads what the first error needs. Then a bounded flush (5 s), after which the drop
   counts are read (Faultline: the client reports it would send; Sentry: its client's outcome
   counters). "Lost uncounted" = captures − counted drops − still queued (must be 0). Faultline
   counts repeats of one issue instead of building them (\`backpressure\` in its client reports;
   the issue's next event carries the count) and, while the queue is full, counts captures as
   \`queue_overflow\` before building anything.
6. **Bundled app** (rows 6): an express app with each SDK's init and error handler, bundled by
   esbuild (\`--bundle --platform=node --format=cjs\`), minified, against the same app without an
   SDK (target ≤ 150 KiB added); the source map is that of the unminified build (maps over
   4 MiB are what some readers skip). "undici in the bundle" says whether the opt-in undici
   executor's library (about 1 MB) was pulled in; it must not be.
   **OpenWhisk action zip** (rows 6b): \`wrapAction\` around a one-line \`main\`, bundled the same
   way and zipped as deployed, against the bare action (target ≤ 150 KiB added). Both miss
   it since the scrubbing rules of 2026-12-08 (about 11 KiB of rules the two leak probes of that
   day called for: 52 KB of the SDK's share are now the scrubbing rules). An event needs nearly
   all of core: a bundle of the Node pipeline's \`startClient\` alone keeps 98.8 of the 104.5 KB
   that all of core's modules took there (measured on 2026-12-07), so a bundler has little left
   to drop, whether the pipeline is required or imported.
7. **Huge inputs** (rows 7): each call with a 50 MiB \`Uint8Array\`, an object of 1,000,000 keys or
   a 10 MB string, in a fresh process per SDK and call, with a transport that only records: the
   call's own time, then the time of the next plain \`captureException\` until its envelope is
   handed over (what every later event pays for what the call kept). A process still running
   after the timeout is killed and reported at the timeout. Listing the keys of a
   million-key object costs V8 seconds on a busy machine whatever reads them; what matters is
   that it happens once, at the call, not again at every event.
8. **OpenWhisk cold start** (rows 8): an action bundled with esbuild into one \`index.js\`, zipped,
   and run in a fresh container each time: the stand-in for the Apache Node.js runtime's action
   proxy that \`packages/openwhisk\`'s tests use, driven through its \`POST /init\` (unzip +
   \`require\`) and \`POST /run\` protocol as the invoker does, in its own process. "First
   activation" is /init plus a first /run that returns; "first error" is /init plus a first /run
   that throws, in another fresh container; both over the same action without \`wrapAction\`
   (targets ≤ +10 ms and ≤ +40 ms). The "/run alone" rows leave /init out: what the first
   activation itself takes once the container holds the action (a bare action's first /run
   takes about 7 ms, its first failing one about 20 ms, most of it the proxy printing the error). The DSN points at a local ingest that accepts everything, so
   the wrapper's flush before returning is included, as in production. The proxy unzips with
   the native \`unzip\`, as the runtime's image does (adm-zip, in JavaScript, only where \`unzip\`
   is not installed). The bundle is not minified.
   Cold-start times move by milliseconds with the load of a shared machine, so the same cold
   start is also counted in instructions (rows 8b, \`bench/openwhisk-cold-start-instructions.mjs\`;
   about 35 s, left out where valgrind is not installed): a stand-in container with what the proxy has
   loaded before /init requires the bundled action, then runs its first activation, returning
   or throwing, each phase a fresh process under callgrind; the counts repeat to about 0.1 M.
   The flags that make them repeat (\`--single-threaded\`, \`--hash-seed\`, \`--random-seed\`)
   also make Node set aside the code cache its built-in modules ship with, so each built-in
   loaded is compiled from source: \`require('node:http')\` counts 62 M instead of 15 M. Only
   the few built-ins the wrapper loads itself (\`node:os\` for the contexts) weigh on these
   figures: without the flags they read about the same (/init 43 to 46 M, first error 176 to
   179 M added), repeating to only about 3 M.
   Where they go: compiling the bundle is most of /init (about 0.12 M instructions per KB, V8's
   pre-parse of every function: scanning tokens and naming identifiers, not layout). Timed
   alone in fresh processes, the 269 KB bundle compiles in 5.1 ms, and in 4.9 ms minified
   (medians of 12); about 0.5 ms of it is V8 checking the syntax of the bundle's 21 KB of
   regular-expression literals. A bundle is one script, so the pipeline that Node's own
   install loads on the first event is compiled with the rest; requiring the packages from a
   zipped \`node_modules\` instead costs as much (about 12 ms to require either way, timed in
   the same minutes: the packages' files are resolved and read one by one). The first error, timed step by step in fresh processes
   (the bundle required and its first activation run in the same process, a local ingest,
   2026-12-07): the capture takes 23 to 26 ms before anything is sent. Sanitizing the event is
   5.7 to 8 ms of it, of which compiling the 51 scrubbing patterns the event meets is 2.5 to
   4 ms; scrubbing the action's parameters into the \`action_params\` context 2.4 to 3.3 ms (the
   key rules' first use); the source-map lookup of the bundle 2.2 to 2.7 ms (reading it for its
   \`sourceMappingURL\` and its lines); loading the event pipeline 1.7 to 2.5 ms and starting
   its client 0.7 to 0.9 ms; every other step 0.1 to 1 ms. Then the delivery, 8 to 15 ms, is
   nearly all Node's own first HTTP request: a bare POST from a fresh process to the same
   ingest takes 8 to 12 ms (5 to 7 ms over a raw socket). With \`--no-lazy\` (every function
   compiled at load) the capture is about 6 ms and the delivery about 7 ms shorter, and the
   require 15 ms longer: most of a first capture is V8 running its code for the first time in
   the interpreter, not compiling it.
   The count of the last run before rows 8b were part of the bench (2026-12-07), the 265 KB bundle: /init 40.2 M added, first activation 58.8 M, first
   error 188.5 M. Before core's event pipeline was left out of what a bundle evaluates at load
   (the wrapper and Node's front now import only core's \`./front\` and \`./setup\` entries; the
   rest of core runs with the pipeline, at the first event): /init 53.5 M, first activation
   69.4 M, first error 189.9 M, for the 290 KB bundle of then. Of /init's 40 M, compiling the
   bundle is about 33 M (a \`vm.Script\` of it alone under callgrind) and running the module
   bodies of the fronts about 7 M, where it was 17 M with core's pipeline.

## Core figures (\`node bench/core.mjs\`)

In-process, on the built \`@faultline/core\`, no runtime integrations.

| what | median |
|---|---|
${core}
`;
}
