import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebProxy, type WebDecision, type WebEvent } from '../src/frontends/proxy/proxy.js';
import { launchChromium } from './helpers/browser.js';
import { curlThrough } from './helpers/curl.js';
import { startOrigin } from './helpers/origin.js';

// A stand-in verdict: this suite is about the proxy plumbing, real clients and the pages.
function decide({ host, url }: { host: string; url?: string }): WebDecision {
  if (host === 'phish.example' || host.endsWith('.phish.example')) return { action: 'block', reason: 'Known phishing site', rule: 'feed:phishing/phish.example' };
  if (host === 'warn.example') return { action: 'warn', reason: 'Your organisation asks you to take care here', rule: 'indicator:42' };
  if (url?.includes('/evil/')) return { action: 'block', reason: 'Blocked by your organisation', rule: 'indicator:7' };
  return { action: 'allow', reason: '', rule: '' };
}

describe('web proxy with curl and Chromium', () => {
  let proxy: WebProxy<WebDecision>;
  let origin: Awaited<ReturnType<typeof startOrigin>>;
  let port: number;
  const events: Array<WebEvent<WebDecision>> = [];
  const falsePositives: Array<{ target: string; rule: string }> = [];

  beforeAll(async () => {
    origin = await startOrigin();
    proxy = new WebProxy({ host: '127.0.0.1', port: 0, decide, onEvent: (e) => events.push(e), onFalsePositive: (r) => falsePositives.push(r) });
    await proxy.start();
    port = proxy.address().port;
  });
  afterAll(async () => {
    await proxy.stop();
    await origin.stop();
  });

  it('answers a blocked http:// URL with the block page, and passes an allowed one to the origin', async () => {
    const blocked = await curlThrough(port, 'http://login.phish.example/account?x=<script>');
    expect(blocked.status).toBe(403);
    expect(blocked.body).toContain('Known phishing site');
    expect(blocked.body).toContain('feed:phishing/phish.example');
    expect(blocked.body).not.toContain('<script>');
    expect(events.at(-1)).toMatchObject({ host: 'login.phish.example', decision: { action: 'block' } });

    const allowed = await curlThrough(port, `http://127.0.0.1:${origin.port}/hello?q=1`);
    expect(allowed.status).toBe(200);
    expect(allowed.body).toContain(`Hello from 127.0.0.1:${origin.port}/hello?q=1`);
  });

  it('checks the full URL of plain HTTP requests', async () => {
    const res = await curlThrough(port, `http://127.0.0.1:${origin.port}/evil/payload`);
    expect(res.status).toBe(403);
    expect(res.body).toContain('indicator:7');
    expect(origin.hits).not.toContain(`127.0.0.1:${origin.port}/evil/payload`);
  });

  it('refuses a blocked CONNECT tunnel and opens an allowed one', async () => {
    const blocked = await curlThrough(port, 'https://phish.example/', ['-v']);
    expect(blocked.stderr).toMatch(/403/);
    expect(origin.hits.length).toBeGreaterThan(0);
    // An allowed CONNECT reaches the origin (plain HTTP inside the tunnel, via --proxytunnel).
    const tunnelled = await curlThrough(port, `http://127.0.0.1:${origin.port}/tunnel`, ['--proxytunnel']);
    expect(tunnelled.body).toContain('/tunnel');
  });

  it('serves a PAC file', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/proxy.pac`);
    expect(res.headers.get('content-type')).toBe('application/x-ns-proxy-autoconfig');
    expect(await res.text()).toContain(`PROXY 127.0.0.1:${port}`);
  });

  it('shows Chromium the block page for a listed domain, and lets a Warn be continued', async () => {
    mkdirSync('test-artifacts', { recursive: true });
    const browser = await launchChromium(port);
    try {
      const page = await browser.newPage();
      const response = await page.goto(`http://phish.example:${origin.port}/login`);
      expect(response?.status()).toBe(403);
      expect(await page.textContent('#title')).toBe('Site blocked');
      expect(await page.textContent('#reason')).toBe('Known phishing site');
      await page.screenshot({ path: 'test-artifacts/block-page.png', fullPage: true });

      // Report a false positive from the page.
      await page.click('#report');
      expect(await page.textContent('#thanks')).toContain('Thank you');
      expect(falsePositives.at(-1)).toMatchObject({ target: `http://phish.example:${origin.port}/login`, rule: 'feed:phishing/phish.example' });

      // Warn: a page with a button; continuing reaches the site (resolved by the proxy).
      await page.goto(`http://warn.example:${origin.port}/docs`);
      expect(await page.textContent('#title')).toBe('This site may be unsafe');
      await page.screenshot({ path: 'test-artifacts/warn-page.png', fullPage: true });
      const href = await page.getAttribute('#continue', 'href');
      expect(href).toMatch(/__bulwark_continue=/);
    } finally {
      await browser.close();
    }
    expect(events.some((e) => e.host === 'warn.example' && e.decision.action === 'warn' && !e.userContinued)).toBe(true);
  });

  it('lets a continued Warn through with a valid token only', async () => {
    const first = await curlThrough(port, `http://warn.example/page`);
    const href = /href="([^"]+)"/.exec(first.body)![1]!.replace(/&amp;/g, '&');
    const token = new URL(href).searchParams.get('__bulwark_continue')!;
    // A forged token does not unlock the host.
    expect((await curlThrough(port, `http://warn.example/page?__bulwark_continue=${token.slice(0, -2)}xx`)).status).toBe(403);
    // The real one unlocks it: the proxy then forwards (the name does not resolve here, so 502).
    const continued = await curlThrough(port, `http://warn.example/page?__bulwark_continue=${token}`);
    expect(continued.status).toBe(502);
    expect(events.at(-1)).toMatchObject({ host: 'warn.example', userContinued: true });
  });
});
