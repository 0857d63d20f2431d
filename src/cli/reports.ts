// Reading reports (JSONL lines, or a folder of .txt, .pdf and image files read through src/ingest, OCR
// included) and running an extractor over them with a progress bar on stderr.
// Shared by extract.ts and eval.ts: `await runExtractor(await openReports(path), extractor, onResult)`.
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, parse } from 'node:path';
import { createInterface } from 'node:readline';
import type { Extraction, Extractor } from '../domain/types';
import type { ReportDocument } from '../ingest/document';
import type { IngestProgress } from '../ingest/pdf';
import { withOcrMarks } from '../ingest/ocr';
import { CliExit, errorMessage } from './args';
import { ProgressBar } from './progress';

export interface Report {
  /** Where the report came from, for messages: "line 3" or "file a.txt". */
  where: string;
  id: string;
  text: string;
  /** The whole input object (a file gives just { id, text }), for fields such as labels. */
  record: Record<string, unknown>;
  /** The document a file was read into (pages, OCR words); absent for JSONL lines. */
  document?: ReportDocument;
}

export type InputItem = { ok: true; report: Report } | { ok: false; where: string; error: string };

/** Reports in an input, when known before reading it (a folder's files), for the progress bar. */
export interface Reports extends AsyncIterable<InputItem> {
  total: number | null;
}

export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function reportFromLine(raw: string, lineNo: number): InputItem {
  const where = `line ${lineNo}`;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    return { ok: false, where, error: `invalid JSON (${errorMessage(e)})` };
  }
  if (!isObject(value)) return { ok: false, where, error: 'not a JSON object' };
  const { id, text } = value;
  if (text === undefined) return { ok: false, where, error: 'missing "text"' };
  if (typeof text !== 'string') return { ok: false, where, error: `"text" must be a string, got ${typeof text}` };
  if (text.trim() === '') return { ok: false, where, error: '"text" is empty' };
  // Numeric ids are common in exported tables; anything else falls back to the line number so every
  // output line can still be traced to its input.
  const goodId = (typeof id === 'string' && id !== '') || typeof id === 'number';
  return { ok: true, report: { where, id: goodId ? String(id) : `line-${lineNo}`, text, record: value } };
}

async function* jsonlReports(file: string): AsyncGenerator<InputItem> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of lines) {
    lineNo += 1;
    // A BOM would make the first line invalid JSON; blank lines (a trailing newline) are not reports.
    const raw = lineNo === 1 ? line.replace(/^\uFEFF/, '') : line;
    if (raw.trim() !== '') yield reportFromLine(raw, lineNo);
  }
}

/** Extensions read from a folder; anything else in it is left alone (a folder also holds notes, scripts…). */
const FOLDER_EXTENSIONS = ['.txt', '.pdf', '.png', '.jpg', '.jpeg', '.tif', '.tiff'];

async function* fileReports(dir: string, names: readonly string[], onIngest: (name: string, p: IngestProgress) => void): AsyncGenerator<InputItem> {
  // Loaded only for folders: pdf.js, the canvas and tesseract.js are heavy, and JSONL runs need none of them.
  const { ingestFile } = await import('../ingest/ingest');
  const { nodeIngestPlatform } = await import('./ingestNode');
  const platform = nodeIngestPlatform();
  try {
    for (const name of names) {
      const where = `file ${name}`;
      let document: ReportDocument;
      try {
        document = await ingestFile(name, new Uint8Array(await readFile(join(dir, name))), platform, { onProgress: (p) => onIngest(name, p) });
      } catch (e) {
        yield { ok: false, where, error: errorMessage(e) };
        continue;
      }
      const id = parse(name).name;
      yield { ok: true, report: { where, id, text: document.text, record: { id, text: document.text }, document } };
    }
  } finally {
    await platform.close();
  }
}

/**
 * Reports from a JSONL file or (with allowFolder) a folder of .txt files, read lazily so long runs
 * start at once. Throws CliExit(1) when the input itself cannot be read.
 */
export async function openReports(path: string, allowFolder: boolean, onIngest: (name: string, p: IngestProgress) => void = () => {}): Promise<Reports> {
  try {
    const info = await stat(path);
    if (!info.isDirectory()) return Object.assign(jsonlReports(path), { total: null });
    if (!allowFolder) throw new Error('is a folder; expected a JSONL file');
    const files = (await readdir(path, { withFileTypes: true })).filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name);
    const names = files.filter((name) => FOLDER_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext))).sort();
    const skipped = files.filter((name) => !names.includes(name)).sort();
    // Said once, not per file: a folder of reports often holds notes and spreadsheets too.
    if (skipped.length > 0) {
      const shown = skipped.slice(0, 5).join(', ') + (skipped.length > 5 ? `, … (${skipped.length - 5} more)` : '');
      process.stderr.write(`skipped ${skipped.length} file${skipped.length === 1 ? '' : 's'} of types not read here (${FOLDER_EXTENSIONS.join(', ')} are): ${shown}\n`);
    }
    if (names.length === 0) throw new Error(`folder has no report files (${FOLDER_EXTENSIONS.join(', ')})`);
    return Object.assign(fileReports(path, names, onIngest), { total: names.length });
  } catch (e) {
    throw new CliExit(1, `cannot read input ${path}: ${errorMessage(e)}`);
  }
}

export function reportError(where: string, message: string, id?: string): void {
  process.stderr.write(`${where}${id === undefined ? '' : ` (${id})`}: ${message}\n`);
}

export interface RunSummary {
  ok: number;
  failed: number;
  seconds: number;
}

/**
 * Runs the extractor over every good input in order, one at a time. Bad inputs and extractor
 * failures are reported on stderr and counted, never fatal: one odd report must not lose a long run.
 */
export async function runExtractor(
  items: AsyncIterable<InputItem> & { total?: number | null },
  extractor: Extractor,
  onResult: (report: Report, extraction: Extraction) => void | Promise<void>,
  progress = new ProgressBar(extractor.name, items.total ?? null),
): Promise<RunSummary> {
  let ok = 0;
  let failed = 0;
  const fail = (where: string, message: string, id?: string) => {
    progress.say(`${where}${id === undefined ? '' : ` (${id})`}: ${message}`);
    failed += 1;
  };
  for await (const item of items) {
    progress.tick();
    if (!item.ok) {
      fail(item.where, item.error);
      continue;
    }
    const { report } = item;
    let extraction: Extraction;
    try {
      // Fields read from OCR words the engine was unsure of are marked for review, as on the page.
      const extracted = await extractor.extract(report.text);
      extraction = report.document ? withOcrMarks(extracted, report.document) : extracted;
    } catch (e) {
      fail(report.where, `extractor "${extractor.name}" failed: ${errorMessage(e)}`, report.id);
      continue;
    }
    await onResult(report, extraction);
    ok += 1;
  }
  const summary = { ok, failed, seconds: progress.seconds };
  progress.finish(`${extractor.name}: ${ok} ok, ${failed} failed, ${progress.count} total in ${summary.seconds.toFixed(1)} s (${progress.rate()}/s)`);
  return summary;
}

/** Progress words for a file being read: OCR is the slow part and gets its page count. */
export function ingestActivity(name: string, p: IngestProgress): string {
  return p.phase === 'ocr' ? `OCR page ${p.page}/${p.pages} of ${name}` : `reading ${name}`;
}
