const { monitorEventLoopDelay } = require('node:perf_hooks');
const mode = process.argv[2];
let capture = () => undefined;
if (mode === 'faultline') { const f = require('@faultline/node'); f.init({ dsn: 'http://public@127.0.0.1:9/1' }); capture = (e) => f.captureException(e); }
if (mode === 'touch') { capture = (e) => e.stack; }
(async () => {
  const h = monitorEventLoopDelay({ resolution: 10 }); const r0 = process.memoryUsage().rss; let peak = r0; h.enable();
  const c0 = process.cpuUsage();
  for (let n = 0; n < 100000;) { const end = n + 1000; for (; n < end; n++) capture(new Error(`storm ${n}`)); peak = Math.max(peak, process.memoryUsage().rss); await new Promise((r) => setImmediate(r)); }
  h.disable(); const c = process.cpuUsage(c0);
  console.log(mode, 'cpu ms', (c.user + c.system) / 1000, 'rss MiB', ((peak - r0) / 1048576).toFixed(1), 'p99', h.percentile(99) / 1e6, 'max', h.max / 1e6);
  process.exit(0);
})();
