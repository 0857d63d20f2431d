// The batch runner: takes queued files one at a time through the ingest worker (file → report
// document) and the inference worker (document → extraction), moving each job through the domain's
// state machine. Outside React; it writes the app store. Cancelling aborts the job's requests.
import { applyJobEvent, isActive, newJob, nextQueued, type JobEvent } from '../../../domain/jobs';
import { MAX_FILE_BYTES } from '../../../domain/limits';
import { tooLarge } from '../../../ingest/detect';
import type { ReportDocument } from '../../../ingest/document';
import { withOcrMarks } from '../../../ingest/ocr';
import { CANCELLED } from '../../../worker/contract';
import { runExtraction } from '../../extract';
import { keepExtraction } from '../history/records';
import { WORKER_FAILED } from '../../workerChannel';
import { ingest } from '../../workers';
import { notify, store, type BatchJob, type JobOutput } from '../../store';

/** The files behind the jobs (not in the store: a File is no plain data), by job id. */
const files = new Map<string, File>();
const running = new Map<string, AbortController>();
/** Jobs already read again after a worker died: a second death is the file's fault, not the worker's. */
const restarted = new Set<string>();
let nextId = 1;
let draining = false;

function update(id: string, event: JobEvent, output?: JobOutput): void {
  store.set((s) => ({
    jobs: s.jobs.map((j) => (j.id === id ? { ...applyJobEvent(j, event, Date.now()), ...(output && event.type === 'finish' ? { output } : {}) } : j)),
  }));
}

function pathOf(file: File): string {
  return file.webkitRelativePath || file.name;
}

/** Queues files (each becomes a row at once) and starts the runner if it is idle. */
export function addFiles(list: readonly File[]): void {
  if (list.length === 0) return;
  const jobs: BatchJob[] = list.map((file) => {
    const id = `job-${nextId++}`;
    files.set(id, file);
    return newJob(id, pathOf(file), file.size);
  });
  store.set((s) => ({ jobs: [...s.jobs, ...jobs], view: s.view === 'report' ? s.view : 'batch' }));
  notify('info', `${list.length === 1 ? `${pathOf(list[0]!)} was` : `${list.length} files were`} added to the batch.`);
  void drain();
}

export function cancelJob(id: string): void {
  running.get(id)?.abort();
  update(id, { type: 'cancel' });
}

export function cancelAll(): void {
  for (const job of store.get().jobs) if (job.state.status === 'queued' || isActive(job.state)) cancelJob(job.id);
}

export function retryJob(id: string): void {
  update(id, { type: 'retry' });
  void drain();
}

/** Removes finished rows (done, failed, cancelled) from the batch; their reports stay in history. */
export function clearFinished(): void {
  store.set((s) => {
    const keep = s.jobs.filter((j) => j.state.status === 'queued' || isActive(j.state));
    for (const j of s.jobs) if (!keep.includes(j)) files.delete(j.id);
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
  const file = files.get(id);
  if (!file) return;
  const controller = new AbortController();
  running.set(id, controller);
  const { signal } = controller;
  update(id, { type: 'read' });
  try {
    const document = await read(id, file, signal);
    update(id, { type: 'extract', done: 0, total: 0 });
    const outcome = await runExtraction(document.text, store.get().mode, { signal, onProgress: (p) => update(id, { type: 'extract', ...p }) });
    if (!outcome.ok) throw Object.assign(new Error(outcome.error.message), { name: outcome.error.name });
    const result = { ...outcome, extraction: withOcrMarks(outcome.extraction, document) };
    const record = keepExtraction(document, result);
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
    } else if (error.name !== CANCELLED) update(id, { type: 'fail', error });
  } finally {
    running.delete(id);
  }
}

async function read(id: string, file: File, signal: AbortSignal): Promise<ReportDocument> {
  // Refused before reading: a multi-gigabyte file must not be loaded into memory to be told it is too big.
  if (file.size > MAX_FILE_BYTES) throw tooLarge(pathOf(file), file.size);
  let bytes: ArrayBuffer;
  try {
    bytes = await file.arrayBuffer();
  } catch (e) {
    throw Object.assign(new Error(`${pathOf(file)} could not be read from the disk (${e instanceof Error ? e.message : String(e)}). Is the USB stick still there?`), { name: 'CorruptFile' });
  }
  return ingest.request(
    'read',
    { name: pathOf(file), bytes, baseUrl: document.baseURI },
    { signal, transfer: [bytes], onProgress: (p) => p.phase === 'ocr' && update(id, { type: 'ocr', page: p.page, pages: p.pages }) },
  );
}
