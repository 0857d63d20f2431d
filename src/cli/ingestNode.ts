// The ingest platform in Node: pdf.js's legacy build (the only one that runs on Node 20), pages
// rendered with @napi-rs/canvas, OCR with tesseract.js on worker threads and the English data from
// the @tesseract.js-data/eng package — the same data the page serves, nothing downloaded.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import type { PDFPageProxy } from 'pdfjs-dist';
import type { RenderParameters } from 'pdfjs-dist/types/src/display/api';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { createWorker, OEM } from 'tesseract.js';
import type { IngestPlatform } from '../ingest/ingest';
import { stoppableEngine, type OcrBlock, type OcrEngine, type OcrImage } from '../ingest/ocr';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** Where the English LSTM model lies (integer "best" model: accurate, and small enough to serve). */
export const ENG_DATA_DIR = join(packageDir('@tesseract.js-data/eng'), '4.0.0_best_int');
const STANDARD_FONTS = `${join(packageDir('pdfjs-dist'), 'standard_fonts')}/`;

async function render(page: PDFPageProxy, scale: number): Promise<OcrImage> {
  const viewport = page.getViewport({ scale });
  const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
  const context = canvas.getContext('2d');
  // Scans are black on white; a transparent page would OCR as black on black.
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  // @napi-rs/canvas stands in for the DOM canvas pdf.js is typed against (pdf.js's own Node factory uses it too).
  await page.render({ canvasContext: context, canvas, viewport } as unknown as RenderParameters).promise;
  return new Uint8Array(canvas.toBuffer('image/png'));
}

export async function startNodeOcr(): Promise<OcrEngine> {
  // errorHandler: without one tesseract.js rethrows a failed job (an image it cannot decode) from its
  // message handler, which kills the process after the job was already rejected; the rejection is the answer.
  const worker = await createWorker('eng', OEM.LSTM_ONLY, { langPath: ENG_DATA_DIR, cacheMethod: 'none', gzip: true, errorHandler: () => undefined });
  return stoppableEngine(
    async (image: OcrImage) => {
      const input = image instanceof Uint8Array ? Buffer.from(image) : Buffer.from(await image.arrayBuffer());
      const { data } = await worker.recognize(input, {}, { blocks: true, text: false });
      return (data.blocks ?? []) as unknown as OcrBlock[];
    },
    () => worker.terminate().then(() => undefined),
  );
}

/** One OCR engine for a whole run, started when the first scan needs it; `close()` stops it. */
export function nodeIngestPlatform(): IngestPlatform & { close(): Promise<void> } {
  let engine: Promise<OcrEngine> | null = null;
  return {
    pdf: {
      open: (data) => getDocument({ data, standardFontDataUrl: STANDARD_FONTS, isEvalSupported: false, verbosity: 0 }),
      render,
    },
    ocr: () => (engine ??= startNodeOcr()),
    close: async () => {
      if (engine) await (await engine).terminate();
    },
  };
}
