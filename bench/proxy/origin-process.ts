// The web origin of the proxy benchmark, in a process of its own: a 1 KiB page on every path.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const body = Buffer.from(`<!doctype html><title>origin</title><p>${'x'.repeat(1000)}</p>`);
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
