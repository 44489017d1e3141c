import { parse } from 'csv-parse/sync';
import { MAX_INDICATORS_PER_IMPORT } from '../../protocol/index.js';
import { ApiError } from '../errors.js';

// The portal CSV format (research/management-plane.md 1.2): one indicator per row, the same
// columns as the API. Cells become API fields; the indicator checks then judge each row.

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

function cell(field: string, raw: string): unknown {
  if (field === 'rbacGroupNames') return raw.split(',').map((g) => g.trim()).filter(Boolean);
  if (field === 'generateAlert') return /^true$/i.test(raw) ? true : /^false$/i.test(raw) ? false : raw;
  return raw;
}

/** Rows of a CSV file as indicator inputs (empty cells left out), or an error about the file itself. */
export function indicatorRowsFromCsv(text: string): Record<string, unknown>[] {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false, trim: true });
  } catch (err) {
    throw new ApiError('validation_failed', `the CSV file does not parse: ${err instanceof Error ? err.message : String(err)}`);
  }
  const [header, ...rows] = records;
  if (!header) throw new ApiError('validation_failed', 'the CSV file is empty; the first line must name the columns');
  const fields = header.map((h) => {
    const key = h.toLowerCase();
    if (IGNORED.has(key)) return null;
    const field = COLUMNS[key];
    if (!field) throw new ApiError('validation_failed', `unknown CSV column "${h}"; expected ${[...new Set(Object.values(COLUMNS))].join(', ')}`);
    return field;
  });
  const missing = REQUIRED.filter((f) => !fields.includes(f));
  if (missing.length) throw new ApiError('validation_failed', `the CSV file lacks the column(s) ${missing.join(', ')}`);
  if (rows.length === 0) throw new ApiError('validation_failed', 'the CSV file has a header but no indicator rows');
  if (rows.length > MAX_INDICATORS_PER_IMPORT) throw new ApiError('validation_failed', `the CSV file has ${rows.length} rows; import at most ${MAX_INDICATORS_PER_IMPORT} at a time`);
  return rows.map((row) => {
    const input: Record<string, unknown> = {};
    row.forEach((raw, i) => {
      const field = fields[i];
      if (field && raw !== '') input[field] = cell(field, raw);
    });
    return input;
  });
}
