import { Command, Option } from 'commander';
import { AGENT_VERSION, scenarioJsonSchema } from '../agent/index.js';
import { apiTokenCreateCommand, enrollmentTokenCreateCommand, resetPasswordCommand, tenantCreateCommand, tenantListCommand } from './admin.js';
import { explainCommand, exportCommand, lintCommand } from './policy.js';
import { serveCommand } from './serve.js';
import { simulateCommand } from './simulate.js';
import { vulndbImportCommand } from './vulndb.js';
import { feedImportCommand } from './feed.js';
import { agentCommand } from './agent.js';
import { threatdbBuildCommand } from './threatdb.js';
import { verdictCommand } from './verdict.js';
import { Platform } from '../protocol/enums.js';
import { IndicatorAction } from '../protocol/indicators.js';

const dbOption = () => new Option('--db <url>', 'database: a SQLite file path or postgres://… (default: $BULWARK_DB or ./data/bulwark.db)');

export function program(): Command {
  const cli = new Command('bulwark').description('Bulwark: open mobile threat defense').version(AGENT_VERSION);

  cli
    .command('serve')
    .description('run the management server (HTTP API) on an embedded or PostgreSQL database')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '8080')
    .addOption(dbOption())
    .option('--log-level <level>', 'fatal, error, warn, info, debug or trace', 'info')
    .action(serveCommand);

  cli
    .command('simulate')
    .description('enroll simulated iOS devices and send heartbeats, or play a scenario (--scenario) on virtual time')
    .requiredOption('--server <url>', 'server URL, e.g. http://127.0.0.1:8080')
    .requiredOption('--token <token>', 'device enrollment token (bwe_…)')
    .option('--devices <n>', 'how many devices', '10')
    .option('--seed <n>', 'seed of the fleet mix (same seed, same fleet)', '1')
    .option('--concurrency <n>', 'devices talking to the server at once', '8')
    .option('--scenario <file>', 'play a JSON scenario (docs/scenario.schema.json) instead of a fleet')
    .option('--json', 'with --scenario: print the outcome as JSON')
    .action(async (flags: Parameters<typeof simulateCommand>[0]) => {
      process.exitCode = await simulateCommand(flags);
    });

  cli
    .command('scenario-schema')
    .description('print the JSON Schema of simulation scenarios')
    .action(() => {
      process.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
    });

  const admin = cli.command('admin').description('console accounts');
  admin.command('reset-password').description('give an admin account a new generated password').requiredOption('--email <email>').addOption(dbOption()).action(resetPasswordCommand);

  const tenant = cli.command('tenant').description('tenants (organisations)');
  tenant
    .command('create')
    .description('create a tenant with an admin account and an enrollment token')
    .requiredOption('--name <name>')
    .requiredOption('--admin-email <email>')
    .addOption(dbOption())
    .action(tenantCreateCommand);
  tenant.command('list').addOption(dbOption()).action(tenantListCommand);

  cli
    .command('api-token')
    .description('admin API tokens')
    .command('create')
    .requiredOption('--name <name>')
    .addOption(new Option('--role <role>', 'admin, responder (reads and triages alerts) or analyst (read-only)').choices(['admin', 'responder', 'analyst']).default('analyst'))
    .option('--tenant <id-or-name>', 'needed when there are several tenants')
    .addOption(dbOption())
    .action(apiTokenCreateCommand);

  cli
    .command('enrollment-token')
    .description('device enrollment tokens')
    .command('create')
    .requiredOption('--name <name>')
    .option('--tenant <id-or-name>', 'needed when there are several tenants')
    .addOption(dbOption())
    .action(enrollmentTokenCreateCommand);

  const policy = cli.command('policy').description('app-configuration policies: lint, export, explain');
  policy
    .command('lint')
    .description('check policy files (Bulwark JSON, Microsoft Graph JSON or plist XML); exits 1 on any error')
    .argument('<files...>')
    .action((files: string[]) => {
      process.exitCode = lintCommand(files);
    });
  policy
    .command('export')
    .description('write a policy file as Microsoft Graph JSON, an AppConfig specfile or an Apple plist')
    .argument('<file>')
    .addOption(new Option('--format <format>', 'output format').choices(['graph', 'appconfig', 'plist']).makeOptionMandatory())
    .option('--bundle-id <id>', 'bundle id written into the AppConfig specfile')
    .action((file: string, flags: { format: string; bundleId?: string }) => {
      process.exitCode = exportCommand(file, flags);
    });
  policy
    .command('explain')
    .description("a device's effective configuration with the provenance of every value, conflicts and warnings")
    .requiredOption('--device <id>')
    .option('--tenant <id-or-name>', 'needed when there are several tenants')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'plist']).default('table'))
    .addOption(dbOption())
    .action(explainCommand);
  cli
    .command('agent')
    .description('enroll this machine and protect it: local DNS filter and web proxy on loop-back, kept current by the server')
    .requiredOption('--server <url>', 'management server URL')
    .option('--token <token>', 'enrollment token (first run only; the credentials are kept in --data-dir)')
    .option('--dns <host:port>', 'DNS filter address', '127.0.0.1:5353')
    .option('--no-dns', 'no DNS filter')
    .option('--proxy <host:port>', 'web proxy address', '127.0.0.1:8899')
    .option('--no-proxy', 'no web proxy')
    .option('--upstream <addr...>', 'upstream resolvers: IP[:port], udp://, tcp:// or https:// (DoH); default: /etc/resolv.conf')
    .addOption(new Option('--block-mode <mode>', 'how blocked names are answered').choices(['nxdomain', 'address']).default('nxdomain'))
    .addOption(new Option('--dns-udp <io>', 'how the DNS filter reads UDP: batched recvmmsg (Linux, built by npm install), Node dgram, or the first available').choices(['auto', 'recvmmsg', 'dgram']).default('auto'))
    .option('--data-dir <dir>', 'credentials, state and threat database (default: $XDG_CONFIG_HOME/bulwark or ~/.config/bulwark)')
    .option('--heartbeat-interval <seconds>', 'seconds between heartbeats', '300')
    .action(agentCommand);

  cli
    .command('feed')
    .description('public threat feeds shared by every tenant (phishing, malware lists)')
    .command('import')
    .description('load lists (domains or URLs a line, hosts files, ||domain^ rules) as one feed; replaces that source')
    .argument('<files...>')
    .requiredOption('--source <name>', 'feed name shown in explanations, e.g. openphish')
    .option('--category <category>', 'phishing, malware, ...', 'phishing')
    .addOption(new Option('--action <action>', 'what a match does').choices(['Block', 'Warn']).default('Block'))
    .addOption(dbOption())
    .action(feedImportCommand);

  cli
    .command('vulndb')
    .description('vulnerability data sets (Apple security releases, known-exploited catalogue, app advisories)')
    .command('import')
    .description('load data files; each replaces the data set of its kind (detected from its records)')
    .argument('<files...>', 'JSON files, e.g. ios-security-releases.json kev-apple.json app-advisories.json')
    .addOption(dbOption())
    .action(vulndbImportCommand);
  cli
    .command('verdict')
    .description('say whether URLs are allowed, and why (feed entry, indicator or look-alike rule)')
    .argument('<url...>', 'URLs or host names')
    .option('--db <file>', 'threat database from `threatdb build` (default: $BULWARK_THREATDB)')
    .option('--domain-only', 'ask as an unsupervised device does: only the domain is visible')
    .addOption(new Option('--platform <platform>', 'device platform (IP indicators are not enforced on ios and ipados)').choices(Platform.options).default('ios'))
    .option('--group <name...>', 'device groups, for indicators scoped to groups')
    .option('--json', 'one JSON object per URL')
    .action((urls: string[], flags: Parameters<typeof verdictCommand>[1]) => {
      process.exitCode = verdictCommand(urls, flags);
    });

  cli
    .command('threatdb')
    .description('threat databases for web protection')
    .command('build')
    .description('compile domain lists, hosts files and indicator CSVs into a database file')
    .requiredOption('--from <file...>', 'input files: one domain or URL a line, hosts files, ||domain^ rules, or an indicator CSV')
    .requiredOption('--out <file>', 'database file to write')
    .option('--category <name>', 'category of list entries (phishing, malware…)', 'phishing')
    .addOption(new Option('--action <action>', 'action of list entries').choices(IndicatorAction.options).default('Block'))
    .option('--brands <file>', 'more protected brand domains for look-alike detection, one a line')
    .option('--sequence <n>', 'version number of this database', '0')
    .action((flags: Parameters<typeof threatdbBuildCommand>[0]) => {
      process.exitCode = threatdbBuildCommand(flags);
    });

  return cli;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await program().parseAsync(argv);
  } catch (err) {
    process.stderr.write(`bulwark: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
