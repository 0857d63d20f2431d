// One row per report, one column per field: the value coloured by its confidence and marked when it
// needs a check; running rows show their state and a cancel button, failed rows their reason.
// Clicking a finished row (or Enter on it) opens the report with its evidence.
// Test hooks: rows carry data-testid="job-row", data-name, data-status; cells data-field, data-value, data-review.
import { memo, useCallback, useRef, type KeyboardEvent } from 'react';
import { FIELDS } from '../../../domain/schema';
import { isActive } from '../../../domain/jobs';
import { openRecord } from '../history/records';
import { cancelJob, retryJob } from './runner';
import { statusText, type Sort, type SortKey, type TableRow } from './table';

interface Props {
  rows: TableRow[];
  sort: Sort;
  onSort: (sort: Sort) => void;
  /** The rows' record ids in the order shown, so previous/next in the report view follow the table. */
  orderedIds: string[];
}

function Header({ label, sortKey, sort, onSort }: { label: string; sortKey: SortKey; sort: Sort; onSort: Props['onSort'] }) {
  const active = sort.key === sortKey;
  const next = active && sort.direction === 'asc' ? 'desc' : 'asc';
  return (
    <th scope="col" aria-sort={active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="sort" onClick={() => onSort({ key: sortKey, direction: next })} data-testid={`sort-${sortKey}`}>
        {label}
        <span aria-hidden="true">{active ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}</span>
      </button>
    </th>
  );
}

/**
 * One row. Memoised on its TableRow (BatchView keeps a job's row object while the job and its record are
 * unchanged): a batch of 1,000 files re-renders only the row that moved, not all of them on every event.
 */
const JobRow = memo(function JobRow({ row, onOpen }: { row: TableRow; onOpen: (row: TableRow) => void }) {
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onOpen(row);
    }
  };
  return (
    <tr
      className={row.cells ? 'openable' : undefined}
      tabIndex={row.cells ? 0 : -1}
      onClick={() => onOpen(row)}
      onKeyDown={onKey}
      data-testid="job-row"
      data-name={row.name}
      data-status={row.state.status}
    >
      <th scope="row" className="file-name">
        {row.name}
        {row.ocr && <span className="badge" title="Read from a scan with OCR">OCR</span>}
      </th>
      <td className={`status ${row.state.status}`} data-testid="job-status">
        {statusText(row.state)}
        {isActive(row.state) || row.state.status === 'queued' ? (
          <button type="button" className="button link" onClick={(e) => (e.stopPropagation(), cancelJob(row.id))} aria-label={`Cancel ${row.name}`} data-testid="cancel-job">
            Cancel
          </button>
        ) : null}
        {row.state.status === 'cancelled' && (
          <button type="button" className="button link" onClick={(e) => (e.stopPropagation(), retryJob(row.id))} aria-label={`Retry ${row.name}`}>
            Retry
          </button>
        )}
      </td>
      {row.state.status === 'failed' ? (
        <td colSpan={FIELDS.length + 1} className="failure" role="alert" data-testid="job-error" data-error={row.state.error.name}>
          {row.state.error.message}
        </td>
      ) : (
        <>
          <td className="checks" data-testid="job-checks">
            {row.cells ? (row.reviewed ? '✓ reviewed' : row.reviews > 0 ? `${row.reviews} ⚑` : '—') : ''}
          </td>
          {FIELDS.map((f) => {
            const cell = row.cells?.[f.name];
            return (
              <td
                key={f.name}
                className={cell ? `cell ${cell.level}` : 'cell'}
                title={cell ? `${f.title}: ${cell.text}, ${cell.confidence} % confidence${cell.review ? ' — needs a check' : ''}` : undefined}
                data-field={f.name}
                data-value={cell?.value}
                data-review={cell ? (cell.review ? 'needed' : 'ok') : undefined}
              >
                {cell?.text}
                {cell?.review && <span className="review-flag" aria-label="needs a check"> ⚑</span>}
              </td>
            );
          })}
        </>
      )}
    </tr>
  );
});

export function ResultsTable({ rows, sort, onSort, orderedIds }: Props) {
  // Read at click time, so that the rows' handler stays the same while the order changes.
  const ids = useRef(orderedIds);
  ids.current = orderedIds;
  const open = useCallback((row: TableRow) => row.recordId && openRecord(row.recordId, ids.current, 'batch'), []);
  return (
    <div className="table-scroll">
      <table className="results-table" data-testid="results-table">
        <thead>
          <tr>
            <Header label="File" sortKey="name" sort={sort} onSort={onSort} />
            <Header label="Status" sortKey="status" sort={sort} onSort={onSort} />
            <Header label="Checks" sortKey="reviews" sort={sort} onSort={onSort} />
            {FIELDS.map((f) => (
              <Header key={f.name} label={f.name} sortKey={f.name} sort={sort} onSort={onSort} />
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <JobRow key={row.id} row={row} onOpen={open} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
