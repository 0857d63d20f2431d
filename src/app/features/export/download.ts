// Export of kept reports from the page: CSV, JSON lines or a FHIR R4 bundle, built by src/export with
// the corrections applied, handed to the browser as a download (a Blob URL: nothing leaves the machine).
import type { ReportRecord } from '../../../domain/record';
import { CSV_BOM, toCsv } from '../../../export/csv';
import { toFhirBundle } from '../../../export/fhir';
import { toJsonLines } from '../../../export/json';

export type ExportFormat = 'csv' | 'json' | 'fhir';

export const EXPORT_FORMATS: readonly { format: ExportFormat; label: string; title: string }[] = [
  { format: 'csv', label: 'CSV', title: 'One row per report, for a spreadsheet or abstracting software' },
  { format: 'json', label: 'JSON', title: 'One JSON object per line: the command line’s format with corrections and provenance' },
  { format: 'fhir', label: 'FHIR', title: 'A FHIR R4 Bundle with mCODE observations, for an EHR or registry' },
];

export function exportFile(records: readonly ReportRecord[], format: ExportFormat, now = new Date()): { name: string; type: string; content: string } {
  const stamp = now.toISOString().slice(0, 19).replace(/[:T]/g, '-');
  switch (format) {
    case 'csv':
      // The BOM makes Excel read the file as UTF-8 (accents, µ, ≥) instead of the local code page.
      return { name: `path-extract-${stamp}.csv`, type: 'text/csv;charset=utf-8', content: CSV_BOM + toCsv(records) };
    case 'json':
      return { name: `path-extract-${stamp}.jsonl`, type: 'application/x-ndjson;charset=utf-8', content: toJsonLines(records) };
    case 'fhir':
      return { name: `path-extract-${stamp}.fhir.json`, type: 'application/fhir+json;charset=utf-8', content: `${JSON.stringify(toFhirBundle(records, { now: now.toISOString() }), null, 2)}\n` };
    default:
      return unknownFormat(format);
  }
}

function unknownFormat(format: never): never {
  throw new Error(`unknown export format ${String(format)}`);
}

export function download(records: readonly ReportRecord[], format: ExportFormat): void {
  const file = exportFile(records, format);
  const url = URL.createObjectURL(new Blob([file.content], { type: file.type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name;
  a.click();
  // Revoked after the click has started the download, not before.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
