// Batch extraction: runs an extractor over reports and writes one JSON line per report (id + Extraction,
// and for files where the text came from), or the page's export formats (--format json|csv|fhir).
// Run: npm run extract -- --in reports.jsonl|folder/ --out predictions.jsonl [--format csv]
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { OCR_LOW_CONFIDENCE } from '../domain/limits';
import type { ReportRecord } from '../domain/record';
import type { Extraction, Extractor } from '../domain/types';
import { CSV_BOM, toCsv } from '../export/csv';
import { toFhirBundle } from '../export/fhir';
import { toJsonLine } from '../export/json';
import type { ReportDocument } from '../ingest/document';
import { uncertainWords } from '../ingest/ocr';
import { parseFlags, runMain, UsageError } from './args';
import { DEFAULT_EXTRACTOR, EXTRACTOR_NAMES, loadExtractor } from './extractors';
import { ingestActivity, openReports, runExtractor, type Report } from './reports';
import { ProgressBar } from './progress';

/** Where a file's text came from: how many pages, how many recognised, and how sure the OCR was. */
function sourceOf(d: ReportDocument) {
  return {
    file: d.source.name,
    kind: d.source.kind,
    pages: d.pages.length,
    ocr_pages: d.pages.filter((p) => p.ocr).length,
    ocr_mean_confidence: d.ocr ? Number(d.ocr.meanConfidence.toFixed(3)) : null,
    ocr_uncertain_words: uncertainWords(d.ocr).length,
  };
}

const FORMATS = ['lines', 'json', 'csv', 'fhir'] as const;
type Format = (typeof FORMATS)[number];

/** A report as the page keeps it, for the export formats (no corrections: nobody has reviewed it yet). */
function recordOf(report: Report, extraction: Extraction, extractor: Extractor, at: string): ReportRecord {
  const source = report.document?.source ?? { name: report.where, kind: 'jsonl' as const, bytes: report.text.length };
  return {
    id: report.id,
    name: source.name,
    text: report.text,
    source,
    createdAt: at,
    extractor: extractor.provenance ?? { mode: 'rules', model: null },
    extraction,
    ocr: report.document?.ocr ?? null,
    review: { corrections: [], reviewedAt: null },
  };
}

const USAGE = `Usage: npm run extract -- --in <reports.jsonl | folder> --out <file> [--format lines|json|csv|fhir] [--extractor <name>]

  --in         JSONL file, one report per line with at least "text" (and usually "id"),
               or a folder of report files, one report each (id = file name without extension):
               .txt (UTF-8, UTF-16 with BOM or Windows-1252), .pdf (text layer; pages without one
               are recognised with OCR) and scanned images (.png, .jpg, .tif).
  --out        Output JSONL: one line per report, {"id", "fields", "values", "stage", "flags"},
               plus "source" for files: {"file", "kind", "pages", "ocr_pages", "ocr_mean_confidence",
               "ocr_uncertain_words"}. Fields read from OCR words below ${Math.round(OCR_LOW_CONFIDENCE * 100)} % confidence are
               marked for review, with an "ocr_uncertain" flag. A JSONL line without "id" gets "line-<n>".
  --format     lines (default): the lines above. The page's export formats, with the same columns
               and codes as its Export buttons (README, "Export"):
               json   the lines plus "corrections", "reviewed_at" and "provenance" (extractor, model);
               csv    one row per report (UTF-8 with BOM; cells safe against formula injection);
               fhir   one FHIR R4 Bundle (mCODE observations, DiagnosticReport with the text).
  --extractor  One of: ${EXTRACTOR_NAMES.join(', ')} (default ${DEFAULT_EXTRACTOR}).
  --model      Model package folder (for model and hybrid), e.g. public/models/default.
  --variant    Package variant: fp32, q4 or int8 (default: the package's default).
  -h, --help   Show this help.

A bad input (invalid JSON, missing or empty "text"; an empty, damaged, encrypted or unsupported
file) or an extractor failure is reported on stderr with its line number or file name, and the
run goes on; a progress bar and a summary go to stderr.
Exit code: 0 if at least one report was extracted; 1 if none was (every input failed, or the input
was empty) or the input/output could not be read/written; 2 for a usage error.`;

runMain(async () => {
  const flags = parseFlags(process.argv.slice(2), { required: ['in', 'out'], optional: ['format', 'extractor', 'model', 'variant'] }, USAGE);
  const format = (flags.format ?? 'lines') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`unknown --format "${flags.format}"; one of: ${FORMATS.join(', ')}`);
  const extractor = await loadExtractor(flags.extractor ?? DEFAULT_EXTRACTOR, { model: flags.model, variant: flags.variant });
  let bar: ProgressBar | undefined;
  const items = await openReports(flags.in, true, (name, p) => bar?.doing(ingestActivity(name, p)));
  bar = new ProgressBar(extractor.name, items.total);
  await mkdir(dirname(flags.out), { recursive: true });
  const out = await open(flags.out, 'w');
  // CSV and FHIR are written whole at the end (a header, one Bundle); the line formats as they come.
  const records: ReportRecord[] = [];
  try {
    const summary = await runExtractor(
      items,
      extractor,
      async (report, e: Extraction) => {
        const record = recordOf(report, e, extractor, new Date().toISOString());
        if (format === 'lines') {
          // Spelled out so the line is exactly id + Extraction, whatever else an extractor object carries.
          const line = { id: report.id, fields: e.fields, values: e.values, stage: e.stage, flags: e.flags, ...(report.document && { source: sourceOf(report.document) }) };
          await out.write(`${JSON.stringify(line)}\n`);
        } else if (format === 'json') {
          await out.write(`${JSON.stringify(toJsonLine(record))}\n`);
        } else {
          records.push(record);
        }
      },
      bar,
    );
    if (format === 'csv') await out.write(CSV_BOM + toCsv(records));
    if (format === 'fhir') await out.write(`${JSON.stringify(toFhirBundle(records, { now: new Date().toISOString() }), null, 2)}\n`);
    return summary.ok > 0 ? 0 : 1;
  } finally {
    await out.close();
  }
});
