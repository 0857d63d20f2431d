// Text helpers for the rule extractor: OCR-tolerant numbers, windows, negation and report sections.
// Every helper works on the original text so spans stay valid character offsets into it.
import type { Span } from '../types';

export interface Hit {
  start: number;
  end: number;
  groups: (string | undefined)[];
  text: string;
}

/** All matches of a global regex as plain records (the regex must carry the `g` flag). */
export function findAll(re: RegExp, text: string, from = 0, to = text.length): Hit[] {
  const hits: Hit[] = [];
  const source = text.slice(0, to);
  re.lastIndex = from;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    hits.push({ start: m.index, end: m.index + m[0].length, groups: m.slice(1), text: m[0] });
  }
  return hits;
}

const NUMBER_WORDS: Record<string, number> = {
  zero: 0, none: 0, no: 0, one: 1, single: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7,
  eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15,
  sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19, twenty: 20, thirty: 30, forty: 40,
};

/** Regex source for a count written as digits or as an English number word. */
// Longest words first and a word boundary after, so "seventeen" is never read as "seven" + "teen".
export const COUNT = String.raw`(?:\d{1,3}|(?:(?:twenty|thirty|forty)[- ](?:one|two|three|four|five|six|seven|eight|nine)|${Object.keys(NUMBER_WORDS)
  .filter((w) => w !== 'no' && w !== 'none')
  .sort((a, b) => b.length - a.length)
  .join('|')})\b)`;

/** Reads a count written as digits (OCR 'O'/'o' for 0, 'l'/'I' for 1) or as words ("twenty-one"). */
export function parseCount(raw: string): number | null {
  const s = raw.trim().toLowerCase();
  if (/^[\dol]+$/.test(s) && /\d/.test(s)) return Number(s.replace(/o/g, '0').replace(/l/g, '1'));
  if (s in NUMBER_WORDS) return NUMBER_WORDS[s]!;
  const compound = /^(twenty|thirty|forty)[- ](one|two|three|four|five|six|seven|eight|nine)$/.exec(s);
  if (compound) return NUMBER_WORDS[compound[1]!]! + NUMBER_WORDS[compound[2]!]!;
  return null;
}

/** Reads a decimal that OCR may have split ("1. 8", "3,5"); null when it is not a number. */
export function parseDecimal(raw: string): number | null {
  const s = raw.replace(/\s+/g, '').replace(',', '.').replace(/\.$/, '');
  if (!/^\d*\.?\d+$/.test(s)) return null;
  return Number(s);
}

/** Reads a single grade digit written as 1-3, roman I-III, or OCR'd roman (l, ll, Il, lll). */
export function parseGradeDigit(raw: string): 1 | 2 | 3 | null {
  const s = raw.trim();
  if (s === '1' || /^[Il|]$/.test(s)) return 1;
  if (s === '2' || /^[Il|]{2}$/.test(s)) return 2;
  if (s === '3' || /^[Il|]{3}$/.test(s)) return 3;
  const w = s.toLowerCase();
  if (w === 'one' || w === 'low') return 1;
  if (w === 'two' || w === 'intermediate') return 2;
  if (w === 'three') return 3;
  return null;
}

/** Character window [start, end) around an index, clamped to the text. */
export function around(text: string, start: number, before: number, end = start, after = 0): string {
  return text.slice(Math.max(0, start - before), Math.min(text.length, end + after));
}

// A negation cue that governs what follows it in the same clause ("no", "negative for", ...).
const NEGATION_BEFORE =
  /\b(?:no|not|without|negative\s+for|free\s+of|absence\s+of|absent|none|rules?\s+out|ruled\s+out|neither|nor)\b[^.;:]*$/i;
// A negation that follows what it governs ("... : not identified", "... is absent").
const NEGATION_AFTER = /^[^.;]{0,25}?\b(?:not\s+(?:identified|seen|present|found|detected)|absent|none\s+(?:identified|seen)|negative)\b/i;

/** True when the phrase at [start, end) is negated within its clause (about 50 characters either side). */
export function isNegated(text: string, start: number, end: number): boolean {
  // OCR puts stray periods after short words ("NO. SKIN ULCERATION"); a negation cue never ends a sentence.
  const before = text.slice(Math.max(0, start - 50), start).replace(/\b(no|not|without)\.\s/gi, '$1 ');
  const after = text.slice(end, end + 40);
  return NEGATION_BEFORE.test(before) || NEGATION_AFTER.test(after);
}

export type SectionKind = 'diagnosis' | 'synoptic' | 'comment' | 'microscopic' | 'gross' | 'history' | 'other';

const SECTION_HEADERS: [RegExp, SectionKind][] = [
  [/\b(?:gross\s+description|macroscopic(?:\s+description)?|gross\s+examination|specimens?\s+(?:is|are)\s+received|cassette\s+(?:key|summary))\b/gi, 'gross'],
  [/\b(?:clinical\s+(?:diagnosis|history|information|data)|pre-?\s?operative\s+diagnosis|history)\b/gi, 'history'],
  [/\b(?:final\s+diagnosis|diagnosis|conclusions?|diagnoses|interpretation)\b/gi, 'diagnosis'],
  [/\b(?:synoptic|summary|cancer\s+case\s+summary|checklist|pathologic\s+staging|tumou?r\s+summary)\b/gi, 'synoptic'],
  [/\b(?:microscopic(?:\s+description)?|microscopy)\b/gi, 'microscopic'],
  [/\b(?:comments?|note)\b/gi, 'comment'],
];

export interface Section {
  kind: SectionKind;
  start: number;
  end: number;
}

/** Splits a report into sections by their headers; text before the first header is 'other'. */
export function sections(text: string): Section[] {
  const marks: { at: number; kind: SectionKind }[] = [];
  for (const [re, kind] of SECTION_HEADERS) {
    for (const h of findAll(re, text)) {
      // A header is followed by a colon or stands in capitals; mid-sentence uses ("the diagnosis of") are not headers.
      const next = text.slice(h.end, h.end + 3);
      const isCaps = h.text === h.text.toUpperCase();
      if (/^\s*[:(]/.test(next) || (isCaps && /^\s*[:.\s]/.test(next))) marks.push({ at: h.start, kind });
    }
  }
  marks.sort((a, b) => a.at - b.at);
  const out: Section[] = [];
  let cursor = 0;
  let kind: SectionKind = 'other';
  for (const m of marks) {
    if (m.at > cursor) out.push({ kind, start: cursor, end: m.at });
    cursor = Math.max(cursor, m.at);
    kind = m.kind;
  }
  out.push({ kind, start: cursor, end: text.length });
  return out;
}

export function sectionAt(secs: readonly Section[], index: number): SectionKind {
  return secs.find((s) => index >= s.start && index < s.end)?.kind ?? 'other';
}

export function span(start: number, end: number): Span {
  return [start, end];
}
