// The ingest worker: turns dropped files into report documents off the main thread (ingestProtocol.ts).
// pdf.js runs here with a nested worker of its own (shared/platform-notes.md, trap 6: without one it
// takes over this worker's postMessage); pages are rendered on an OffscreenCanvas; OCR is tesseract.js,
// whose worker, core and English data the app serves itself (vite.config.ts, `ocrAssets`).
import { getDocument, GlobalWorkerOptions, type PDFPageProxy } from 'pdfjs-dist';
import type { RenderParameters } from 'pdfjs-dist/types/src/display/api';
import pdfWorkerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { createWorker, OEM } from 'tesseract.js';
import { ingestFile, type IngestPlatform } from '../ingest/ingest';
import { stoppableEngine, type OcrBlock, type OcrEngine, type OcrImage } from '../ingest/ocr';
import { answering, Cancellations } from './contract';
import type { IngestContract, IngestReply, IngestRequest, ReadRequest } from './ingestProtocol';
import { OCR_ASSETS } from './ocrAssets';

declare const self: DedicatedWorkerGlobalScope;

const post = (reply: IngestReply) => self.postMessage(reply);
const cancellations = new Cancellations();

const answer = answering<IngestContract>(post, handle);
self.onmessage = (event: MessageEvent<IngestRequest>) => void answer(event);

async function handle(request: IngestRequest): Promise<IngestReply> {
  switch (request.type) {
    case 'read':
      return { id: request.id, type: 'result', request: 'read', payload: await cancellations.run(request.id, (signal) => read(request.id, request.payload, signal)) };
    case 'cancel': {
      const cancelled = cancellations.cancel(request.payload.target);
      // A page in OCR cannot be interrupted inside tesseract: stopping its worker is the only way out.
      if (cancelled) void stopOcr();
      return { id: request.id, type: 'result', request: 'cancel', payload: { cancelled } };
    }
    default:
      return unknownRequest(request);
  }
}

function unknownRequest(request: never): never {
  throw new Error(`unknown request type ${JSON.stringify((request as { type?: unknown }).type)}`);
}

/** pdf.js's own worker, started once and shared by every document this worker opens. */
let pdfPort: Worker | null = null;
function pdfWorkerPort(): Worker {
  pdfPort ??= new Worker(pdfWorkerUrl, { type: 'module', name: 'path-extract-pdf' });
  GlobalWorkerOptions.workerPort = pdfPort;
  return pdfPort;
}

/** pdf.js draws helper canvases (masks, patterns) through a factory; the DOM one needs `document`. */
class OffscreenCanvasFactory {
  create(width: number, height: number) {
    const canvas = new OffscreenCanvas(Math.max(1, width), Math.max(1, height));
    return { canvas, context: canvas.getContext('2d')! };
  }

  reset(entry: { canvas: OffscreenCanvas }, width: number, height: number): void {
    entry.canvas.width = width;
    entry.canvas.height = height;
  }

  destroy(entry: { canvas: OffscreenCanvas | null; context: unknown }): void {
    if (entry.canvas) entry.canvas.width = entry.canvas.height = 0;
    entry.canvas = null;
    entry.context = null;
  }
}

async function render(page: PDFPageProxy, scale: number): Promise<OcrImage> {
  const viewport = page.getViewport({ scale });
  const canvas = new OffscreenCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  // pdf.js is typed against the DOM canvas; an OffscreenCanvas context draws the same.
  await page.render({ canvasContext: context, canvas, viewport } as unknown as RenderParameters).promise;
  return canvas.convertToBlob({ type: 'image/png' });
}

let ocrEngine: Promise<OcrEngine> | null = null;

function startOcr(baseUrl: string): Promise<OcrEngine> {
  const url = (path: string) => new URL(path, baseUrl).href;
  return (ocrEngine ??= (async () => {
    const worker = await createWorker('eng', OEM.LSTM_ONLY, {
      workerPath: url(OCR_ASSETS.worker),
      corePath: url(OCR_ASSETS.core),
      langPath: url(OCR_ASSETS.lang),
      // A blob: worker would need `worker-src blob:` in the page's Content-Security-Policy.
      workerBlobURL: false,
      // The service worker (or the browser cache) keeps the data; no second copy in IndexedDB.
      cacheMethod: 'none',
      gzip: true,
      // Without a handler tesseract.js rethrows a failed job (an image it cannot decode) from its message
      // handler, uncaught, after rejecting the job; the rejection alone is the answer (OcrFailed).
      errorHandler: () => undefined,
    });
    return stoppableEngine(
      async (image: OcrImage) => {
        const { data } = await worker.recognize(image instanceof Uint8Array ? new Blob([image.slice()]) : image, {}, { blocks: true, text: false });
        return (data.blocks ?? []) as unknown as OcrBlock[];
      },
      () => worker.terminate().then(() => undefined),
    );
  })());
}

async function stopOcr(): Promise<void> {
  const engine = ocrEngine;
  ocrEngine = null;
  await (await engine?.catch(() => null))?.terminate();
}

function platform(baseUrl: string): IngestPlatform {
  return {
    pdf: {
      open: (data) => {
        pdfWorkerPort();
        return getDocument({
          data,
          CanvasFactory: OffscreenCanvasFactory,
          standardFontDataUrl: new URL(OCR_ASSETS.standardFonts, baseUrl).href,
          isEvalSupported: false,
          verbosity: 0,
        });
      },
      render,
    },
    ocr: () => startOcr(baseUrl),
  };
}

async function read(id: number, request: ReadRequest, signal: AbortSignal) {
  return ingestFile(request.name, new Uint8Array(request.bytes), platform(request.baseUrl), {
    signal,
    onProgress: (payload) => post({ id, type: 'progress', request: 'read', payload }),
  });
}
