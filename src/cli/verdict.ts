import { readFileSync } from 'node:fs';
import type { Platform } from '../protocol/enums.js';
import { buildThreatDb, describeVerdict, loadThreatDb, verdict, type ThreatDb } from '../verdict/index.js';

export interface VerdictFlags {
  db?: string;
  domainOnly?: boolean;
  platform: Platform;
  group?: string[];
  json?: boolean;
}

/** Loads a database file, naming the file in the error when it is missing or corrupt. */
export function readThreatDb(file: string): ThreatDb {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new Error(`cannot read threat database ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    return loadThreatDb(bytes);
  } catch (err) {
    throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Prints the verdict and its explanation for each URL. */
export function verdictCommand(urls: string[], flags: VerdictFlags, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): number {
  const file = flags.db ?? process.env.BULWARK_THREATDB;
  if (!file) err.write('bulwark: no --db (or $BULWARK_THREATDB): only look-alike detection of the default brands applies\n');
  const db = file ? readThreatDb(file) : buildThreatDb({}).db;
  const now = Date.now();
  for (const url of urls) {
    const answer = verdict(db, { url, visibility: flags.domainOnly ? 'domain-only' : 'full-url', platform: flags.platform, groups: flags.group ?? [], now });
    if (flags.json) out.write(`${JSON.stringify({ url, ...answer })}\n`);
    else out.write(`${answer.action.toUpperCase().padEnd(7)} ${url}\n        ${describeVerdict(answer)}\n`);
  }
  return 0;
}
