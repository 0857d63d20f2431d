// One entry point from a file to a report document, shared by the page's ingest worker and the CLI:
// `await ingestFile(name, bytes, platform, control)`. Every refusal is an IngestError whose message
// names the file and says what to do; nothing else is thrown on purpose.
import { checkReportText, decodeText } from './decode';
import { detectKind, imageLooksWhole } from './detect';
import { IngestError, textDocument, type OcrWord, type ReportDocument } from './document';
import { ocrPageText, type OcrEngine } from './ocr';
import { readPdf, throwIfCancelled, type IngestControl, type PdfPlatform } from './pdf';

export interface IngestPlatform {
  pdf: PdfPlatform;
  /** Started on first use only: most batches need no OCR, and the engine takes a second or two to start. */
  ocr: () => Promise<OcrEngine>;
}

function meanConfidence(words: readonly OcrWord[]): number {
  return words.length === 0 ? 0 : words.reduce((s, w) => s + w.confidence, 0) / words.length;
}

export async function ingestFile(name: string, bytes: Uint8Array, platform: IngestPlatform, control: IngestControl = {}): Promise<ReportDocument> {
  const kind = detectKind(name, bytes);
  control.onProgress?.({ phase: 'reading' });
  throwIfCancelled(control.signal, name);
  let document: ReportDocument;
  switch (kind) {
    case 'txt': {
      const { text, encoding } = decodeText(bytes, name);
      document = textDocument({ name, kind, bytes: bytes.length, encoding }, text);
      break;
    }
    case 'pdf': {
      const read = await readPdf(bytes, name, platform.pdf, platform.ocr, control);
      document = { source: { name, kind, bytes: bytes.length }, text: read.text, pages: read.pages, ocr: read.ocrWords && { words: read.ocrWords, meanConfidence: meanConfidence(read.ocrWords) } };
      break;
    }
    case 'image': {
      if (!imageLooksWhole(bytes)) throw new IngestError('CorruptFile', `${name} could not be read as an image: it is damaged or incomplete. Scan the page again, or export it anew.`);
      control.onProgress?.({ phase: 'ocr', page: 1, pages: 1 });
      const engine = await platform.ocr();
      let read;
      try {
        read = ocrPageText(await engine.recognize(bytes));
      } catch (e) {
        throwIfCancelled(control.signal, name);
        throw new IngestError('OcrFailed', `${name} could not be recognised as an image (${e instanceof Error ? e.message : String(e)}).`);
      }
      throwIfCancelled(control.signal, name);
      document = { source: { name, kind, bytes: bytes.length }, text: read.text, pages: [{ number: 1, start: 0, end: read.text.length, ocr: true }], ocr: { words: read.words, meanConfidence: meanConfidence(read.words) } };
      break;
    }
    default:
      return unknownKind(kind);
  }
  if (document.text.trim() === '') {
    const why = kind === 'txt' ? 'has no text in it (only spaces or line breaks)' : 'has no readable text: its pages are blank or no words could be recognised';
    throw new IngestError('NoText', `${name} ${why}.`);
  }
  checkReportText(document.text, name);
  return document;
}

function unknownKind(kind: never): never {
  throw new Error(`unknown file kind ${String(kind)}`);
}
