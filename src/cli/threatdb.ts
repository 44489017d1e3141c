import { isIndicatorCsv, readIndicatorCsv } from '../server/secops/indicator-csv.js';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Indicator, IndicatorAction } from '../protocol/indicators.js';
import {
  buildThreatDb,
  checkIndicators,
  DEFAULT_BRANDS,
  parseDomainList,
  serializeThreatDb,
  type FeedEntry,
} from '../verdict/index.js';
import { progress } from './progress.js';

export interface ThreatdbBuildFlags {
  from: string[];
  out: string;
  category: string;
  action: IndicatorAction;
  brands?: string;
  sequence: string;
}

/** Entries per progress step; below two steps no bar is shown. */
const STEP = 65_536;
const SHOWN_PROBLEMS = 20;

/** Where each feed entry came from, for error messages, without an object per entry. */
class Origins {
  private readonly files: { file: string; first: number }[] = [];
  lines = new Uint32Array(1024);

  add(file: string, first: number): void {
    this.files.push({ file, first });
  }

  line(index: number, line: number): void {
    if (index >= this.lines.length) {
      const grown = new Uint32Array(this.lines.length * 2);
      grown.set(this.lines);
      this.lines = grown;
    }
    this.lines[index] = line;
  }

  of(index: number): string {
    const file = this.files.findLast((f) => f.first <= index)?.file ?? '?';
    return `${file}:${this.lines[index] ?? 0}`;
  }
}

/** Compiles domain lists, hosts files and indicator CSVs into one database file. */
export function threatdbBuildCommand(flags: ThreatdbBuildFlags, out: NodeJS.WriteStream = process.stdout, err: NodeJS.WriteStream = process.stderr): number {
  const sequence = Number(flags.sequence);
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 0xffffffff) throw new Error(`--sequence must be a whole number from 0 to 4294967295, not ${flags.sequence}`);
  const now = new Date();
  const feeds: FeedEntry[] = [];
  const origins = new Origins();
  const indicators: Indicator[] = [];
  const problems: string[] = [];
  for (const file of flags.from) {
    const text = readFileSync(file, 'utf8');
    const source = path.basename(file).replace(/\.[^.]+$/, '');
    const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
    if (isIndicatorCsv(firstLine)) {
      const rows = readIndicatorCsv(text);
      checkIndicators(rows.map((r) => r.input), now).forEach((check, i) => {
        const row = rows[i]?.row ?? 0;
        if (!check.ok) {
          problems.push(...check.problems.map((p) => `${file} row ${row}: ${p.field}: ${p.message}`));
          return;
        }
        const stamp = now.toISOString();
        indicators.push({ ...check.indicator, id: `${source}:${row}`, createdAt: stamp, createdBy: null, lastUpdateTime: stamp });
      });
      continue;
    }
    origins.add(file, feeds.length);
    for (const entry of parseDomainList(text)) {
      origins.line(feeds.length, entry.line);
      feeds.push({ value: entry.value, source, category: flags.category, action: flags.action });
    }
  }
  const brands = flags.brands ? [...DEFAULT_BRANDS, ...parseDomainList(readFileSync(flags.brands, 'utf8')).map((b) => ({ domain: b.value }))] : DEFAULT_BRANDS;

  const steps = Math.ceil(feeds.length / STEP);
  const bar = steps >= 2 ? progress('compiling', steps, err) : undefined;
  const { db, rejected } = buildThreatDb({ feeds, indicators, brands, sequence, onProgress: () => bar?.tick() });
  bar?.tick();
  bar?.stop();
  for (const r of rejected) problems.push(r.kind === 'feed' ? `${origins.of(r.index)}: '${r.value}': ${r.reason}` : `indicator '${r.value}': ${r.reason}`);
  problems.slice(0, SHOWN_PROBLEMS).forEach((p) => err.write(`skipped ${p}\n`));
  if (problems.length > SHOWN_PROBLEMS) err.write(`… and ${problems.length - SHOWN_PROBLEMS} more skipped\n`);

  const bytes = serializeThreatDb(db);
  writeFileSync(flags.out, bytes);
  out.write(
    `${flags.out}: ${feeds.length - rejected.filter((r) => r.kind === 'feed').length} list entries (${db.size} keys), ${db.indicators.length} indicators, ` +
      `${brands.length} protected brands, ${bytes.length} bytes, sequence ${sequence}${problems.length ? `; ${problems.length} skipped` : ''}\n`,
  );
  return 0;
}
