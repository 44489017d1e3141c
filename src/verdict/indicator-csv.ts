// The portal's indicator CSV (columns as the big EDR consoles name them) read into
// IndicatorInput-shaped objects; checkIndicators then validates them.

/** Column (case-insensitive) → IndicatorInput field; `category` and `mitretechniques` are portal-only and ignored. */
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
const IGNORED = new Set(['category', 'mitretechniques']);

/** RFC 4180 records: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records.filter((r) => r.some((f) => f.trim() !== ''));
}

export interface CsvIndicatorRow {
  /** 1-based row number in the file, the header being row 1. */
  row: number;
  /** IndicatorInput fields as read (strings, rbacGroupNames split, generateAlert parsed); validate with checkIndicator. */
  input: Record<string, unknown>;
}

/** Whether a CSV header row is the indicator import format. */
export function isIndicatorCsv(header: string): boolean {
  return /(^|,)\s*"?indicatorType"?\s*(,|$)/i.test(header);
}

/** Reads an indicator CSV; throws with the column name when the header has a column it does not know. */
export function parseIndicatorCsv(text: string): CsvIndicatorRow[] {
  const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ''));
  if (!header) return [];
  const fields = header.map((name) => {
    const key = name.trim().toLowerCase();
    if (!(key in COLUMNS) && !IGNORED.has(key)) throw new Error(`indicator CSV: unknown column '${name.trim()}'`);
    return COLUMNS[key];
  });
  return rows.map((cells, i) => {
    const input: Record<string, unknown> = {};
    fields.forEach((field, j) => {
      const cell = (cells[j] ?? '').trim();
      if (!field || cell === '') return;
      if (field === 'rbacGroupNames') input[field] = cell.split(',').map((g) => g.trim()).filter(Boolean);
      else if (field === 'generateAlert') input[field] = /^true$/i.test(cell) ? true : /^false$/i.test(cell) ? false : cell;
      else input[field] = cell;
    });
    return { row: i + 2, input };
  });
}
