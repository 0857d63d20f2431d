// The page's two workers, each started on first use and living as long as the page: inference (the
// rules and the model) and ingest (files → report documents: text, PDF, OCR).
import type { IngestContract } from '../worker/ingestProtocol';
import type { InferenceContract } from '../worker/protocol';
import { WorkerChannel } from './workerChannel';

export const inference = new WorkerChannel<InferenceContract>(
  () => new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'path-extract-inference' }),
  'extraction worker',
);

export const ingest = new WorkerChannel<IngestContract>(
  () => new Worker(new URL('../worker/ingest.ts', import.meta.url), { type: 'module', name: 'path-extract-ingest' }),
  'file reader',
);
