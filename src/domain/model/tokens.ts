// Character spans for byte-level BPE tokens (Llama-3, GPT-2 family). Tokenizers.js returns token
// strings but no offsets: each token string maps back to UTF-8 bytes, and bytes to UTF-16 indices.
import type { Span } from '../types';

/** The GPT-2 byte-level alphabet: printable bytes stand for themselves, the rest for U+0100 onwards. */
function byteDecoder(): Map<string, number> {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const map = new Map<string, number>();
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    const code = printable.includes(b) ? b : 256 + extra++;
    map.set(String.fromCodePoint(code), b);
  }
  return map;
}

const BYTE_OF = byteDecoder();
const encoder = new TextEncoder();

/** The UTF-8 bytes a token stands for; added tokens (written literally, e.g. "<|eot_id|>") are their text. */
export function tokenBytes(token: string): Uint8Array {
  const chars = [...token];
  if (chars.every((c) => BYTE_OF.has(c))) return Uint8Array.from(chars, (c) => BYTE_OF.get(c)!);
  return encoder.encode(token);
}

/**
 * [start, end) UTF-16 spans of each token in `text`. A token holding part of a multi-byte character
 * gets the whole character, so neighbouring spans may overlap. Throws when the tokens' bytes do not
 * spell the text (a tokenizer that normalises, which byte-level BPE does not).
 */
export function tokenSpans(text: string, tokens: readonly string[]): Span[] {
  // byteToChar[i]: UTF-16 start of the character that UTF-8 byte i belongs to; charEnd likewise its end.
  const byteStart: number[] = [];
  const byteEnd: number[] = [];
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const units = cp > 0xffff ? 2 : 1;
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (let k = 0; k < n; k++) {
      byteStart.push(i);
      byteEnd.push(i + units);
    }
    i += units;
  }
  const spans: Span[] = [];
  let at = 0;
  for (const token of tokens) {
    const n = tokenBytes(token).length;
    if (n === 0) {
      spans.push([byteStart[at] ?? text.length, byteStart[at] ?? text.length]);
      continue;
    }
    if (at + n > byteStart.length) throw new Error('token bytes run past the end of the text: the tokenizer changed the text');
    spans.push([byteStart[at]!, byteEnd[at + n - 1]!]);
    at += n;
  }
  if (at !== byteStart.length) throw new Error('tokens do not cover the text: the tokenizer changed the text');
  return spans;
}
