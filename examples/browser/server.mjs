// Serves the example page, the SDK's script-tag build and a tiny API on 127.0.0.1.
// PORT=0 picks a free port; FAULTLINE_DSN tells the page where to report.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const sdkDir = dirname(createRequire(import.meta.url).resolve('@faultline/browser/package.json'));

const files = {
  '/': [join(here, 'public/index.html'), 'text/html; charset=utf-8'],
  '/app.js': [join(here, 'public/app.js'), 'text/javascript; charset=utf-8'],
  '/faultline.min.js': [join(sdkDir, 'dist/faultline.min.js'), 'text/javascript; charset=utf-8'],
};

const config = {
  dsn: process.env.FAULTLINE_DSN ?? '',
  environment: process.env.FAULTLINE_ENVIRONMENT ?? 'development',
  release: 'example-browser@0.1.0',
};

const server = createServer(async (req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const file = files[path];
  if (file) {
    try {
      res.writeHead(200, { 'content-type': file[1], 'cache-control': 'no-store' });
      return res.end(await readFile(file[0]));
    } catch {
      res.writeHead(500, { 'content-type': 'text/plain' });
      return res.end(`missing ${file[0]}: run npm run build at the repository root\n`);
    }
  }
  if (path === '/config.js') {
    res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
    return res.end(`window.FAULTLINE_CONFIG = ${JSON.stringify(config)};\n`);
  }
  // The API the page calls: the cart loads, the checkout is broken, anything else is unknown.
  if (path === '/api/cart') return json(res, 200, { items: [{ sku: 'tea', quantity: 2 }] });
  if (path === '/api/checkout') return json(res, 500, { error: 'payment provider unavailable' });
  json(res, 404, { error: 'not found' });
});

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

server.listen(Number(process.env.PORT ?? 3002), '127.0.0.1', () => {
  console.log(`example-browser listening on http://127.0.0.1:${server.address().port}`);
  if (!config.dsn) console.log('FAULTLINE_DSN is not set: the page works, but reports nowhere.');
});
