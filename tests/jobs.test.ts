import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { applyJobEvent, batchProgress, isFinished, newJob, nextQueued, transition, type Job, type JobEvent, type JobState } from '../src/domain/jobs';

const error = { name: 'CorruptFile', message: 'The PDF is damaged.' };

function run(events: JobEvent[], start: JobState = { status: 'queued' }): JobState | null {
  let state: JobState | null = start;
  for (const e of events) {
    if (!state) return null;
    state = transition(state, e);
  }
  return state;
}

describe('job state machine', () => {
  test('a text file goes queued → reading → extracting → done', () => {
    expect(run([{ type: 'read' }, { type: 'extract', done: 0, total: 3 }, { type: 'extract', done: 3, total: 3 }, { type: 'finish' }])).toEqual({ status: 'done' });
  });

  test('a scan passes through OCR page by page', () => {
    expect(run([{ type: 'read' }, { type: 'ocr', page: 1, pages: 2 }, { type: 'ocr', page: 2, pages: 2 }])).toEqual({ status: 'ocr', page: 2, pages: 2 });
    expect(run([{ type: 'read' }, { type: 'ocr', page: 1, pages: 1 }, { type: 'extract', done: 0, total: 1 }, { type: 'finish' }])).toEqual({ status: 'done' });
  });

  test('finishing is only possible from extracting; a queued job cannot jump to done or OCR', () => {
    expect(transition({ status: 'queued' }, { type: 'finish' })).toBeNull();
    expect(transition({ status: 'queued' }, { type: 'ocr', page: 1, pages: 1 })).toBeNull();
    expect(transition({ status: 'reading' }, { type: 'finish' })).toBeNull();
    expect(transition({ status: 'extracting', done: 1, total: 2 }, { type: 'ocr', page: 1, pages: 1 })).toBeNull();
  });

  test('failure keeps its reason; only active jobs fail', () => {
    expect(run([{ type: 'read' }, { type: 'fail', error }])).toEqual({ status: 'failed', error });
    expect(transition({ status: 'queued' }, { type: 'fail', error })).toBeNull();
    expect(transition({ status: 'done' }, { type: 'fail', error })).toBeNull();
  });

  test('cancel stops a queued or running job but not a finished one; retry queues it again', () => {
    expect(transition({ status: 'queued' }, { type: 'cancel' })).toEqual({ status: 'cancelled' });
    expect(transition({ status: 'ocr', page: 2, pages: 5 }, { type: 'cancel' })).toEqual({ status: 'cancelled' });
    expect(transition({ status: 'done' }, { type: 'cancel' })).toBeNull();
    expect(transition({ status: 'cancelled' }, { type: 'retry' })).toEqual({ status: 'queued' });
    expect(transition({ status: 'failed', error }, { type: 'retry' })).toEqual({ status: 'queued' });
    expect(transition({ status: 'done' }, { type: 'retry' })).toBeNull();
  });

  test('late messages after the end are refused whatever they are (property)', () => {
    const event: fc.Arbitrary<JobEvent> = fc.oneof(
      fc.constant<JobEvent>({ type: 'read' }),
      fc.record({ type: fc.constant('ocr' as const), page: fc.nat(9), pages: fc.nat(9) }),
      fc.record({ type: fc.constant('extract' as const), done: fc.nat(9), total: fc.nat(9) }),
      fc.constant<JobEvent>({ type: 'finish' }),
      fc.constant<JobEvent>({ type: 'fail', error }),
      fc.constant<JobEvent>({ type: 'cancel' }),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 20 }), (events) => {
        let state: JobState = { status: 'queued' };
        let ended = false;
        for (const e of events) {
          const next = transition(state, e);
          if (ended) expect(next).toBeNull();
          if (next) state = next;
          ended = isFinished(state);
        }
      }),
    );
  });
});

describe('jobs in a batch', () => {
  const at = (job: Job, events: [JobEvent, number][]) => events.reduce((j, [e, t]) => applyJobEvent(j, e, t), job);

  test('times are kept from leaving the queue to the end; a refused event returns the same job', () => {
    const job = at(newJob('1', 'a.pdf', 10), [
      [{ type: 'read' }, 100],
      [{ type: 'extract', done: 0, total: 1 }, 150],
      [{ type: 'finish' }, 400],
    ]);
    expect(job).toMatchObject({ startedAt: 100, endedAt: 400, state: { status: 'done' } });
    expect(applyJobEvent(job, { type: 'cancel' }, 500)).toBe(job);
  });

  test('progress and the time estimate come from the finished jobs', () => {
    const done = at(newJob('1', 'a', 1), [[{ type: 'read' }, 0], [{ type: 'extract', done: 1, total: 1 }, 500], [{ type: 'finish' }, 1000]]);
    const running = at(newJob('2', 'b', 1), [[{ type: 'read' }, 1000], [{ type: 'extract', done: 1, total: 2 }, 1200]]);
    const queued = [newJob('3', 'c', 1), newJob('4', 'd', 1)];
    const cancelled = at(newJob('5', 'e', 1), [[{ type: 'cancel' }, 0]]);
    const p = batchProgress([done, running, ...queued, cancelled], 1400);
    expect(p).toMatchObject({ total: 5, done: 1, queued: 2, active: 1, cancelled: 1 });
    // 1 done + 0.75 of the running one, over the 4 jobs that are not cancelled.
    expect(p.fraction).toBeCloseTo(1.75 / 4);
    // Two queued at the 1000 ms mean, and the running one has 600 ms of its mean left.
    expect(p.remainingMs).toBe(2600);
    expect(batchProgress(queued, 0).remainingMs).toBeNull();
    expect(nextQueued([done, running, ...queued])?.id).toBe('3');
  });
});
