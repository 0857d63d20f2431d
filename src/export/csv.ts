// CSV export: one row per report with the final values (corrections applied), where each came from,
// and what a person changed. RFC 4180 (CRLF line ends, quotes doubled, a field with a comma, quote, CR
// or LF quoted) and UTF-8; Excel only reads UTF-8 as such with a byte-order mark, which the caller
// prepends (CSV_BOM) when writing a file, so the string stays clean for other uses.
// The columns are defined once, in CSV_COLUMNS, so the README and the header cannot disagree.
import type { ReportRecord } from '../domain/record';
import { FIELDS, VALUES, type FieldName, type ValueName } from '../domain/schema';
import { evidenceTexts, isAmended, sourceOf, stageDetail, valueText, viewOf, type ExportView } from './view';

/** Prepend to the file's text so Excel reads it as UTF-8 (it does not change what the cells hold). */
export const CSV_BOM = '\uFEFF';

/** Evidence cells are cut to about this many characters (the whole text is in the JSON export). */
export const EVIDENCE_MAX_CHARS = 200;

export interface CsvColumn {
  name: string;
  description: string;
  value(view: ExportView): string;
}

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  // Never leave half a surrogate pair at the end.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

function fieldColumns(name: FieldName, title: string): CsvColumn[] {
  const field = (v: ExportView) => v.final.fields[name];
  return [
    { name, description: `${title}: the final value (a person's correction if any, else the extractor's), one of the schema's labels`, value: (v) => field(v).value },
    { name: `${name}_confidence`, description: `${title}: confidence 0-1, two decimals (1.00 for a person's value)`, value: (v) => field(v).confidence.toFixed(2) },
    { name: `${name}_source`, description: `${title}: where the final value comes from: rules, model, both or person`, value: (v) => sourceOf(field(v)) },
    { name: `${name}_corrected`, description: `${title}: yes when a person set the value (also when they set it back to the extractor's)`, value: (v) => yesNo(field(v).corrected !== undefined) },
    { name: `${name}_original`, description: `${title}: the extractor's value when a person corrected it, else empty`, value: (v) => field(v).corrected?.value ?? '' },
    { name: `${name}_review`, description: `${title}: yes when the value is marked for a person's check`, value: (v) => yesNo(field(v).review?.needed === true) },
    {
      name: `${name}_evidence`,
      description: `${title}: the report text behind the final value, passages joined with " | ", cut to ${EVIDENCE_MAX_CHARS} characters (empty for a person's value)`,
      value: (v) => truncate(evidenceTexts(v.record.text, field(v).evidence).join(' | '), EVIDENCE_MAX_CHARS),
    },
  ];
}

function valueColumn(name: ValueName, title: string, unit: string): CsvColumn {
  return { name, description: `${title} (${unit}), as the report writes it (qualifiers such as "<1" or "10-20" kept; yes/no for prefixes); empty when not given`, value: (v) => valueText(v.final.values[name].value) };
}

export const CSV_COLUMNS: readonly CsvColumn[] = [
  { name: 'id', description: 'The report\'s id in the app (a UUID)', value: (v) => v.record.id },
  { name: 'file_name', description: 'File name, or "Pasted report"', value: (v) => v.record.name },
  { name: 'source_kind', description: 'What the text came from: paste, txt, pdf or image', value: (v) => v.record.source.kind },
  { name: 'created_at', description: 'When the report was extracted (ISO 8601)', value: (v) => v.record.createdAt },
  { name: 'extractor', description: 'Extractor mode: rules, model or hybrid', value: (v) => v.record.extractor.mode },
  { name: 'model', description: 'Model package as id@version; empty for the rules alone', value: (v) => (v.record.extractor.model ? `${v.record.extractor.model.id}@${v.record.extractor.model.version}` : '') },
  { name: 'model_variant', description: 'Model package variant (fp32, q4, int8); empty for the rules alone', value: (v) => v.record.extractor.model?.variant ?? '' },
  { name: 'reviewed_at', description: 'When a person marked the report reviewed (ISO 8601); empty if not', value: (v) => v.record.review.reviewedAt ?? '' },
  { name: 'stage_group', description: 'AJCC 8th anatomic stage group from the final T, N and M, or "cannot be staged"', value: (v) => v.final.stage.group },
  { name: 'stage_detail', description: 'The T, N and M the group rests on, or why the report cannot be staged (and the group M0 would give)', value: (v) => stageDetail(v.final.stage) },
  ...FIELDS.flatMap((f) => fieldColumns(f.name, f.title)),
  ...VALUES.map((v) => valueColumn(v.name, v.title, v.unit)),
  { name: 'flags', description: 'Report flags (codes, e.g. post_neoadjuvant), joined with ";"', value: (v) => [...new Set(v.final.flags.map((f) => f.code))].join(';') },
  { name: 'clinical_notes', description: 'Notes that change treatment choices (ER low positive, HER2-low), joined with " | "', value: (v) => v.notes.map((n) => n.text).join(' | ') },
];

// OWASP CSV injection advice: a spreadsheet runs a cell that starts with one of these as a formula.
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One cell, safe to open in a spreadsheet: a leading apostrophe on anything that could start a formula
 * (applied uniformly, so a lone "-" gets one too: one rule is easier to trust than exceptions, and the
 * apostrophe stays part of the cell's text), then RFC 4180 quoting.
 */
export function csvCell(text: string): string {
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const CRLF = '\r\n';

export function toCsv(records: readonly ReportRecord[]): string {
  const rows = [CSV_COLUMNS.map((c) => c.name)];
  for (const record of records) {
    const view = viewOf(record);
    rows.push(CSV_COLUMNS.map((c) => c.value(view)));
  }
  return rows.map((cells) => cells.map(csvCell).join(',')).join(CRLF) + CRLF;
}
