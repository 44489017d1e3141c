import { Command, Option } from 'commander';
import { AGENT_VERSION } from '../agent/index.js';
import { apiTokenCreateCommand, enrollmentTokenCreateCommand, resetPasswordCommand, tenantCreateCommand, tenantListCommand } from './admin.js';
import { serveCommand } from './serve.js';
import { simulateCommand } from './simulate.js';
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
    .description('enroll simulated iOS devices against a server and send heartbeats')
    .requiredOption('--server <url>', 'server URL, e.g. http://127.0.0.1:8080')
    .requiredOption('--token <token>', 'device enrollment token (bwe_…)')
    .option('--devices <n>', 'how many devices', '10')
    .option('--seed <n>', 'seed of the fleet mix (same seed, same fleet)', '1')
    .option('--concurrency <n>', 'devices talking to the server at once', '8')
    .action(async (flags: Parameters<typeof simulateCommand>[0]) => {
      process.exitCode = await simulateCommand(flags);
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
    .addOption(new Option('--role <role>', 'admin or analyst (read-only)').default('analyst'))
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
