import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local web origin for tests: answers every path with a page naming the host and path. */
export async function startOrigin(): Promise<{ port: number; hits: string[]; stop(): Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.headers.host}${req.url}`);
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><title>origin</title><h1 id="origin">Hello from ${req.headers.host}${req.url}</h1>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    stop: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
