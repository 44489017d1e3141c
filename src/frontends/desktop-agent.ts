import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { ActionRefused, Agent, type UserNotice, type WebCheck } from '../agent/index.js';
import { DnsFilter } from './dns/server.js';
import type { UdpIo } from './dns/udp.js';
import { linuxDesktopAdapter } from './linux/desktop-adapter.js';
import { WebProxy } from './proxy/proxy.js';

export interface Listen {
  host: string;
  port: number;
}

export interface DesktopAgentOptions {
  serverUrl: string;
  /** Needed only the first time, to enroll. */
  enrollmentToken?: string;
  /** Credentials, state, outbox and threat database (0700 directory, 0600 files). */
  dataDir: string;
  /** null: no DNS filter. */
  dns: Listen | null;
  /** null: no web proxy. */
  proxy: Listen | null;
  upstreams: string[];
  blockMode: 'nxdomain' | 'address';
  /** The DNS filter's UDP path (default `auto`). */
  udpIo?: UdpIo;
  /** Seconds between heartbeats (status, configuration, threat database). */
  heartbeatSeconds: number;
  log: (line: string) => void;
}

/** `$XDG_CONFIG_HOME/bulwark`, or `~/.config/bulwark`. */
export function defaultDataDir(): string {
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(homedir(), '.config'), 'bulwark');
}

/** The system's resolvers from resolv.conf, without loop-back ones (that may be this very filter). */
export function systemUpstreams(resolvConf: string): string[] {
  return [...resolvConf.matchAll(/^\s*nameserver\s+(\S+)/gm)]
    .map((m) => m[1]!.replace(/%.*$/, ''))
    .filter((ip) => net.isIP(ip) !== 0 && !ip.startsWith('127.') && ip !== '::1');
}

export function readSystemUpstreams(): string[] {
  try {
    return systemUpstreams(readFileSync('/etc/resolv.conf', 'utf8'));
  } catch {
    return [];
  }
}

/** One report per rule and address a minute: a page load asks many times (DNS, then the proxy). */
const REPORT_EVERY_MS = 60_000;

/**
 * Bulwark protecting the machine it runs on: the agent core with the Linux desktop adapter, the
 * local DNS filter (domain-only verdicts) and the web proxy (full-URL verdicts for plain HTTP),
 * heartbeats that keep configuration and threat database current, and every block reported.
 */
export class DesktopAgent {
  readonly agent: Agent;
  dns: DnsFilter<{ block: boolean }> | undefined;
  proxy: WebProxy<WebCheck> | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly reported = new Map<string, number>();

  private readonly noticed = new Set<string>();

  constructor(private readonly options: DesktopAgentOptions) {
    // A terminal is not a phone's notification centre: the same sentence is shown once per run.
    const notify = (n: UserNotice) => {
      if (this.noticed.has(n.message)) return;
      this.noticed.add(n.message);
      options.log(`notice: ${n.message}`);
    };
    const adapter = linuxDesktopAdapter({ serverUrl: options.serverUrl, dataDir: options.dataDir, notify });
    this.agent = new Agent({ adapter, serverUrl: options.serverUrl, ...(options.enrollmentToken ? { enrollmentToken: options.enrollmentToken } : {}) });
  }

  async start(): Promise<void> {
    const { options, agent } = this;
    const first = await agent.appOpened();
    if (!first) options.log('server unreachable: protecting with the last threat database; reports wait in the outbox');
    // Running the agent is the user's consent to local protection (the desktop's "VPN permission").
    await agent.userAction({ type: 'grant_vpn' }).catch((err: unknown) => {
      if (err instanceof ActionRefused) options.log(`web protection not started: ${err.message}`);
      else throw err;
    });
    // Tell the server at once that protection runs, rather than at the next interval.
    if (first) await agent.heartbeat('background').catch(() => undefined);
    if (options.dns) {
      this.dns = new DnsFilter({
        host: options.dns.host,
        port: options.dns.port,
        upstreams: options.upstreams,
        blockMode: options.blockMode,
        ...(options.udpIo ? { udpIo: options.udpIo } : {}),
        ...(options.proxy && options.blockMode === 'address' ? { blockAddress: { v4: options.proxy.host, v6: '::1' } } : {}),
        decide: (name) => {
          const check = agent.checkWeb({ url: name, visibility: 'domain-only' });
          // DNS cannot show a Warn page: Warn and Audit pass here and are reported.
          if (check.action !== 'allow' && check.action !== 'block') this.report(check, false);
          return { block: check.action === 'block', check };
        },
        onBlocked: (_name, decision) => this.report((decision as { check: WebCheck }).check, false),
      });
      await this.dns.start();
    }
    if (options.proxy) {
      this.proxy = new WebProxy<WebCheck>({
        host: options.proxy.host,
        port: options.proxy.port,
        decide: ({ host, url }) => agent.checkWeb(url ? { url, visibility: 'full-url' } : { url: host, visibility: 'domain-only' }),
        onEvent: (e) => this.report(e.decision, e.userContinued),
        onFalsePositive: (r) => options.log(`false positive reported by the user: ${r.rule}`),
      });
      await this.proxy.start();
    }
    const every = (seconds: number, work: () => Promise<unknown>) => {
      const timer = setInterval(() => void work().catch((err: unknown) => options.log(`background work failed: ${String(err)}`)), seconds * 1000);
      this.timers.push(timer);
    };
    every(options.heartbeatSeconds, async () => {
      await agent.heartbeat('background');
      await agent.backgroundTick();
    });
  }

  /** Queues a report and sends it soon; private fields are filtered by the agent core. */
  private report(check: WebCheck, userContinued: boolean): void {
    if (!check.report) return;
    const key = `${check.rule}|${check.report.domain ?? ''}|${check.report.action}|${userContinued}`;
    const now = Date.now();
    if ((this.reported.get(key) ?? 0) > now - REPORT_EVERY_MS) return;
    if (this.reported.size > 10_000) this.reported.clear();
    this.reported.set(key, now);
    void this.agent
      .recordWebThreat({ ...check.report, ...(userContinued ? { userContinued } : {}) })
      .then(() => this.agent.deliver(true))
      .catch((err: unknown) => this.options.log(`report not sent yet (kept in the outbox): ${String(err)}`));
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await Promise.all([this.dns?.stop(), this.proxy?.stop()]);
  }
}
