// The life of one file in a batch, as a pure state machine shared by the page's queue and the CLI:
// queued → reading → (ocr) → extracting → done | failed | cancelled. Impossible moves are refused
// (null), so a late progress message can never revive a cancelled job or undo a finished one.

export interface JobError {
  /** A stable name to branch on (IngestErrorName, 'ExtractionFailed', …). */
  name: string;
  /** Shown to the user as is: what happened and what to do. */
  message: string;
}

export type JobState =
  | { status: 'queued' }
  | { status: 'reading' }
  /** Recognising page `page` of `pages` (1-based) that had no usable text layer. */
  | { status: 'ocr'; page: number; pages: number }
  /** Windows of the report the model has read, of all windows (0 of 0 for the rules alone). */
  | { status: 'extracting'; done: number; total: number }
  | { status: 'done' }
  | { status: 'failed'; error: JobError }
  | { status: 'cancelled' };

export type JobStatus = JobState['status'];

export type JobEvent =
  | { type: 'read' }
  | { type: 'ocr'; page: number; pages: number }
  | { type: 'extract'; done: number; total: number }
  | { type: 'finish' }
  | { type: 'fail'; error: JobError }
  | { type: 'cancel' }
  | { type: 'retry' };

const ACTIVE: ReadonlySet<JobStatus> = new Set(['reading', 'ocr', 'extracting']);
const FINISHED: ReadonlySet<JobStatus> = new Set(['done', 'failed', 'cancelled']);

export function isActive(state: JobState): boolean {
  return ACTIVE.has(state.status);
}

export function isFinished(state: JobState): boolean {
  return FINISHED.has(state.status);
}

/** The next state, or null when the event is not allowed in this state. */
export function transition(state: JobState, event: JobEvent): JobState | null {
  switch (event.type) {
    case 'read':
      return state.status === 'queued' ? { status: 'reading' } : null;
    case 'ocr':
      if (state.status !== 'reading' && state.status !== 'ocr') return null;
      return { status: 'ocr', page: event.page, pages: event.pages };
    case 'extract':
      if (state.status !== 'reading' && state.status !== 'ocr' && state.status !== 'extracting') return null;
      return { status: 'extracting', done: event.done, total: event.total };
    case 'finish':
      return state.status === 'extracting' ? { status: 'done' } : null;
    case 'fail':
      return isActive(state) ? { status: 'failed', error: event.error } : null;
    case 'cancel':
      return state.status === 'queued' || isActive(state) ? { status: 'cancelled' } : null;
    case 'retry':
      return state.status === 'failed' || state.status === 'cancelled' ? { status: 'queued' } : null;
    default:
      return unknownEvent(event);
  }
}

function unknownEvent(event: never): never {
  throw new Error(`unknown job event ${JSON.stringify(event)}`);
}

/** One file of a batch. `T` is what a finished job carries (the page: document + extraction). */
export interface Job<T = unknown> {
  id: string;
  name: string;
  bytes: number;
  state: JobState;
  /** When the job left the queue and when it finished (ms, any clock): for the time estimate. */
  startedAt: number | null;
  endedAt: number | null;
  output: T | null;
}

export function newJob<T>(id: string, name: string, bytes: number): Job<T> {
  return { id, name, bytes, state: { status: 'queued' }, startedAt: null, endedAt: null, output: null };
}

/** Applies an event at time `now`; returns the same job object when the event is refused. */
export function applyJobEvent<T>(job: Job<T>, event: JobEvent, now: number): Job<T> {
  const next = transition(job.state, event);
  if (!next) return job;
  const startedAt = event.type === 'read' ? now : event.type === 'retry' ? null : job.startedAt;
  const endedAt = isFinished(next) ? now : null;
  return { ...job, state: next, startedAt, endedAt, output: event.type === 'retry' ? null : job.output };
}

export interface BatchProgress {
  total: number;
  done: number;
  failed: number;
  cancelled: number;
  queued: number;
  active: number;
  /** Finished jobs plus the active ones' own progress, over all jobs not cancelled: 0..1. */
  fraction: number;
  /** Milliseconds left by the mean time of the jobs finished so far; null until one has finished. */
  remainingMs: number | null;
}

/** How far an active job is through its own work (reading counts as a third, extraction the rest). */
function partial(state: JobState): number {
  switch (state.status) {
    case 'reading':
      return 0.1;
    case 'ocr':
      return 0.1 + 0.4 * ((state.page - 1) / Math.max(1, state.pages));
    case 'extracting':
      return 0.5 + 0.5 * (state.total > 0 ? state.done / state.total : 0);
    default:
      return 0;
  }
}

export function batchProgress(jobs: readonly Job[], now: number): BatchProgress {
  const count = (status: JobStatus) => jobs.filter((j) => j.state.status === status).length;
  const done = count('done');
  const failed = count('failed');
  const cancelled = count('cancelled');
  const queued = count('queued');
  const activeJobs = jobs.filter((j) => isActive(j.state));
  const counted = jobs.length - cancelled;
  const progress = done + failed + activeJobs.reduce((s, j) => s + partial(j.state), 0);
  const timed = jobs.filter((j) => j.state.status === 'done' && j.startedAt !== null && j.endedAt !== null);
  let remainingMs: number | null = null;
  if (timed.length > 0) {
    const mean = timed.reduce((s, j) => s + (j.endedAt! - j.startedAt!), 0) / timed.length;
    const activeLeft = activeJobs.reduce((s, j) => s + Math.max(0, mean - (now - (j.startedAt ?? now))), 0);
    remainingMs = queued * mean + activeLeft;
  }
  return { total: jobs.length, done, failed, cancelled, queued, active: activeJobs.length, fraction: counted > 0 ? progress / counted : 1, remainingMs };
}

/** The next job to start: the first queued one in batch order. */
export function nextQueued<T>(jobs: readonly Job<T>[]): Job<T> | undefined {
  return jobs.find((j) => j.state.status === 'queued');
}
