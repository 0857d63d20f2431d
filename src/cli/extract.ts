// Batch extraction: runs an extractor over reports and writes one JSON line per report (id + Extraction).
// Run: npm run extract -- --in reports.jsonl|folder/ --out predictions.jsonl [--extractor rules]
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Extraction } from '../domain/types';
import { parseFlags, runMain } from './args';
import { DEFAULT_EXTRACTOR, EXTRACTOR_NAMES, loadExtractor } from './extractors';
import { openReports, runExtractor } from './reports';

const USAGE = `Usage: npm run extract -- --in <reports.jsonl | folder> --out <predictions.jsonl> [--extractor <name>]

  --in         JSONL file, one report per line with at least "text" (and usually "id"),
               or a folder of .txt files, one report each (id = file name without extension).
  --out        Output JSONL: one line per report, {"id", "fields", "values", "stage", "flags"}.
               A JSONL line without "id" gets id "line-<n>".
  --extractor  One of: ${EXTRACTOR_NAMES.join(', ')} (default ${DEFAULT_EXTRACTOR}).
  --model      Model package folder (for model and hybrid), e.g. public/models/default.
  --variant    Package variant: fp32, q4 or int8 (default: the package's default).
  -h, --help   Show this help.

A bad input (invalid JSON, missing or empty "text") or an extractor failure is reported on stderr
with its line number or file name, and the run goes on; progress and a summary go to stderr.
Exit code: 0 if at least one report was extracted; 1 if none was (every input failed, or the input
was empty) or the input/output could not be read/written; 2 for a usage error.`;

runMain(async () => {
  const flags = parseFlags(process.argv.slice(2), { required: ['in', 'out'], optional: ['extractor', 'model', 'variant'] }, USAGE);
  const extractor = await loadExtractor(flags.extractor ?? DEFAULT_EXTRACTOR, { model: flags.model, variant: flags.variant });
  const items = await openReports(flags.in, true);
  await mkdir(dirname(flags.out), { recursive: true });
  const out = await open(flags.out, 'w');
  try {
    const summary = await runExtractor(items, extractor, async (report, e: Extraction) => {
      // Spelled out so the line is exactly id + Extraction, whatever else an extractor object carries.
      const line = { id: report.id, fields: e.fields, values: e.values, stage: e.stage, flags: e.flags };
      await out.write(`${JSON.stringify(line)}\n`);
    });
    return summary.ok > 0 ? 0 : 1;
  } finally {
    await out.close();
  }
});
