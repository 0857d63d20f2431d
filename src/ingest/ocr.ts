// Recognised words → page text with a confidence per word. The engine (tesseract.js in a worker or
// in Node) is behind OcrEngine; this module only lays out what it found, the way a text layer is
// laid out (pdfLayout.ts): words of a line joined by spaces, a wide gap kept as a column gap, a tall
// gap between lines as a paragraph break, and a word broken at a line end joined again.
import { OCR_LOW_CONFIDENCE } from '../domain/limits';
import { markOcrUncertainty } from '../domain/review';
import type { Extraction } from '../domain/types';
import { IngestError, type OcrSummary, type OcrWord, type ReportDocument } from './document';
import { COLUMN_GAP_SHARE, COLUMN_SEPARATOR, PARAGRAPH_GAP_SHARE } from './pdfLayout';

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The part of tesseract.js's `blocks` output read here (pixel boxes, y down; confidence 0..100). */
export interface OcrBlock {
  paragraphs: { lines: { bbox: Box; words: { text: string; confidence: number; bbox: Box }[] }[] }[];
}

/** An image the engine can read: encoded bytes (PNG, JPEG, TIFF) or a Blob of them. */
export type OcrImage = Uint8Array | Blob;

export interface OcrEngine {
  recognize(image: OcrImage): Promise<OcrBlock[]>;
  terminate(): Promise<void>;
}

/**
 * An engine whose `terminate` also answers the recognitions still running, with a Cancelled error.
 * tesseract.js's own terminate kills its worker and leaves a job in progress unanswered for ever, so a
 * file cancelled inside a page would hold the batch (and its PDF) until the page is closed.
 */
export function stoppableEngine(recognize: (image: OcrImage) => Promise<OcrBlock[]>, terminate: () => Promise<void>): OcrEngine {
  const running = new Set<(error: Error) => void>();
  return {
    recognize: (image) =>
      new Promise<OcrBlock[]>((resolve, reject) => {
        running.add(reject);
        recognize(image)
          .then(resolve, reject)
          .finally(() => running.delete(reject));
      }),
    terminate: async () => {
      const stopped = new IngestError('Cancelled', 'Text recognition was stopped.');
      for (const reject of running) reject(stopped);
      running.clear();
      await terminate();
    },
  };
}

export interface OcrPageText {
  text: string;
  /** Spans relative to this page's text. */
  words: OcrWord[];
}

type Line = OcrBlock['paragraphs'][number]['lines'][number];

const HYPHEN_AT_END = /\p{Ll}[-\u00ad]$/u;
const STARTS_LOWER = /^\p{Ll}/u;

export function ocrPageText(blocks: readonly OcrBlock[]): OcrPageText {
  const lines = blocks.flatMap((b) => b.paragraphs.flatMap((p) => p.lines)).filter((l) => l.words.some((w) => w.text.trim() !== ''));
  let text = '';
  const words: OcrWord[] = [];
  let previous: Line | null = null;
  for (const line of lines) {
    const height = Math.max(1, line.bbox.y1 - line.bbox.y0);
    if (previous) {
      const joinHyphen = HYPHEN_AT_END.test(text) && STARTS_LOWER.test(line.words[0]!.text);
      if (joinHyphen) {
        text = text.slice(0, -1);
        const last = words[words.length - 1];
        if (last) last.span = [last.span[0], text.length];
      } else {
        // Bottom to bottom stands in for baseline to baseline, as in a text layer.
        const advance = line.bbox.y1 - previous.bbox.y1;
        text += advance > PARAGRAPH_GAP_SHARE * height ? '\n\n' : '\n';
      }
    }
    let right: number | null = null;
    for (const word of line.words) {
      const str = word.text.trim();
      if (str === '') continue;
      if (right !== null) text += word.bbox.x0 - right > COLUMN_GAP_SHARE * height ? COLUMN_SEPARATOR : ' ';
      words.push({ span: [text.length, text.length + str.length], confidence: clamp01(word.confidence / 100) });
      text += str;
      right = word.bbox.x1;
    }
    previous = line;
  }
  return { text, words };
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

/** Words the OCR was unsure of (below `threshold`), as spans of the document text; none without OCR. */
export function uncertainWords(ocr: OcrSummary | null, threshold = OCR_LOW_CONFIDENCE): OcrWord[] {
  return ocr ? ocr.words.filter((w) => w.confidence < threshold) : [];
}

/** An extraction of a document with the fields read from uncertain OCR words marked for review (page and CLI). */
export function withOcrMarks(extraction: Extraction, document: Pick<ReportDocument, 'text' | 'ocr'>): Extraction {
  return markOcrUncertainty(extraction, document.text, uncertainWords(document.ocr));
}
