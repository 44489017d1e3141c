import { readFileSync } from 'node:fs';
import { parseDomainList } from '../verdict/index.js';
import { withStorage } from './admin.js';

export interface FeedImportFlags {
  source: string;
  category: string;
  action: string;
  db?: string;
}

/**
 * Loads public threat lists (plain domains or URLs, hosts files, `||domain^` rules) as one feed;
 * every tenant's threat database then holds them, and devices get them with their next heartbeat
 * (servers notice an import within 30 seconds).
 */
export async function feedImportCommand(files: string[], flags: FeedImportFlags): Promise<void> {
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/i.test(flags.source)) throw new Error(`--source must be a short name (letters, digits, . _ -), not ${JSON.stringify(flags.source)}`);
  if (flags.action !== 'Block' && flags.action !== 'Warn') throw new Error(`--action must be Block or Warn, not ${flags.action}`);
  const entries = new Set<string>();
  for (const file of files) {
    for (const { value } of parseDomainList(readFileSync(file, 'utf8'))) entries.add(value.toLowerCase());
  }
  await withStorage(flags.db, (s) => s.putFeed({ source: flags.source, category: flags.category, action: flags.action as 'Block' | 'Warn', entries: [...entries], importedAt: new Date().toISOString() }));
  process.stdout.write(`feed ${flags.source} (${flags.category}, ${flags.action}): ${entries.size} entries from ${files.length} file(s)\n`);
}
