// Reading reports (JSONL lines or a folder of .txt files) and running an extractor over them with progress.
// Shared by extract.ts and eval.ts: `await runExtractor(await openReports(path), extractor, onResult)`.
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, parse } from 'node:path';
import { createInterface } from 'node:readline';
import type { Extraction, Extractor } from '../domain/types';
import { CliExit, errorMessage } from './args';

export interface Report {
  /** Where the report came from, for messages: "line 3" or "file a.txt". */
  where: string;
  id: string;
  text: string;
  /** The whole input object (a .txt file gives just { id, text }), for fields such as labels. */
  record: Record<string, unknown>;
}

export type InputItem = { ok: true; report: Report } | { ok: false; where: string; error: string };

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

async function* txtReports(dir: string, names: readonly string[]): AsyncGenerator<InputItem> {
  for (const name of names) {
    const where = `file ${name}`;
    let text: string;
    try {
      text = await readFile(join(dir, name), 'utf8');
    } catch (e) {
      yield { ok: false, where, error: errorMessage(e) };
      continue;
    }
    const id = parse(name).name;
    yield text.trim() === '' ? { ok: false, where, error: 'file is empty' } : { ok: true, report: { where, id, text, record: { id, text } } };
  }
}

/**
 * Reports from a JSONL file or (with allowFolder) a folder of .txt files, read lazily so long runs
 * start at once. Throws CliExit(1) when the input itself cannot be read.
 */
export async function openReports(path: string, allowFolder: boolean): Promise<AsyncIterable<InputItem>> {
  try {
    const info = await stat(path);
    if (!info.isDirectory()) return jsonlReports(path);
    if (!allowFolder) throw new Error('is a folder; expected a JSONL file');
    const names = (await readdir(path, { withFileTypes: true }))
      .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.txt'))
      .map((e) => e.name)
      .sort();
    if (names.length === 0) throw new Error('folder has no .txt files');
    return txtReports(path, names);
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

/** Throttled to one stderr line a second so that long runs show life without flooding the log. */
class Progress {
  private readonly start = Date.now();
  private lastReport = this.start;
  count = 0;

  constructor(private readonly label: string) {}

  get seconds(): number {
    return (Date.now() - this.start) / 1000;
  }

  rate(): string {
    return (this.count / Math.max(this.seconds, 1e-3)).toFixed(1);
  }

  tick(): void {
    this.count += 1;
    const now = Date.now();
    if (now - this.lastReport >= 1000) {
      this.lastReport = now;
      process.stderr.write(`${this.label}: ${this.count} reports (${this.rate()}/s)\n`);
    }
  }
}

/**
 * Runs the extractor over every good input in order, one at a time. Bad inputs and extractor
 * failures are reported on stderr and counted, never fatal: one odd report must not lose a long run.
 */
export async function runExtractor(
  items: AsyncIterable<InputItem>,
  extractor: Extractor,
  onResult: (report: Report, extraction: Extraction) => void | Promise<void>,
): Promise<RunSummary> {
  const progress = new Progress(extractor.name);
  let ok = 0;
  let failed = 0;
  for await (const item of items) {
    progress.tick();
    if (!item.ok) {
      reportError(item.where, item.error);
      failed += 1;
      continue;
    }
    let extraction: Extraction;
    try {
      extraction = await extractor.extract(item.report.text);
    } catch (e) {
      reportError(item.report.where, `extractor "${extractor.name}" failed: ${errorMessage(e)}`, item.report.id);
      failed += 1;
      continue;
    }
    await onResult(item.report, extraction);
    ok += 1;
  }
  const summary = { ok, failed, seconds: progress.seconds };
  process.stderr.write(
    `${extractor.name}: ${ok} ok, ${failed} failed, ${progress.count} total in ${summary.seconds.toFixed(1)} s (${progress.rate()}/s)\n`,
  );
  return summary;
}
