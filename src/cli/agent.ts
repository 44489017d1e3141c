import { DeviceApiError } from '../agent/index.js';
import { DesktopAgent, defaultDataDir, readSystemUpstreams, type Listen } from '../frontends/desktop-agent.js';
import { batchedUdpUnavailable, type UdpIo } from '../frontends/dns/udp.js';

export interface AgentFlags {
  server: string;
  token?: string;
  dns: string | false;
  proxy: string | false;
  upstream?: string[];
  blockMode: 'nxdomain' | 'address';
  dnsUdp: UdpIo;
  dataDir?: string;
  heartbeatInterval: string;
}

function listen(flag: string, value: string): Listen {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value);
  const port = Number(match?.[3]);
  if (!match || port > 65535) throw new Error(`--${flag} must be HOST:PORT, e.g. 127.0.0.1:5353, not ${value}`);
  const host = match[1] ?? match[2]!;
  if (!/^127\.|^::1$|^localhost$/.test(host)) throw new Error(`--${flag} listens on loop-back only (127.0.0.1 or ::1), not ${host}`);
  return { host: host === 'localhost' ? '127.0.0.1' : host, port };
}

/** `bulwark agent`: enrolls this machine and protects it with the local DNS filter and web proxy. */
export async function agentCommand(flags: AgentFlags): Promise<void> {
  const seconds = Number(flags.heartbeatInterval);
  if (!Number.isFinite(seconds) || seconds < 1) throw new Error(`--heartbeat-interval must be at least 1 second, not ${flags.heartbeatInterval}`);
  const upstreams = flags.upstream?.length ? flags.upstream : readSystemUpstreams();
  if (flags.dns !== false && upstreams.length === 0) throw new Error('no upstream resolver: give --upstream ADDR (e.g. 9.9.9.9 or https://dns.quad9.net/dns-query)');
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const desktop = new DesktopAgent({
    serverUrl: flags.server,
    ...(flags.token ? { enrollmentToken: flags.token } : {}),
    dataDir: flags.dataDir ?? defaultDataDir(),
    dns: flags.dns === false ? null : listen('dns', flags.dns),
    proxy: flags.proxy === false ? null : listen('proxy', flags.proxy),
    upstreams,
    blockMode: flags.blockMode,
    udpIo: flags.dnsUdp,
    heartbeatSeconds: seconds,
    log: (line) => process.stderr.write(`bulwark agent: ${line}\n`),
  });
  try {
    await desktop.start();
  } catch (err) {
    await desktop.stop();
    if (err instanceof DeviceApiError) throw new Error(`the server refused this device (${err.code}): ${err.message}`);
    throw err;
  }
  out(`Bulwark agent: device ${desktop.agent.deviceId} protected by ${flags.server}`);
  if (desktop.dns) {
    const batched = desktop.dns.udpIo === 'recvmmsg';
    const why = flags.dnsUdp === 'dgram' ? 'as asked' : `batched UDP unavailable: ${batchedUdpUnavailable() ?? 'unknown'}`;
    out(`  DNS filter:  ${desktop.dns.address().host}:${desktop.dns.address().port} (udp and tcp), upstreams ${upstreams.join(', ')}`);
    out(`  DNS over UDP: ${batched ? 'batched (recvmmsg)' : `Node dgram (${why})`}`);
  }
  if (desktop.proxy) {
    const { host, port } = desktop.proxy.address();
    out(`  Web proxy:   http://${host}:${port}  (PAC file: http://${host}:${port}/proxy.pac)`);
  }
  out(`  Threat database: ${desktop.agent.threatDb ? `version ${desktop.agent.threatDb.sequence}` : 'none yet'}`);
  const stop = (signal: string) => {
    out(`${signal}: stopping`);
    desktop.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
