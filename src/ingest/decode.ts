// Bytes of a text file → text, with the encoding recognised: a BOM (UTF-8, UTF-16 LE/BE) decides;
// without one, valid UTF-8 is UTF-8 and anything else is Windows-1252 (which the WHATWG Encoding
// standard also uses for "Latin-1"). Decoding is TextDecoder's; nothing here decodes by hand.
import { MAX_REPORT_CHARS } from '../domain/limits';
import { IngestError } from './document';

export interface DecodedText {
  text: string;
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
}

function bomEncoding(b: Uint8Array): DecodedText['encoding'] | null {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf-8';
  if (b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  if (b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  return null;
}

// Control characters other than tab, newline, form feed and carriage return do not occur in text
// files; a few (a stray NUL) are tolerated, many mean a binary file with a .txt name.
const CONTROL = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/g;
const MAX_CONTROL_SHARE = 0.01;

/**
 * Node 20.18.3+ decodes 'windows-1252' in one call as Latin-1 (0x97 → U+0097, not "—"; nodejs/node#60888);
 * its streaming path is right, and browsers are right either way, so the text goes through the stream.
 */
function windows1252(bytes: Uint8Array): string {
  const decoder = new TextDecoder('windows-1252');
  return decoder.decode(bytes, { stream: true }) + decoder.decode();
}

export function decodeText(bytes: Uint8Array, name: string): DecodedText {
  const bom = bomEncoding(bytes);
  let decoded: DecodedText;
  if (bom) {
    // TextDecoder drops the BOM itself (ignoreBOM defaults to false).
    decoded = { text: new TextDecoder(bom).decode(bytes), encoding: bom };
  } else {
    try {
      decoded = { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
    } catch {
      decoded = { text: windows1252(bytes), encoding: 'windows-1252' };
    }
  }
  const controls = decoded.text.match(CONTROL)?.length ?? 0;
  if (controls > Math.max(1, decoded.text.length * MAX_CONTROL_SHARE)) {
    throw new IngestError('NotText', `${name} is not a text file (it holds binary data). Choose the report's .txt or .pdf file.`);
  }
  return { ...decoded, text: normaliseText(decoded.text) };
}

/**
 * One text form for every source: \n line ends, form feeds as page gaps, NULs and other control
 * characters removed. Evidence spans index this text, so it is fixed before anything reads it.
 */
export function normaliseText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/\f/g, '\n\n').replace(CONTROL, '');
}

/** Refuses text that is empty or too long to extract in reasonable time; the message says which. */
export function checkReportText(text: string, name: string): void {
  if (text.trim() === '') throw new IngestError('NoText', `${name} has no text in it.`);
  if (text.length > MAX_REPORT_CHARS) {
    throw new IngestError(
      'ReportTooLong',
      `${name} is ${text.length.toLocaleString('en')} characters long; the limit is ${MAX_REPORT_CHARS.toLocaleString('en')} (about 60 pages). Split it into its reports first.`,
    );
  }
}
