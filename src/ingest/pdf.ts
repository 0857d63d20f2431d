// A PDF → report document: each page's text layer (and filled-in form fields) laid out in reading order (pdfLayout.ts); a page
// without a usable text layer (a scan, text drawn as outlines, fonts without a Unicode map) is
// rendered and recognised instead. pdf.js itself comes from the caller (the browser build in the
// ingest worker, the legacy build in Node), so this module runs on both.
import type { PDFDocumentLoadingTask, PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist';
import type { TextItem } from 'pdfjs-dist/types/src/display/api';
import { MAX_PDF_PAGES, MAX_UNREADABLE_SHARE, MIN_TEXT_LAYER_CHARS, OCR_DPI } from '../domain/limits';
import type { OcrWord, ReportPage } from './document';
import { IngestError } from './document';
import { ocrPageText, type OcrEngine, type OcrImage } from './ocr';
import { layoutPages, type PageText, type TextPiece } from './pdfLayout';

export interface PdfPlatform {
  /** pdf.js's getDocument with the platform's options (worker port, canvas factory, fonts) applied. */
  open(data: Uint8Array): PDFDocumentLoadingTask;
  /** Renders a page at `scale` (1 = 72 dpi) to encoded image bytes or a Blob. */
  render(page: PDFPageProxy, scale: number): Promise<OcrImage>;
}

export type IngestProgress = { phase: 'reading' } | { phase: 'ocr'; page: number; pages: number };

export interface IngestControl {
  signal?: AbortSignal;
  onProgress?: (progress: IngestProgress) => void;
}

export interface ReadText {
  text: string;
  pages: ReportPage[];
  /** Null when no page was recognised. */
  ocrWords: OcrWord[] | null;
}

export function throwIfCancelled(signal: AbortSignal | undefined, name: string): void {
  if (signal?.aborted) throw new IngestError('Cancelled', `Reading ${name} was cancelled.`);
}

function isTextItem(item: object): item is TextItem {
  return 'str' in item;
}

async function pageText(page: PDFPageProxy): Promise<PageText> {
  const content = await page.getTextContent();
  const pieces: TextPiece[] = content.items.filter(isTextItem).map((item) => ({
    str: item.str,
    x: item.transform[4] as number,
    y: item.transform[5] as number,
    width: item.width,
    height: item.height || Math.hypot(item.transform[2] as number, item.transform[3] as number),
    hasEOL: item.hasEOL,
  }));
  const [, , width, height] = page.view;
  return { pieces: [...pieces, ...formFieldPieces(await page.getAnnotations({ intent: 'display' }))], width: width ?? 612, height: height ?? 792 };
}

/** The part of a pdf.js widget annotation that holds a filled-in text field. */
interface TextFieldAnnotation {
  subtype: string;
  fieldType?: string;
  fieldValue?: unknown;
  rect: number[];
}

// Some laboratory systems export a report as a PDF form: the values are in filled-in text fields, which
// are annotations, not page text (pdf.js leaves them out of the text layer). Each line of a field's value
// becomes a text piece inside the field's rectangle, top down, so layout reads it with the page's text.
// Points per line of a multi-line field when its rectangle leaves more (10-12 pt type is usual).
const FORM_LINE_HEIGHT = 12;

function formFieldPieces(annotations: readonly TextFieldAnnotation[]): TextPiece[] {
  const pieces: TextPiece[] = [];
  for (const a of annotations) {
    if (a.subtype !== 'Widget' || a.fieldType !== 'Tx' || typeof a.fieldValue !== 'string' || !a.fieldValue.trim()) continue;
    const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = a.rect;
    const lines = a.fieldValue.split(/\r\n|\r|\n/);
    const lineHeight = Math.min(FORM_LINE_HEIGHT, Math.abs(y2 - y1) / lines.length);
    lines.forEach((str, k) => pieces.push({ str, x: Math.min(x1, x2), y: Math.max(y1, y2) - (k + 1) * lineHeight, width: Math.abs(x2 - x1), height: lineHeight, hasEOL: true }));
  }
  return pieces;
}

// Characters a broken font mapping produces instead of text: replacement, private use, controls.
const UNREADABLE = /[\ufffd\ue000-\uf8ff\u0000-\u0008\u000e-\u001f]/gu;

/** A text layer worth reading: enough characters, and not mostly glyphs without a Unicode mapping. */
export function usableTextLayer(page: PageText): boolean {
  const chars = page.pieces.map((p) => p.str).join('').replace(/\s/g, '');
  if (chars.length < MIN_TEXT_LAYER_CHARS) return false;
  const unreadable = chars.match(UNREADABLE)?.length ?? 0;
  return unreadable / chars.length <= MAX_UNREADABLE_SHARE;
}

function openError(e: unknown, name: string): IngestError {
  const kind = e instanceof Error ? e.name : '';
  if (kind === 'PasswordException') {
    return new IngestError('EncryptedPdf', `${name} is protected by a password. Save an unprotected copy from the laboratory system, then add that.`);
  }
  const detail = e instanceof Error ? e.message : String(e);
  return new IngestError('CorruptFile', `${name} could not be opened as a PDF: it is damaged or incomplete (${detail}).`);
}

/**
 * Awaited before the read settles: pdf.js shares one worker per port, and a document opened while the
 * last one is still being destroyed fails ("PDFWorker.create - the worker is being destroyed") — the
 * next file of a batch after a cancelled one did. A failure to close costs nothing the user could act on.
 */
async function closeDocument(doc: { destroy(): Promise<void> }): Promise<void> {
  await doc.destroy().catch(() => undefined);
}

export async function readPdf(data: Uint8Array, name: string, platform: PdfPlatform, ocr: () => Promise<OcrEngine>, control: IngestControl = {}): Promise<ReadText> {
  const task = platform.open(data);
  let pdf: PDFDocumentProxy;
  try {
    pdf = await task.promise;
  } catch (e) {
    await closeDocument(task);
    throw openError(e, name);
  }
  try {
    if (pdf.numPages > MAX_PDF_PAGES) {
      throw new IngestError('TooManyPages', `${name} has ${pdf.numPages} pages; a report PDF may have at most ${MAX_PDF_PAGES}. Is it one report? Split it, or export the report alone.`);
    }
    const layers: PageText[] = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      throwIfCancelled(control.signal, name);
      try {
        layers.push(await pageText(await pdf.getPage(n)));
      } catch (e) {
        throw new IngestError('CorruptFile', `${name}: page ${n} could not be read; the PDF is damaged (${e instanceof Error ? e.message : String(e)}).`);
      }
    }
    const scanned = layers.map((layer) => !usableTextLayer(layer));
    const laid = layoutPages(layers.map((layer, i) => (scanned[i] ? { ...layer, pieces: [] } : layer)));
    const pageTexts = laid.pageStarts.map((start, i) => laid.text.slice(start, laid.pageStarts[i + 1] ?? laid.text.length).trim());

    const toRecognise = scanned.filter(Boolean).length;
    let engine: OcrEngine | null = null;
    let recognised = 0;
    const ocrWords: OcrWord[] = [];
    const pages: ReportPage[] = [];
    let text = '';
    for (let i = 0; i < layers.length; i++) {
      let page = pageTexts[i] ?? '';
      let words: OcrWord[] = [];
      if (scanned[i]) {
        throwIfCancelled(control.signal, name);
        control.onProgress?.({ phase: 'ocr', page: ++recognised, pages: toRecognise });
        engine ??= await ocr();
        const image = await platform.render(await pdf.getPage(i + 1), OCR_DPI / 72);
        throwIfCancelled(control.signal, name);
        ({ text: page, words } = ocrPageText(await engine.recognize(image)));
      }
      if (text !== '' && page !== '') text += '\n\n';
      const start = text.length;
      for (const w of words) ocrWords.push({ span: [start + w.span[0], start + w.span[1]], confidence: w.confidence });
      text += page;
      pages.push({ number: i + 1, start, end: text.length, ocr: scanned[i]! });
    }
    return { text, pages, ocrWords: toRecognise > 0 ? ocrWords : null };
  } finally {
    await closeDocument(pdf);
  }
}
