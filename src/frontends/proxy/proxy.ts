import http from 'node:http';
import net from 'node:net';
import type { WebAction } from '../../agent/index.js';
import { renderBlockPage } from './block-page.js';
import { ContinueTokens } from './continue-token.js';

/** The caller's verdict for a request; `reason` and `rule` explain it on the block page. */
export interface WebDecision {
  action: WebAction;
  reason: string;
  rule: string;
}

export interface WebEvent<D extends WebDecision> {
  decision: D;
  host: string;
  /** The full URL when the proxy saw it (plain HTTP); undefined for CONNECT. */
  url: string | undefined;
  /** A Warn the user clicked through. */
  userContinued: boolean;
}

export interface WebProxyOptions<D extends WebDecision> {
  host: string;
  port: number;
  /** Full-URL verdict for plain HTTP, host-only verdict for CONNECT. */
  decide(question: { host: string; url?: string }): D;
  /** Every request that was not simply allowed: blocks, warns (and continues), audits. */
  onEvent?(event: WebEvent<D>): void;
  onFalsePositive?(report: { target: string; rule: string }): void;
  upstreamTimeoutMs?: number;
}

const CONTINUE_PARAM = '__bulwark_continue';
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'upgrade'];

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > limit) req.destroy(new Error('body too large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

/**
 * The local web proxy: plain HTTP requests are checked by full URL and answered with a block
 * or warning page, CONNECT tunnels are checked by host name and refused when blocked. It also
 * serves a PAC file, and the block page to clients that reach it directly (DNS address mode).
 */
export class WebProxy<D extends WebDecision> {
  private server: http.Server | undefined;
  private readonly tokens = new ContinueTokens();
  /** Hosts the user chose to continue to after a Warn, until when. */
  private readonly continued = new Map<string, number>();
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

  constructor(private readonly options: WebProxyOptions<D>) {}

  address(): { host: string; port: number } {
    const a = this.server!.address() as net.AddressInfo;
    return { host: a.address, port: a.port };
  }

  private get self(): string {
    const { host, port } = this.address();
    return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
  }

  /** A PAC file that sends everything but loop-back and plain host names through this proxy. */
  pac(): string {
    return `function FindProxyForURL(url, host) {
  if (isPlainHostName(host) || host === "localhost" || shExpMatch(host, "127.*") || host === "[::1]") return "DIRECT";
  return "PROXY ${this.self}";
}
`;
  }

  async start(): Promise<void> {
    const server = http.createServer((req, res) => void this.onRequest(req, res));
    server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => this.onConnect(req, socket, head));
    server.on('clientError', (_err, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private page(res: http.ServerResponse, status: number, html: string): void {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action *" });
    res.end(html);
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = req.url ?? '/';
    try {
      if (raw.startsWith('/')) return await this.serveLocal(req, res, raw);
      const url = new URL(raw);
      if (url.protocol !== 'http:') return this.page(res, 400, 'only http:// URLs are proxied this way; use CONNECT for https');
      if (url.host === this.self) return await this.serveLocal(req, res, url.pathname + url.search);
      return await this.proxy(req, res, url);
    } catch {
      if (!res.headersSent) this.page(res, 400, 'bad request');
      else res.destroy();
    }
  }

  /** Requests addressed to the proxy itself, or to a blocked name that DNS pointed here. */
  private async serveLocal(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const isSelf = host === this.address().host || host === 'localhost' || `${host}:${this.address().port}` === this.self;
    if (path === '/proxy.pac' && isSelf) {
      res.writeHead(200, { 'content-type': 'application/x-ns-proxy-autoconfig' });
      return void res.end(this.pac());
    }
    if (path === '/__bulwark/false-positive' && req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req, 16_384));
      const target = form.get('target')?.slice(0, 2048) ?? '';
      this.options.onFalsePositive?.({ target, rule: form.get('rule')?.slice(0, 256) ?? '' });
      return this.page(res, 200, '<!doctype html><title>Thank you</title><p id="thanks">Thank you: your report was sent to your security team.</p>');
    }
    if (isSelf) return this.page(res, 404, '<!doctype html><title>Bulwark</title><p>Bulwark local web protection. Configure /proxy.pac in your browser.</p>');
    // DNS answered a blocked name with this address: only the host is known.
    const decision = this.options.decide({ host });
    return this.page(res, 403, renderBlockPage({ target: host, action: 'block', reason: decision.reason, rule: decision.rule, reportUrl: '/__bulwark/false-positive' }));
  }

  private async proxy(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const host = url.hostname.toLowerCase();
    const now = Date.now();
    let userContinued = false;
    const token = url.searchParams.get(CONTINUE_PARAM);
    if (token !== null) {
      url.searchParams.delete(CONTINUE_PARAM);
      if (this.tokens.verify(token, host, now)) {
        this.continued.set(host, now + 60 * 60 * 1000);
        userContinued = true;
      }
    }
    const decision = this.options.decide({ host, url: url.toString() });
    if (decision.action !== 'allow') {
      const continuedUntil = this.continued.get(host) ?? 0;
      const passes = decision.action === 'audit' || (decision.action === 'warn' && continuedUntil > now);
      this.options.onEvent?.({ decision, host, url: url.toString(), userContinued: decision.action === 'warn' && (userContinued || continuedUntil > now) });
      if (!passes) {
        const continueUrl = decision.action === 'warn' ? `${url.toString()}${url.search ? '&' : '?'}${CONTINUE_PARAM}=${this.tokens.issue(host, now)}` : undefined;
        return this.page(res, 403, renderBlockPage({ target: url.toString(), action: decision.action === 'warn' ? 'warn' : 'block', reason: decision.reason, rule: decision.rule, continueUrl, reportUrl: `http://${this.self}/__bulwark/false-positive` }));
      }
    }
    await this.forward(req, res, url);
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const headers = { ...req.headers };
    for (const name of HOP_BY_HOP) delete headers[name];
    for (const name of (req.headers.connection ?? '').split(',')) delete headers[name.trim().toLowerCase()];
    headers.host = url.host;
    return new Promise((resolve) => {
      const upstream = http.request(
        { host: url.hostname, port: url.port || 80, method: req.method, path: url.pathname + url.search, headers, agent: this.agent, timeout: this.options.upstreamTimeoutMs ?? 30_000 },
        (upstreamRes) => {
          const out = { ...upstreamRes.headers };
          for (const name of HOP_BY_HOP) delete out[name];
          res.writeHead(upstreamRes.statusCode ?? 502, out);
          upstreamRes.pipe(res);
          upstreamRes.on('end', resolve);
          upstreamRes.on('error', () => resolve(void res.destroy()));
        },
      );
      upstream.on('timeout', () => upstream.destroy(new Error('upstream timeout')));
      upstream.on('error', () => {
        if (!res.headersSent) this.page(res, 502, '<!doctype html><title>Bad gateway</title><p>The site did not answer.</p>');
        else res.destroy();
        resolve();
      });
      req.pipe(upstream);
    });
  }

  private onConnect(req: http.IncomingMessage, client: net.Socket, head: Buffer): void {
    client.on('error', () => client.destroy());
    const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(req.url ?? '');
    if (!match) return void client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    const host = match[1]!.toLowerCase();
    const port = Number(match[2]);
    const decision = this.options.decide({ host });
    if (decision.action !== 'allow') {
      const continued = decision.action === 'warn' && (this.continued.get(host) ?? 0) > Date.now();
      this.options.onEvent?.({ decision, host, url: undefined, userContinued: continued });
      // A page cannot be shown inside someone else's TLS: a warned host is refused until the
      // user continues from a page over plain HTTP, a blocked one always.
      if (decision.action === 'block' || (decision.action === 'warn' && !continued)) {
        const body = `Blocked by Bulwark: ${decision.reason} (${decision.rule})\r\n`;
        return void client.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      }
    }
    const upstream = net.connect({ host, port }, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.setTimeout(this.options.upstreamTimeoutMs ?? 30_000, () => upstream.destroy());
    upstream.on('error', () => {
      if (!client.destroyed) client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    });
    client.on('close', () => upstream.destroy());
  }
}
