// The batch runner: takes queued files one at a time through the ingest worker (file → report
// document) and the inference worker (document → extraction), moving each job through the domain's
// state machine. Outside React; it writes the app store. Cancelling aborts the job's requests.
// Every queued file is also kept in IndexedDB (storage/pending.ts) until its report is saved, so a
// batch cut off by a reload or a crash is offered again on the next page load (resumeLeftOver).
import { applyJobEvent, isActive, newJob, nextQueued, type JobEvent } from '../../../domain/jobs';
import { MAX_FILE_BYTES } from '../../../domain/limits';
import { tooLarge } from '../../../ingest/detect';
import type { ReportDocument } from '../../../ingest/document';
import { withOcrMarks } from '../../../ingest/ocr';
import { CANCELLED } from '../../../worker/contract';
import { runExtraction } from '../../extract';
import type { PendingFile } from '../../../storage/pending';
import { keepExtraction, pendingFiles } from '../history/records';
import { newId } from '../../ids';
import { livingTabs } from '../../tabs';
import { WORKER_FAILED } from '../../workerChannel';
import { ingest } from '../../workers';
import { notify, store, type BatchJob, type JobOutput } from '../../store';

/** A job's file: the one the user chose, or its copy in the pending store after a reload. */
interface Source {
  file: Blob;
  /** Settles once the file is in the pending store (or could not be kept): before its report is saved. */
  kept: Promise<void>;
}

/** The files behind the jobs (not in the store: a Blob is no plain data), by job id. */
const sources = new Map<string, Source>();
const running = new Map<string, AbortController>();
/** Jobs already read again after a worker died: a second death is the file's fault, not the worker's. */
const restarted = new Set<string>();
/** Left-over files found at start, until the user resumes or discards them. */
let leftOver: PendingFile[] = [];
let draining = false;
/** One warning per page that queued files could not be kept (storage full or off), not one per file. */
let warnedUnkept = false;

function update(id: string, event: JobEvent, output?: JobOutput): void {
  store.set((s) => ({
    jobs: s.jobs.map((j) => (j.id === id ? { ...applyJobEvent(j, event, Date.now()), ...(output && event.type === 'finish' ? { output } : {}) } : j)),
  }));
}

function pathOf(file: File): string {
  return file.webkitRelativePath || file.name;
}

/** Puts a job's file in the pending store; a failure costs only the reload protection, so it is said once and the job runs. */
function keep(id: string, name: string, file: Blob, addedAt: string, order: number): Promise<void> {
  return (async () => {
    const pending = await pendingFiles();
    // History off (private window): a reload loses the queue, as the history notice already says.
    if (!pending) return;
    try {
      await pending.add({ id, name, size: file.size, addedAt, order, file });
    } catch (e) {
      if (warnedUnkept) return;
      warnedUnkept = true;
      notify('warning', `Files of this batch could not be kept for a reload (${e instanceof Error ? e.message : String(e)}). They are read as usual; keep the page open until the batch ends.`);
    }
  })();
}

/** Removes files from the pending store, each once it is there (a removal must not overtake the add). */
function forget(ids: readonly string[]): void {
  void (async () => {
    await Promise.all(ids.map((id) => sources.get(id)?.kept));
    await (await pendingFiles())?.remove(ids).catch(() => undefined);
  })();
}

/** Queues files (each becomes a row at once) and starts the runner if it is idle. */
export function addFiles(list: readonly File[]): void {
  if (list.length === 0) return;
  const addedAt = new Date().toISOString();
  const jobs: BatchJob[] = list.map((file, order) => {
    const id = newId();
    // A file over the limit fails at once; there is nothing to keep for it.
    const kept = file.size > MAX_FILE_BYTES ? Promise.resolve() : keep(id, pathOf(file), file, addedAt, order);
    sources.set(id, { file, kept });
    return newJob(id, pathOf(file), file.size);
  });
  store.set((s) => ({ jobs: [...s.jobs, ...jobs], view: s.view === 'report' ? s.view : 'batch' }));
  notify('info', `${list.length === 1 ? `${pathOf(list[0]!)} was` : `${list.length} files were`} added to the batch.`);
  void drain();
}

export function cancelJob(id: string): void {
  running.get(id)?.abort();
  update(id, { type: 'cancel' });
  forget([id]);
}

export function cancelAll(): void {
  for (const job of store.get().jobs) if (job.state.status === 'queued' || isActive(job.state)) cancelJob(job.id);
}

export function retryJob(id: string): void {
  const job = store.get().jobs.find((j) => j.id === id);
  const source = sources.get(id);
  if (job && source) source.kept = keep(id, job.name, source.file, new Date().toISOString(), 0);
  update(id, { type: 'retry' });
  void drain();
}

/** Looks for files an earlier page queued and never read (store.leftOver says how many). */
export async function findLeftOver(): Promise<void> {
  const pending = await pendingFiles();
  if (!pending) return;
  try {
    leftOver = await pending.orphans(await livingTabs());
  } catch {
    return; // History's own state already says what is wrong with storage.
  }
  store.set({ leftOver: leftOver.length > 0 ? { files: leftOver.length, bytes: leftOver.reduce((n, f) => n + f.size, 0) } : null });
}

/** Queues the left-over files again, in their batch order, and starts the runner. */
export async function resumeLeftOver(): Promise<void> {
  const pending = await pendingFiles();
  const seen = leftOver;
  leftOver = [];
  store.set({ leftOver: null });
  if (!pending || seen.length === 0) return;
  let claimed: PendingFile[];
  try {
    claimed = await pending.claim(seen);
  } catch (e) {
    notify('error', `The earlier batch could not be resumed: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  const jobs = claimed.map((f) => {
    sources.set(f.id, { file: f.file, kept: Promise.resolve() });
    return newJob<JobOutput>(f.id, f.name, f.size);
  });
  store.set((s) => ({ jobs: [...s.jobs, ...jobs], view: s.view === 'report' ? s.view : 'batch' }));
  const taken = seen.length - claimed.length;
  notify('info', `${claimed.length} ${claimed.length === 1 ? 'file' : 'files'} of the earlier batch ${claimed.length === 1 ? 'was' : 'were'} queued again${taken > 0 ? ` (${taken} already taken by another tab)` : ''}.`);
  void drain();
}

/** Forgets the left-over files: they are not read, and not offered again. */
export function discardLeftOver(): void {
  forget(leftOver.map((f) => f.id));
  leftOver = [];
  store.set({ leftOver: null });
}

/** Removes finished rows (done, failed, cancelled) from the batch; their reports stay in history. */
export function clearFinished(): void {
  store.set((s) => {
    const keep = s.jobs.filter((j) => j.state.status === 'queued' || isActive(j.state));
    for (const j of s.jobs) if (!keep.includes(j)) sources.delete(j.id);
    return { jobs: keep };
  });
}

async function drain(): Promise<void> {
  if (draining) return;
  draining = true;
  try {
    for (let job = nextQueued(store.get().jobs); job; job = nextQueued(store.get().jobs)) await process(job.id);
  } finally {
    draining = false;
  }
}

async function process(id: string): Promise<void> {
  const source = sources.get(id);
  if (!source) return;
  const name = store.get().jobs.find((j) => j.id === id)?.name ?? '';
  const controller = new AbortController();
  running.set(id, controller);
  const { signal } = controller;
  update(id, { type: 'read' });
  try {
    const document = await read(id, name, source.file, signal);
    update(id, { type: 'extract', done: 0, total: 0 });
    const outcome = await runExtraction(document.text, store.get().mode, { signal, onProgress: (p) => update(id, { type: 'extract', ...p }) });
    if (!outcome.ok) throw Object.assign(new Error(outcome.error.message), { name: outcome.error.name });
    const result = { ...outcome, extraction: withOcrMarks(outcome.extraction, document) };
    // Saved only once the file is in the pending store, or the save's settling would find nothing to remove.
    await source.kept;
    const record = keepExtraction(document, result, id);
    update(id, { type: 'finish' }, { document, result, recordId: record.id });
  } catch (e) {
    // A cancelled job is already marked so (cancelJob); any other failure ends on its row, and the batch goes on.
    const error = e instanceof Error ? { name: e.name, message: e.message } : { name: 'Error', message: String(e) };
    if (error.name === WORKER_FAILED && !restarted.has(id)) {
      // The worker died under this job (out of memory, killed); the channel starts a fresh one, so read it again.
      restarted.add(id);
      update(id, { type: 'fail', error });
      update(id, { type: 'retry' });
      notify('warning', error.message);
    } else if (error.name !== CANCELLED) {
      update(id, { type: 'fail', error });
      // It ended with its reason on the row; a reload must not offer it again. Retry keeps it anew.
      forget([id]);
    }
  } finally {
    running.delete(id);
  }
}

async function read(id: string, name: string, file: Blob, signal: AbortSignal): Promise<ReportDocument> {
  // Refused before reading: a multi-gigabyte file must not be loaded into memory to be told it is too big.
  if (file.size > MAX_FILE_BYTES) throw tooLarge(name, file.size);
  let bytes: ArrayBuffer;
  try {
    bytes = await file.arrayBuffer();
  } catch (e) {
    throw Object.assign(new Error(`${name} could not be read from the disk (${e instanceof Error ? e.message : String(e)}). Is the USB stick still there?`), { name: 'CorruptFile' });
  }
  return ingest.request(
    'read',
    { name, bytes, baseUrl: document.baseURI },
    { signal, transfer: [bytes], onProgress: (p) => p.phase === 'ocr' && update(id, { type: 'ocr', page: p.page, pages: p.pages }) },
  );
}
