// Pure display logic of the batch: status words for a job, the results table's rows, sorting and the
// "needs review" filter, and the time estimate. No React, so tests read it directly.
import type { Job, JobState } from '../../../domain/jobs';
import { FIELDS, NOT_STATED, type FieldName } from '../../../domain/schema';
import { finalExtraction } from '../../../domain/corrections';
import type { ReportRecord } from '../../../domain/record';
import type { Extraction } from '../../../domain/types';
import { confidenceLevel, displayLabel, needsReview, percent, type ConfidenceLevel } from '../../present';

/** What a row needs of a batch job (the store's BatchJob is one); kept structural so tests need no workers. */
export type TableJob = Job<{ document: { ocr: unknown }; result: { extraction: Extraction }; recordId: string }>;

export function statusText(state: JobState): string {
  switch (state.status) {
    case 'queued':
      return 'Queued';
    case 'reading':
      return 'Reading';
    case 'ocr':
      return `OCR ${state.page}/${state.pages}`;
    case 'extracting':
      return state.total > 0 ? `Extracting ${state.done}/${state.total}` : 'Extracting';
    case 'done':
      return 'Done';
    case 'failed':
      return 'Failed';
    case 'cancelled':
      return 'Cancelled';
    default:
      return unknownState(state);
  }
}

function unknownState(state: never): never {
  throw new Error(`unknown job state ${JSON.stringify(state)}`);
}

export interface Cell {
  value: string;
  /** Display text: "not stated" for NOT_STATED. */
  text: string;
  confidence: number;
  level: ConfidenceLevel;
  review: boolean;
}

export interface TableRow {
  id: string;
  name: string;
  state: JobState;
  /** Null until the job is done. */
  cells: Record<FieldName, Cell> | null;
  /** Fields marked for a check (0 until done). */
  reviews: number;
  /** The kept report of a done job. */
  recordId: string | null;
  reviewed: boolean;
  ocr: boolean;
}

/** A row of the table; with the kept record, its final values (corrections applied) are shown. */
export function tableRow(job: TableJob, record?: ReportRecord): TableRow {
  const extraction = record ? finalExtraction(record.extraction, record.review.corrections) : job.output?.result.extraction;
  let cells: Record<FieldName, Cell> | null = null;
  if (extraction) {
    cells = {} as Record<FieldName, Cell>;
    for (const f of FIELDS) {
      const r = extraction.fields[f.name];
      cells[f.name] = { value: r.value, text: displayLabel(r.value), confidence: percent(r.confidence), level: confidenceLevel(r), review: needsReview(r) };
    }
  }
  const reviews = cells ? Object.values(cells).filter((c) => c.review).length : 0;
  return { id: job.id, name: job.name, state: job.state, cells, reviews, ocr: job.output?.document.ocr != null, recordId: job.output?.recordId ?? null, reviewed: record?.review.reviewedAt != null };
}

export type SortKey = 'name' | 'status' | 'reviews' | FieldName;
export interface Sort {
  key: SortKey;
  direction: 'asc' | 'desc';
}

// Status sorts by where a job is in its life; failed rows first, as they need someone.
const STATUS_ORDER: Record<JobState['status'], number> = { failed: 0, extracting: 1, ocr: 2, reading: 3, queued: 4, done: 5, cancelled: 6 };

/** Labels sort in schema order (T1 < T2 < T4), not alphabetically; "not stated" and unfinished rows last. */
function fieldRank(key: FieldName, row: TableRow): number {
  const cell = row.cells?.[key];
  if (!cell) return Number.MAX_SAFE_INTEGER;
  if (cell.value === NOT_STATED) return Number.MAX_SAFE_INTEGER - 1;
  return FIELDS.find((f) => f.name === key)!.labels.indexOf(cell.value);
}

// One collator for every comparison: String.localeCompare with options builds one per call.
const byName = new Intl.Collator(undefined, { numeric: true });

function compare(a: TableRow, b: TableRow, key: SortKey): number {
  switch (key) {
    case 'name':
      return byName.compare(a.name, b.name);
    case 'status':
      return STATUS_ORDER[a.state.status] - STATUS_ORDER[b.state.status];
    case 'reviews':
      return a.reviews - b.reviews;
    default:
      return fieldRank(key, a) - fieldRank(key, b);
  }
}

/** Stable: rows that compare equal keep batch order. */
export function sortRows(rows: readonly TableRow[], sort: Sort): TableRow[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  return rows
    .map((row, i) => ({ row, i }))
    .sort((x, y) => sign * compare(x.row, y.row, sort.key) || x.i - y.i)
    .map((x) => x.row);
}

/** Rows a person must look at: a field marked for a check, or a file that failed. */
export function needsAttention(row: TableRow): boolean {
  return (row.reviews > 0 && !row.reviewed) || row.state.status === 'failed';
}

export function filterRows(rows: readonly TableRow[], needsReviewOnly: boolean): TableRow[] {
  return needsReviewOnly ? rows.filter(needsAttention) : [...rows];
}

/** "about 3 min", "40 s", "under 5 s" — an estimate, worded as one. */
export function durationText(ms: number): string {
  const s = ms / 1000;
  if (s < 5) return 'under 5 s';
  if (s < 90) return `about ${Math.round(s / 5) * 5} s`;
  const min = s / 60;
  if (min < 90) return `about ${Math.round(min)} min`;
  return `about ${(min / 60).toFixed(1)} h`;
}
