// A webhook receiver for the demo's alerts, on 127.0.0.1: keeps the JSON bodies posted to it.
import { createServer } from 'node:http';

export async function startWebhookReceiver() {
  const bodies = [];
  const server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8').on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => {
      try {
        bodies.push(JSON.parse(text));
        res.writeHead(200).end('ok');
      } catch {
        res.writeHead(400).end('not JSON');
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/alerts`,
    bodies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
