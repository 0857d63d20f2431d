// The batch table's display logic: status words, rows from jobs, sorting in schema order, the
// "needs a check" filter and the time estimate's wording.
import { describe, expect, test } from 'vitest';
import { applyJobEvent, newJob, type JobEvent } from '../src/domain/jobs';
import { extractRules } from '../src/domain/rules';
import { markOcrUncertainty } from '../src/domain/review';
import { durationText, filterRows, sortRows, statusText, tableRow, type TableJob } from '../src/app/features/queue/table';

function finished(name: string, text: string, uncertain: readonly [number, number][] = []): TableJob {
  const raw = extractRules(text);
  const extraction = markOcrUncertainty(raw, text, uncertain.map((span) => ({ span, confidence: 0.3 })));
  const events: JobEvent[] = [{ type: 'read' }, { type: 'extract', done: 0, total: 0 }, { type: 'finish' }];
  const job = events.reduce((j, e, i) => applyJobEvent(j, e, i), newJob<NonNullable<TableJob['output']>>(name, name, text.length));
  return { ...job, output: { document: { ocr: null }, result: { extraction }, recordId: `record-${name}` } };
}

const T1 = 'Invasive ductal carcinoma, grade 1. pT1c pN0. ER positive (90%). PR positive. HER2 negative (1+).';
const T3 = 'Invasive ductal carcinoma, grade 3. pT3 pN2a. ER negative (0%). PR negative. HER2 positive (3+).';
const NONE = 'Invasive ductal carcinoma. ER positive (90%).';

describe('batch table', () => {
  test('status words say where a job is, with its page or window counts', () => {
    expect(statusText({ status: 'ocr', page: 2, pages: 5 })).toBe('OCR 2/5');
    expect(statusText({ status: 'extracting', done: 3, total: 12 })).toBe('Extracting 3/12');
    expect(statusText({ status: 'extracting', done: 0, total: 0 })).toBe('Extracting');
    expect(statusText({ status: 'failed', error: { name: 'CorruptFile', message: 'x' } })).toBe('Failed');
  });

  test('a done job gives one cell per field with its value and review mark; a queued one gives none', () => {
    const row = tableRow(finished('a.txt', T1));
    expect(row.cells!.pT).toMatchObject({ value: 'T1', text: 'T1' });
    expect(row.cells!.pM.text).toBe('not stated');
    expect(tableRow(newJob<NonNullable<TableJob['output']>>('q', 'q.txt', 1)).cells).toBeNull();
  });

  test('a field read from an uncertain OCR word carries the mark and counts as a check', () => {
    const at = T1.indexOf('pN0');
    const row = tableRow(finished('scan.pdf', T1, [[at, at + 3]]));
    expect(row.cells!.pN.review).toBe(true);
    expect(row.cells!.pN.level).toBe('low');
    expect(row.reviews).toBeGreaterThanOrEqual(1);
  });

  test('fields sort in schema order (T1 before T3), not stated last either way up; ties keep batch order', () => {
    const rows = [finished('c', T3), finished('a', NONE), finished('b', T1)].map((j) => tableRow(j));
    expect(sortRows(rows, { key: 'pT', direction: 'asc' }).map((r) => r.name)).toEqual(['b', 'c', 'a']);
    expect(sortRows(rows, { key: 'pT', direction: 'desc' }).map((r) => r.name)).toEqual(['a', 'c', 'b']);
    expect(sortRows(rows, { key: 'name', direction: 'asc' }).map((r) => r.name)).toEqual(['a', 'b', 'c']);
    const same = [finished('x', T1), finished('y', T1)].map((j) => tableRow(j));
    expect(sortRows(same, { key: 'grade', direction: 'desc' }).map((r) => r.name)).toEqual(['x', 'y']);
  });

  test('"needs a check" keeps failed files and reports with a marked field', () => {
    const failed = applyJobEvent(applyJobEvent(newJob<NonNullable<TableJob['output']>>('f', 'f.pdf', 1), { type: 'read' }, 0), { type: 'fail', error: { name: 'CorruptFile', message: 'damaged' } }, 1);
    const rows = [tableRow(finished('clean', T1)), tableRow(failed), tableRow(finished('doubt', T1, [[T1.indexOf('pT1c'), T1.indexOf('pT1c') + 4]]))];
    const kept = filterRows(rows, true).map((r) => r.name);
    expect(kept).toContain('f.pdf');
    expect(kept).toContain('doubt');
    expect(filterRows(rows, false)).toHaveLength(3);
  });

  test('time estimates are worded as estimates', () => {
    expect(durationText(2_000)).toBe('under 5 s');
    expect(durationText(42_000)).toBe('about 40 s');
    expect(durationText(5 * 60_000)).toBe('about 5 min');
    expect(durationText(3 * 3_600_000)).toBe('about 3.0 h');
  });
});
