// History: every kept report (this session's and earlier ones, from IndexedDB), newest first, with a
// search, open, delete one or all (asked once more, inline), the storage used and the browser's quota,
// whether storage is persistent, and export of the chosen reports or all of them.
// Test hooks: data-testid="history-row" (data-id, data-name, data-reviewed), "history-search", "delete-all",
// "storage-usage", "history-state" (data-status), "export-csv" | "export-json" | "export-fhir".
import { useMemo, useState } from 'react';
import { finalExtraction } from '../../../domain/corrections';
import type { ReportRecord } from '../../../domain/record';
import { matchesQuery } from '../../../storage/search';
import { useApp } from '../../store';
import { download, EXPORT_FORMATS } from '../export/download';
import { deleteAllRecords, deleteRecord, openRecord } from './records';
import { StorageNotice } from './StorageNotice';

export function HistoryView() {
  const records = useApp((s) => s.records);
  const ids = useApp((s) => s.historyIds);
  const [query, setQuery] = useState('');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [confirmAll, setConfirmAll] = useState(false);
  const shown = useMemo(() => ids.map((id) => records[id]).filter((r): r is ReportRecord => r !== undefined && matchesQuery(r, query)), [ids, records, query]);
  const shownIds = shown.map((r) => r.id);
  const selected = shown.filter((r) => chosen.has(r.id));
  const toggle = (id: string) => setChosen((c) => (c.has(id) ? new Set([...c].filter((x) => x !== id)) : new Set([...c, id])));

  return (
    <section className="panel batch" aria-labelledby="history-heading">
      <div className="panel-header">
        <h2 id="history-heading">History</h2>
        <div className="button-row">
          {EXPORT_FORMATS.map(({ format, label, title }) => (
            <button key={format} type="button" className="button secondary" title={title} disabled={shown.length === 0} onClick={() => download(selected.length > 0 ? selected : shown, format)} data-testid={`export-${format}`}>
              Export {label}
              {selected.length > 0 ? ` (${selected.length})` : ''}
            </button>
          ))}
          {confirmAll ? (
            <span className="confirm" role="group" aria-label="Delete every kept report?">
              Delete all {ids.length} reports from this browser?
              <button type="button" className="button danger" onClick={() => (deleteAllRecords(), setConfirmAll(false), setChosen(new Set()))} data-testid="confirm-delete-all">
                Delete all
              </button>
              <button type="button" className="button secondary" onClick={() => setConfirmAll(false)} autoFocus>
                Keep them
              </button>
            </span>
          ) : (
            <button type="button" className="button secondary" disabled={ids.length === 0} onClick={() => setConfirmAll(true)} data-testid="delete-all">
              Delete all…
            </button>
          )}
        </div>
      </div>
      <StorageNotice />
      <label className="filter">
        Search
        <input type="search" value={query} onChange={(e) => setQuery(e.currentTarget.value)} placeholder="File name, words of the report, or a value such as T2" data-testid="history-search" />
      </label>
      {shown.length === 0 ? (
        <p className="empty-state">{ids.length === 0 ? 'No reports kept yet: extracted reports appear here, and stay after a reload.' : 'No kept report matches the search.'}</p>
      ) : (
        <div className="table-scroll">
          <table className="results-table" data-testid="history-table">
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">Choose for export</span>
                </th>
                <th scope="col">Report</th>
                <th scope="col">Extracted</th>
                <th scope="col">Stage</th>
                <th scope="col">Review</th>
                <th scope="col">
                  <span className="visually-hidden">Delete</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <HistoryRow key={r.id} record={r} chosen={chosen.has(r.id)} onChoose={() => toggle(r.id)} onOpen={() => openRecord(r.id, shownIds, 'history')} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function HistoryRow({ record, chosen, onChoose, onOpen }: { record: ReportRecord; chosen: boolean; onChoose: () => void; onOpen: () => void }) {
  const final = finalExtraction(record.extraction, record.review.corrections);
  const corrected = new Set(record.review.corrections.map((c) => c.field)).size;
  return (
    <tr className="openable" data-testid="history-row" data-id={record.id} data-name={record.name} data-reviewed={record.review.reviewedAt !== null}>
      <td>
        <input type="checkbox" checked={chosen} onChange={onChoose} aria-label={`Choose ${record.name} for export`} />
      </td>
      <th scope="row" className="file-name">
        <button type="button" className="button link" onClick={onOpen}>
          {record.name}
        </button>
      </th>
      <td>{new Date(record.createdAt).toLocaleString()}</td>
      <td>{final.stage.group}</td>
      <td>
        {record.review.reviewedAt ? '✓ reviewed' : 'not reviewed'}
        {corrected > 0 && ` · ${corrected} corrected`}
      </td>
      <td>
        <button type="button" className="button link" onClick={() => deleteRecord(record.id)} aria-label={`Delete ${record.name}`} data-testid="delete-record">
          Delete
        </button>
      </td>
    </tr>
  );
}

