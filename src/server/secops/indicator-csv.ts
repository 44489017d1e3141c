import { parse } from 'csv-parse/sync';

// The portal CSV format (research/management-plane.md 1.2): one indicator per row, the same
// columns as the API, in any letter case. Cells become API fields; checkIndicator then judges
// each row. Used by the indicator import API and by `bulwark threatdb build`.

const COLUMNS: Record<string, string> = {
  indicatortype: 'indicatorType',
  indicatorvalue: 'indicatorValue',
  action: 'action',
  title: 'title',
  description: 'description',
  expirationtime: 'expirationTime',
  severity: 'severity',
  recommendedactions: 'recommendedActions',
  rbacgroups: 'rbacGroupNames',
  rbacgroupnames: 'rbacGroupNames',
  generatealert: 'generateAlert',
};
/** Columns of the portal format Bulwark accepts and ignores. */
const IGNORED = new Set(['category', 'mitretechniques', 'application', 'educateurl']);
const REQUIRED = ['indicatorType', 'indicatorValue', 'action', 'title', 'description'];

/** The file as a whole cannot be read: it names the problem. */
export class IndicatorCsvError extends Error {}

export interface CsvIndicatorRow {
  /** Row number counted from 1 at the first line after the header. */
  row: number;
  /** IndicatorInput fields as read (empty cells left out); validate with checkIndicator. */
  input: Record<string, unknown>;
}

/** Whether a file's first line is the indicator CSV header. */
export function isIndicatorCsv(firstLine: string): boolean {
  return /(^|,)\s*"?indicatorType"?\s*(,|$)/i.test(firstLine);
}

function cell(field: string, raw: string): unknown {
  if (field === 'rbacGroupNames') return raw.split(',').map((g) => g.trim()).filter(Boolean);
  if (field === 'generateAlert') return /^true$/i.test(raw) ? true : /^false$/i.test(raw) ? false : raw;
  return raw;
}

/** The rows of an indicator CSV; throws IndicatorCsvError when the file itself is wrong. */
export function readIndicatorCsv(text: string): CsvIndicatorRow[] {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false, trim: true });
  } catch (err) {
    throw new IndicatorCsvError(`the CSV file does not parse: ${err instanceof Error ? err.message : String(err)}`);
  }
  const [header, ...rows] = records;
  if (!header) throw new IndicatorCsvError('the CSV file is empty; the first line must name the columns');
  const fields = header.map((h) => {
    const key = h.toLowerCase();
    if (IGNORED.has(key)) return null;
    const field = COLUMNS[key];
    if (!field) throw new IndicatorCsvError(`unknown CSV column "${h}"; expected ${[...new Set(Object.values(COLUMNS))].join(', ')}`);
    return field;
  });
  const missing = REQUIRED.filter((f) => !fields.includes(f));
  if (missing.length) throw new IndicatorCsvError(`the CSV file lacks the column(s) ${missing.join(', ')}`);
  return rows.map((row, i) => {
    const input: Record<string, unknown> = {};
    row.forEach((raw, j) => {
      const field = fields[j];
      if (field && raw !== '') input[field] = cell(field, raw);
    });
    return { row: i + 1, input };
  });
}
