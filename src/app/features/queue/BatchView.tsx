// The batch: overall progress with a time estimate, cancel all, the "needs review" filter, and one
// row per file — its state while it runs, its fields once done, its reason when it failed.
// Test hooks: data-testid="batch-progress" (data-done, data-total), rows in ResultsTable.
import { useEffect, useMemo, useRef, useState } from 'react';
import { batchProgress } from '../../../domain/jobs';
import type { ReportRecord } from '../../../domain/record';
import { useApp, type BatchJob } from '../../store';
import { ResultsTable } from './ResultsTable';
import { cancelAll, clearFinished } from './runner';
import { durationText, filterRows, sortRows, tableRow, type Sort, type TableRow } from './table';

/** Re-renders once a second while `on`, so the time estimate counts down between job events. */
function useTick(on: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [on]);
  return now;
}

export function BatchView() {
  const jobs = useApp((s) => s.jobs);
  const records = useApp((s) => s.records);
  const [sort, setSort] = useState<Sort>({ key: 'name', direction: 'asc' });
  const [reviewOnly, setReviewOnly] = useState(false);
  const running = jobs.some((j) => j.state.status !== 'done' && j.state.status !== 'failed' && j.state.status !== 'cancelled');
  const now = useTick(running);
  const progress = batchProgress(jobs, now);
  // A job's row is made again only when the job or its record changed (the store replaces just those
  // objects), so the table's memoised rows skip the rest: a long batch stays linear, not quadratic.
  const rowCache = useRef(new WeakMap<BatchJob, { record: ReportRecord | undefined; row: TableRow }>());
  const rows = useMemo(() => {
    const rowOf = (j: BatchJob) => {
      const record = j.output ? records[j.output.recordId] : undefined;
      const hit = rowCache.current.get(j);
      if (hit && hit.record === record) return hit.row;
      const row = tableRow(j, record);
      rowCache.current.set(j, { record, row });
      return row;
    };
    return filterRows(sortRows(jobs.map(rowOf), sort), reviewOnly);
  }, [jobs, records, sort, reviewOnly]);
  const orderedIds = rows.flatMap((r) => (r.recordId ? [r.recordId] : []));

  if (jobs.length === 0) {
    return (
      <section className="panel batch empty" aria-labelledby="batch-heading">
        <h2 id="batch-heading">Batch</h2>
        <p className="empty-state">
          Add files with <strong>Add files…</strong> or <strong>Add a folder…</strong>, or drop them anywhere on the page. Each file becomes a row;
          reports are read one at a time on this computer.
        </p>
      </section>
    );
  }

  const finished = progress.done + progress.failed + progress.cancelled;
  return (
    <section className="panel batch" aria-labelledby="batch-heading">
      <div className="panel-header">
        <h2 id="batch-heading">Batch</h2>
        <div className="button-row">
          <button type="button" className="button secondary" onClick={cancelAll} disabled={!running} data-testid="cancel-all">
            Cancel all
          </button>
          <button type="button" className="button secondary" onClick={clearFinished} disabled={finished === 0} data-testid="clear-finished">
            Clear finished
          </button>
        </div>
      </div>
      <div className="batch-progress" data-testid="batch-progress" data-done={progress.done} data-failed={progress.failed} data-cancelled={progress.cancelled} data-total={progress.total} data-running={running}>
        <progress max={1} value={progress.fraction} aria-label="Batch progress" />
        <p role="status">
          {finished} of {progress.total} finished · {progress.done} done
          {progress.failed > 0 && ` · ${progress.failed} failed`}
          {progress.cancelled > 0 && ` · ${progress.cancelled} cancelled`}
          {running && progress.remainingMs !== null && ` · ${durationText(progress.remainingMs)} left`}
        </p>
      </div>
      <label className="filter">
        <input type="checkbox" checked={reviewOnly} onChange={(e) => setReviewOnly(e.currentTarget.checked)} data-testid="filter-review" />
        Only reports that need a check
      </label>
      <ResultsTable rows={rows} sort={sort} onSort={setSort} orderedIds={orderedIds} />
    </section>
  );
}
