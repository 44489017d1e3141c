import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestUpstream } from '../test/helpers/dns-upstream.js';
import { dig } from './helpers/dig.js';

// The filter forwards to a DNS-over-HTTPS upstream (RFC 8484, POST application/dns-message) over
// real TLS: a local DoH server with a certificate made here, trusted by the filter's process only.
describe('DNS filter with a DNS-over-HTTPS upstream', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bulwark-doh-'));
  const answers = new TestUpstream();
  let doh: https.Server;
  let filter: ChildProcess;
  let port = 0;
  const seen: Array<{ method: string; type: string; id: number }> = [];

  beforeAll(async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`], { stdio: 'ignore' });
    doh = https.createServer({ key: readFileSync(`${dir}/key.pem`), cert: readFileSync(`${dir}/cert.pem`) }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const query = Buffer.concat(chunks);
        seen.push({ method: req.method ?? '', type: req.headers['content-type'] ?? '', id: query.length >= 2 ? query.readUInt16BE(0) : -1 });
        const answer = answers.answer(query, true);
        if (!answer || req.url !== '/dns-query') return void res.writeHead(400).end();
        res.writeHead(200, { 'content-type': 'application/dns-message' }).end(answer);
      });
    });
    await new Promise<void>((r) => doh.listen(0, '127.0.0.1', () => r()));
    const upstream = `https://127.0.0.1:${(doh.address() as AddressInfo).port}/dns-query`;
    filter = spawn(process.execPath, ['--import', 'tsx', 'e2e/helpers/dns-filter-process.ts', upstream, 'phish.example'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_EXTRA_CA_CERTS: `${dir}/cert.pem` },
    });
    port = Number(await new Promise<string>((resolve) => createInterface({ input: filter.stdout! }).once('line', resolve)));
  });

  afterAll(async () => {
    filter.kill('SIGTERM');
    await new Promise<void>((r) => doh.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('resolves through the DoH upstream with id 0 as RFC 8484 asks, and blocks without asking it', async () => {
    const answer = await dig(port, 'www.example.net');
    expect(answer.status).toBe('NOERROR');
    expect(answer.answers[0]).toMatch(/^A 192\.0\.2\./);
    expect(seen).toEqual([{ method: 'POST', type: 'application/dns-message', id: 0 }]);
    expect((await dig(port, 'login.phish.example')).status).toBe('NXDOMAIN');
    expect((await dig(port, 'gone.invalid', 'A', ['+tcp'])).status).toBe('NXDOMAIN');
    expect(seen).toHaveLength(2);
  });

  it('refuses an upstream whose certificate it does not trust (SERVFAIL, nothing asked)', async () => {
    const upstream = `https://127.0.0.1:${(doh.address() as AddressInfo).port}/dns-query`;
    const untrusting = spawn(process.execPath, ['--import', 'tsx', 'e2e/helpers/dns-filter-process.ts', upstream, 'phish.example'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const other = Number(await new Promise<string>((resolve) => createInterface({ input: untrusting.stdout }).once('line', resolve)));
      const before = seen.length;
      expect((await dig(other, 'www.example.com')).status).toBe('SERVFAIL');
      expect(seen.length).toBe(before);
    } finally {
      untrusting.kill('SIGTERM');
    }
  });
});
