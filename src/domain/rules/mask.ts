// What the rules may read: the report with everything that is not a result of this tumour blanked out —
// unticked options of checkbox forms, scoring legends, interpretation criteria, definitions, control and
// method text. Blanks are spaces (newlines kept), so every offset into the masked text is one into the report.
import { findAll } from './text';

// Form boxes: "[ ]", "( )", "☐" are unticked; "[X]", "(x)", "[✓]", "☒", "☑" are ticked.
const BOX = /\[\s*([xX✓✔*])?\s*\]|\(\s*([xX✓✔])?\s*\)|([☐□])|([☒☑■])/g;
// "( )" is a box only on a line of boxes; "(x)" is a ticked box wherever it stands next to an option.
const EMPTY_PARENS = /^\(\s*\)$/;
/** An option written before its box is short: a grade, "Yes", "Present". */
const MAX_OPTION_BEFORE_BOX = 12;

/** Legend cues: from the cue to the end of its sentence, the text explains how results are read. */
const LEGEND_CUE = new RegExp(
  [
    String.raw`scor(?:ing|e)\s+(?:reference|legend|guide|key|criteria|system|method)`,
    String.raw`interpretat\w*\s*(?:guide\w*|criteria|key|note|\(\s*ASCO)`,
    String.raw`interpretive\s+(?:note|criteria|comment)`,
    String.raw`reference\s+(?:range|values?|tissue)`,
    String.raw`\blegend\b`,
    String.raw`\bcriteria\b`,
    String.raw`\bcategories\s*(?:\(|:)`,
    String.raw`\bdefinitions?\s*:`,
    String.raw`(?:are|is|be)\s+(?:regarded|considered|interpreted|reported|defined|classified|scored|called)\s+(?:as\s+)?(?:low\s+)?(?:positive|negative|equivocal|amplified|HER2-?low)\b(?=[^.\n]{0,40}\b(?:when|if|where|at\s+least|or\s+more|or\s+fewer)\b|[^.\n]{0,40}(?:≥|>=|≤|<=))`,
    String.raw`\bdefined\s+as\b`,
    String.raw`\bcut-?\s?offs?\b`,
    String.raw`\b(?:internal|external|on-?slide|positive|negative)\s+(?:and\s+(?:internal|external|negative)\s+)?controls?\b`,
    String.raw`\bcontrols?\s+(?:block|tissue|stain\w*|show\w*|are|is|were|was|performed|reacted)\b`,
    String.raw`\bwould\s+be\s+(?:scored|considered|classified|reported|called)\b`,
    String.raw`\bcases\s+(?:scored|with)\b`,
    String.raw`\bresults?\s+(?:are|is)\s+valid\b`,
    String.raw`\b(?:template|printed\s+on\s+every)\b`,
    String.raw`\bguidelines?\s*(?:\(|:|recommend)`,
    String.raw`\brecommendations?\s*:`,
    String.raw`\bif\s+(?:a\s+)?(?:distinct|the\s+(?:ratio|tumou?r|result))`,
    String.raw`\bgroups?\s+[1-5]\s*\(\s*(?:ratio|HER2)`,
  ].join('|'),
  'gi',
);
// One item of a legend: "2+ = weak complete staining", "IHC 0, no staining", "score 3-5: grade 1",
// "positive: >= 1 %", "pT2: > 20 mm". Two or more in one sentence, or on consecutive lines, are a legend.
const LEGEND_ITEM = new RegExp(
  [
    String.raw`(?:^|[\s;,(])(?:IHC\s+)?(?:0|[1-3]\s?\+)\s*(?:=|:|-|–|,)\s*(?:no|faint|weak|moderate|strong|intense|complete|incomplete|barely|circumferential|negative|positive|equivocal|borderline)`,
    String.raw`(?:^|[\s;,(])(?:score\s*)?[3-9]\s*(?:-|–|to)\s*[5-9]\s*(?:points?)?\s*(?:=|:|,)?\s*(?:grade|G)\s*[1-3I]`,
    String.raw`\bgrade\s*[1-3I]{1,3}\s*(?:=|:|\()\s*(?:score\s*)?[3-9]\s*(?:-|–|to)\s*[5-9]`,
    String.raw`\b(?:low\s+)?(?:positive|negative|equivocal|amplified|not\s+amplified)\s*(?:=|:|,|if|when)\s*(?:[<>≥≤]|>=|<=|fewer|less|more|greater|at\s+least|1\s*%|ratio)`,
    String.raw`\bp?T[0-4][a-d]?\s*(?:=|:|-|–)\s*(?:tumou?r\s+)?(?:[<>≥≤]|>=|<=|more|greater|less|not\s+more|up\s+to|\d+\s*mm|\d+(?:\.\d)?\s*cm)`,
    String.raw`\bp?N[0-3][a-c]?\s*(?:=|:|-|–)\s*(?:metasta\w*\s+(?:in|to)\s+)?(?:[1-9]\s*(?:-|–|to)\s*[1-9]|no\s+regional|micrometasta)`,
    String.raw`(?:^|[\s;,(])(?:0\s*(?:-|–|to|or)\s*1\s?\+|[0-3]\s?\+)\s+(?:weakly\s+|strongly\s+)?(?:negative|positive|equivocal|borderline)\b`,
    String.raw`\b(?:isolated\s+tumou?r\s+cells|ITCs?|micrometasta\w*|macrometasta\w*)\s*[,:(=]?\s*(?:\(?\s*)?(?:no\s+(?:larger|greater|more)|larger|greater|more|less|smaller|up\s+to|[<>≤≥]|>=|<=|0\.2\s*mm|2(?:\.0)?\s*mm|between)`,
  ].join('|'),
  'gi',
);
// Words or numbers comparing a size with a limit: the limit of a definition, not a measurement.
export const COMPARATIVE_BEFORE = /(?:[<>≤≥]=?|(?:not\s+)?(?:more|greater|less|larger|smaller)\s+than|up\s+to|exceeding|at\s+least|over|under|≤|≥)\s*$/i;

function blank(chars: string[], start: number, end: number): void {
  for (let i = start; i < end; i++) if (chars[i] !== '\n') chars[i] = ' ';
}

/** The text with these spans blanked (same length): e.g. the other side of a bilateral report. */
export function blankSpans(text: string, spans: readonly (readonly [number, number])[]): string {
  const chars = text.split('');
  for (const [s, e] of spans) blank(chars, s, e);
  return chars.join('');
}

function lineBounds(text: string): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || text[i] === '\n') {
      out.push([start, i]);
      start = i + 1;
    }
  }
  return out;
}

/**
 * Unticked options of a checkbox line are blanked, ticked boxes lose their marks ("Grade: [X] 2" reads
 * "Grade:     2"). Boxes lead their option ("[X] Negative") or trail it ("2 [X]"): a line whose last box
 * ends the line trails.
 */
function maskBoxes(text: string, chars: string[]): void {
  for (const [ls, le] of lineBounds(text)) {
    const boxes = findAll(BOX, text, ls, le);
    const real = boxes.length >= 2 ? boxes : boxes.filter((b) => !EMPTY_PARENS.test(b.text));
    if (real.length === 0) continue;
    const ticked = (b: (typeof real)[number]) => b.groups[0] !== undefined || b.groups[1] !== undefined || b.groups[3] !== undefined;
    // Boxes trail their options when a short option stands between the label and the first box ("Grade: 1 [ ] 2 [X]").
    const head = text.slice(ls, real[0]!.start).replace(/^.*:/, '').trim();
    const trailing = head.length > 0 && head.length <= MAX_OPTION_BEFORE_BOX;
    real.forEach((b, i) => {
      let start: number;
      let end: number;
      if (trailing) {
        const prevEnd = i > 0 ? real[i - 1]!.end : Math.max(ls, text.lastIndexOf(':', b.start) + 1);
        start = prevEnd;
        end = b.start;
      } else {
        start = b.end;
        // An option runs to the next box, or to the end of the line (a wide gap ends a last option early).
        const next = real[i + 1]?.start ?? le;
        const gap = /\s{3,}/.exec(text.slice(b.end, next).replace(/^\s+/, (s) => '#'.repeat(s.length)));
        end = i + 1 < real.length ? next : gap ? b.end + gap.index : next;
      }
      if (!ticked(b)) blank(chars, start, end);
      blank(chars, b.start, b.end);
    });
  }
}

/** The sentence around a position; `clauses` also ends it at "; " (a legend's items are clauses of one sentence). */
function sentenceAround(text: string, at: number, clauses = true): [number, number] {
  const stop = clauses ? /[.;]/ : /[.]/;
  let s = at;
  while (s > 0 && text[s - 1] !== '\n' && !(stop.test(text[s - 2] ?? '') && /\s/.test(text[s - 1]!))) s--;
  const endMatch = /\.(?=\s)|\n|$/g;
  endMatch.lastIndex = at;
  const m = endMatch.exec(text);
  return [s, m ? m.index + (m[0] === '.' ? 1 : 0) : text.length];
}

/**
 * Where a legend inside a sentence begins: at its first item, or at the parenthesis that opens it
 * ("ratio is 1.10 (ratio >= 2.0 is amplified; 0-1+ negative ...)"), so a result before it stays readable.
 */
function legendStart(text: string, sentenceStart: number, item: number): number {
  const open = text.lastIndexOf('(', item);
  return open >= sentenceStart && text.indexOf(')', open) > item - 1 && !text.slice(open, item).includes(')') ? open : item;
}

/** Legends and criteria: a cue blanks to the end of its sentence (and a cue ending its line, the item lines after it). */
function maskLegends(text: string, chars: string[]): void {
  for (const h of findAll(LEGEND_CUE, text)) {
    const [, end] = sentenceAround(text, h.start);
    blank(chars, h.start, end);
    // "HER2 scoring legend:" on a line of its own heads a list of items.
    if (/:\s*$/.test(text.slice(h.end, end + 1)) || /^[^\n]*:\s*\n/.test(text.slice(h.end))) {
      let cursor = text.indexOf('\n', h.end);
      while (cursor >= 0 && cursor + 1 < text.length) {
        const next = text.indexOf('\n', cursor + 1);
        const lineEnd = next < 0 ? text.length : next;
        if (findAll(LEGEND_ITEM, text, cursor + 1, lineEnd).length === 0) break;
        blank(chars, cursor + 1, lineEnd);
        cursor = next;
      }
    }
  }
  // Two items in one sentence, or items on consecutive lines, are a legend wherever they stand.
  const items = findAll(LEGEND_ITEM, text);
  const bySentence = new Map<number, [number, number]>();
  const count = new Map<number, number>();
  for (const it of items) {
    const sent = sentenceAround(text, it.start, false);
    bySentence.set(sent[0], sent);
    count.set(sent[0], (count.get(sent[0]) ?? 0) + 1);
  }
  const firstItem = new Map<number, number>();
  for (const it of items) {
    const key = sentenceAround(text, it.start, false)[0];
    if (!firstItem.has(key)) firstItem.set(key, it.start);
  }
  for (const [start, n] of count) {
    if (n >= 2) blank(chars, legendStart(text, start, firstItem.get(start)!), bySentence.get(start)![1]);
  }
  const lines = lineBounds(text);
  const itemLine = lines.map(([s, e]) => findAll(LEGEND_ITEM, text, s, e).some((h) => /^[\s;,(]*$/.test(text.slice(s, h.start + 1).replace(/^\s*[-•*]?\s*/, ''))));
  lines.forEach(([s, e], i) => {
    if (itemLine[i] && (itemLine[i - 1] || itemLine[i + 1])) blank(chars, s, e);
  });
}

// A threshold inside a sentence makes the whole sentence a criterion: "a HER2/CEP17 ratio of 2.0 or more".
const CRITERION = /\b(?:ratio|copy\s+number|signals?(?:\s+per\s+cell)?|nuclei|cells|staining)\s+(?:of\s+|is\s+|was\s+)?(?:[<>≥≤]=?\s*)?\d+(?:\.\d+)?\s*%?\s*(?:or\s+(?:more|greater|less|fewer|higher|above|below)|and\s+(?:above|below))\b/gi;
// A scale, not a score: "ASCO/CAP 0 to 3", "(0-3+)".
// "(0-3+,n/a) :" is a synoptic label whose value follows it, not a scale to blank.
const SCALE = /\b0\s*(?:-|–|to)\s*3(?!\s?\+?\s*,\s*n\/a)\s?\+?(?![\d.])/g;

function maskCriteria(text: string, chars: string[]): void {
  for (const h of findAll(CRITERION, text)) {
    const [s, e] = sentenceAround(text, h.start);
    blank(chars, legendStart(text, s, h.start), e);
  }
  for (const h of findAll(SCALE, text)) blank(chars, h.start, h.end);
}

/** The report as the rules read it: same length, same line breaks, non-results blanked. */
export function readableText(text: string): string {
  // UTF-16 units, not code points: every offset the rules produce indexes the original string.
  const chars = text.split('');
  maskBoxes(text, chars);
  maskLegends(text, chars);
  maskCriteria(text, chars);
  return chars.join('');
}
