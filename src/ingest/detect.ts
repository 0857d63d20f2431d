// What kind of file this is, by its first bytes (names lie: a PDF saved as .txt, a .pdf that is a
// web page), with the extension only as a tie-breaker for plain text.
import { MAX_FILE_BYTES } from '../domain/limits';
import { IngestError } from './document';

export type FileKind = 'pdf' | 'image' | 'txt';

const TEXT_EXTENSIONS = ['.txt', '.text', '.rpt', '.csv', '.md', '.log'];
const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.bmp'];

function startsWith(bytes: Uint8Array, ...signature: number[]): boolean {
  return signature.every((b, i) => bytes[i] === b);
}

/** PDFs may carry a little junk before %PDF (the spec allows it within the first 1,024 bytes). */
function isPdf(bytes: Uint8Array): boolean {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  return head.includes('%PDF-');
}

export type ImageFormat = 'png' | 'jpeg' | 'tiff' | 'bmp';

/** The image format by its signature, or null. */
export function imageFormat(bytes: Uint8Array): ImageFormat | null {
  if (startsWith(bytes, 0x89, 0x50, 0x4e, 0x47)) return 'png';
  if (startsWith(bytes, 0xff, 0xd8, 0xff)) return 'jpeg';
  if (startsWith(bytes, 0x49, 0x49, 0x2a, 0x00) || startsWith(bytes, 0x4d, 0x4d, 0x00, 0x2a)) return 'tiff';
  if (startsWith(bytes, 0x42, 0x4d)) return 'bmp';
  return null;
}

/** Whether `marker` occurs in the last `within` bytes (writers may pad after an image's end). */
function endsWith(bytes: Uint8Array, marker: readonly number[], within = 1024): boolean {
  outer: for (let i = bytes.length - marker.length; i >= Math.max(0, bytes.length - within); i--) {
    for (let j = 0; j < marker.length; j++) if (bytes[i + j] !== marker[j]) continue outer;
    return true;
  }
  return false;
}

const IHDR = [0x49, 0x48, 0x44, 0x52];
const IEND = [0x49, 0x45, 0x4e, 0x44];

/**
 * Whether an image file has its format's beginning and end: a PNG its IHDR header chunk and IEND end
 * chunk, a JPEG its end-of-image marker, a BMP the size its header states. Catches the usual damage (a
 * copy cut short) before OCR, where Tesseract would answer with console errors and a message that says
 * nothing. TIFF has no fixed end and is left to Tesseract.
 */
export function imageLooksWhole(bytes: Uint8Array): boolean {
  switch (imageFormat(bytes)) {
    case 'png':
      return bytes.length >= 57 && IHDR.every((b, i) => bytes[12 + i] === b) && endsWith(bytes, IEND);
    case 'jpeg':
      return endsWith(bytes, [0xff, 0xd9]);
    case 'bmp':
      return bytes.length >= 26 && new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(2, true) <= bytes.length;
    case 'tiff':
      return true;
    default:
      return false;
  }
}

function extension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot).toLowerCase();
}

export const SUPPORTED_TYPES = 'text (.txt), PDF (.pdf) or a scanned image (.png, .jpg, .tif)';

/** Refuses what cannot be read at all; the rest is a kind for the reader to try. */
export function detectKind(name: string, bytes: Uint8Array): FileKind {
  if (bytes.length === 0) throw new IngestError('EmptyFile', `${name} is empty (0 bytes).`);
  if (bytes.length > MAX_FILE_BYTES) throw tooLarge(name, bytes.length);
  if (isPdf(bytes)) return 'pdf';
  if (imageFormat(bytes)) return 'image';
  const ext = extension(name);
  if (ext === '.pdf') throw new IngestError('CorruptFile', `${name} is named .pdf but is not a PDF file (it may be damaged or only partly copied).`);
  if (TEXT_EXTENSIONS.includes(ext) || ext === '') return 'txt';
  if (IMAGE_EXTENSIONS.includes(ext)) throw new IngestError('CorruptFile', `${name} is named ${ext} but is not an image this app can read.`);
  throw new IngestError('UnsupportedType', `${name}: ${ext} files are not read here. Use ${SUPPORTED_TYPES}; save Word documents as PDF first.`);
}

export function tooLarge(name: string, bytes: number): IngestError {
  // One decimal, so that a file just over the limit does not read as equal to it.
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  return new IngestError('FileTooLarge', `${name} is ${mb(bytes)}; files over ${MAX_FILE_BYTES / 1024 / 1024} MB are not read. Is it one report?`);
}
