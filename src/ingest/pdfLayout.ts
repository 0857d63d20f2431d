// Rebuilds the text of a report from the positioned text runs pdf.js gives for each page
// (`page.getTextContent()` items). The content stream order is whatever the PDF producer chose
// (synoptic tables are often written column by column), so reading order, spaces, line breaks and
// paragraphs all come from positions. Pure on purpose: no DOM, pdf.js or Node, so the app, the
// worker and the Node tests can all run it.

/** One text run of a PDF page in PDF user space (origin bottom-left, y up), from pdf.js `TextItem`: x = transform[4], y = transform[5] (baseline), height = font size, width = advance. */
export interface TextPiece { str: string; x: number; y: number; width: number; height: number; hasEOL: boolean }
export interface PageText { pieces: TextPiece[]; width: number; height: number }
export interface LaidOutText {
  text: string;
  /** Character offset in `text` where each page starts (pageStarts[0] === 0), one per input page. */
  pageStarts: number[];
  /** Header/footer lines dropped because they repeat on the pages (normalised form), for diagnostics and tests. */
  droppedMargins: string[];
}
/** One visual line: `y` is its baseline, `height` its tallest font size. */
export interface Line { text: string; y: number; height: number }

/** Pieces whose baselines differ by at most this share of the font height are on one line: runs of one
 * line wobble by a fraction of a point (kerning, super/subscripts), while single-spaced lines are
 * about 1.2 heights apart. */
export const SAME_LINE_SHARE = 0.5;
/** A gap narrower than this share of the height is a cut inside a word (pdf.js starts a new run at
 * every font or spacing change, e.g. "carcin" + "oma"). */
export const TOUCH_GAP_SHARE = 0.1;
/** A gap wider than this share of the height is a table column: a word space is 0.25-0.5 heights and
 * even justified text stays below one. */
export const COLUMN_GAP_SHARE = 1.5;
/** Exactly three spaces between table columns: visibly wider than a word space, so "label   value"
 * rows stay on one line yet can still be told apart from running text. */
export const COLUMN_SEPARATOR = '   ';
/** Baselines further apart than this share of the taller line's height start a paragraph (single
 * spacing is ~1.2 heights, paragraph spacing adds at least half a line). */
export const PARAGRAPH_GAP_SHARE = 1.6;
/** Running headers and footers live in this many lines at the top and at the bottom of a page. */
export const MARGIN_LINES = 3;
/** A margin line is a running header/footer when it is in the same margin on at least this many
 * pages and on at least MIN_REPEAT_SHARE of the pages that have text. */
export const MIN_REPEAT_PAGES = 2;
export const MIN_REPEAT_SHARE = 0.5;
/** Font height used when no piece of a page has a usable one. */
export const FALLBACK_HEIGHT = 10;
/** Advance per character, as a share of the height, assumed when a piece's width is unusable. */
export const FALLBACK_CHAR_WIDTH_SHARE = 0.5;
/** Blank line between pages, so a page break also ends a paragraph. */
export const PAGE_SEPARATOR = '\n\n';

const SOFT_HYPHEN = '\u00AD';
// Only a lowercase letter before the hyphen: "carci-" is a broken word, while "ER-" / "HER2-" are
// values whose hyphen means "negative" and must survive whatever follows.
const HYPHEN_BREAK = /(\p{Ll})[-\u00AD]\n(?=\p{Ll})/gu;
// A line break inside one run would break the line structure built from positions.
const VERTICAL_SPACE = /[\n\r\v\f\u0085\u2028\u2029]/g;

interface Piece { str: string; x: number; y: number; width: number; height: number }

const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
const usableHeight = (h: unknown): h is number => finite(h) && h > 0;

function medianHeight(pieces: readonly TextPiece[]): number {
  const heights = pieces.map((p) => p.height).filter(usableHeight).sort((a, b) => a - b);
  return heights[Math.floor(heights.length / 2)] ?? FALLBACK_HEIGHT;
}

/** Makes a pdf.js run safe to compute with: any string, finite coordinates, positive height. */
function sanitise(p: TextPiece, fallbackHeight: number): Piece {
  const str = typeof p.str === 'string' ? p.str.replace(VERTICAL_SPACE, ' ') : '';
  const height = usableHeight(p.height) ? p.height : fallbackHeight;
  const width = finite(p.width) && p.width >= 0 ? p.width : FALLBACK_CHAR_WIDTH_SHARE * height * str.length;
  return { str, x: finite(p.x) ? p.x : 0, y: finite(p.y) ? p.y : 0, width, height };
}

/** What goes between the text so far and the next piece, given the horizontal gap between them. */
function joinPiece(text: string, next: string, gap: number, height: number): string {
  if (gap > COLUMN_GAP_SHARE * height) return text.trimEnd() + COLUMN_SEPARATOR + next.trimStart();
  const needsSpace = gap >= TOUCH_GAP_SHARE * height && !/\s$/u.test(text) && !/^\s/u.test(next);
  return text + (needsSpace ? ' ' : '') + next;
}

function lineOf(pieces: Piece[], y: number): Line {
  pieces.sort((a, b) => a.x - b.x);
  let text = '';
  let right = -Infinity;
  let prev: Piece | undefined;
  for (const p of pieces) {
    // Fake bold is drawn as the same run twice, a fraction of a point apart: keep one copy.
    const duplicate = prev !== undefined && p.str === prev.str && p.str.trim() !== ''
      && Math.abs(p.x - prev.x) < TOUCH_GAP_SHARE * p.height;
    if (duplicate) continue;
    text = prev === undefined ? p.str : joinPiece(text, p.str, p.x - right, Math.max(prev.height, p.height));
    right = Math.max(right, p.x + p.width);
    prev = p;
  }
  // Soft hyphens are invisible except at the end of a line, where joinHyphenated still needs one.
  const trimmed = text.trim();
  const broken = /\p{L}\u00AD$/u.test(trimmed);
  const visible = trimmed.replaceAll(SOFT_HYPHEN, '').trim() + (broken ? SOFT_HYPHEN : '');
  return { text: visible, y, height: pieces.reduce((h, p) => Math.max(h, p.height), 0) };
}

/** The non-blank lines of a page, top to bottom, each read left to right. */
export function pageLines(page: PageText): Line[] {
  const raw = Array.isArray(page?.pieces) ? page.pieces.filter((p) => p !== null && typeof p === 'object') : [];
  const fallbackHeight = medianHeight(raw);
  const pieces = raw.map((p) => sanitise(p, fallbackHeight)).filter((p) => p.str !== '');
  pieces.sort((a, b) => b.y - a.y || a.x - b.x);
  // Each line is anchored at its top-most baseline, so a long line cannot drift down into the next.
  const groups: { y: number; height: number; pieces: Piece[] }[] = [];
  for (const p of pieces) {
    const current = groups[groups.length - 1];
    if (current && Math.abs(p.y - current.y) <= SAME_LINE_SHARE * Math.max(p.height, current.height)) {
      current.pieces.push(p);
      current.height = Math.max(current.height, p.height);
    } else {
      groups.push({ y: p.y, height: p.height, pieces: [p] });
    }
  }
  return groups.map((g) => lineOf(g.pieces, g.y)).filter((line) => line.text !== '');
}

/** Undoes line-end hyphenation ("carci-\nnoma" → "carcinoma") and drops the remaining soft hyphens. */
export function joinHyphenated(text: string): string {
  return text.replace(HYPHEN_BREAK, '$1').replaceAll(SOFT_HYPHEN, '');
}

/** Lines of one page as text: `\n` within a paragraph, a blank line between paragraphs. */
export function linesToText(lines: readonly Line[]): string {
  let text = '';
  lines.forEach((line, i) => {
    const prev = lines[i - 1];
    if (prev) text += prev.y - line.y > PARAGRAPH_GAP_SHARE * Math.max(prev.height, line.height) ? '\n\n' : '\n';
    text += line.text;
  });
  return joinHyphenated(text);
}

/** The form in which margin lines are compared: page numbers and dates differ from page to page. */
export function normaliseMargin(line: string): string {
  return line.trim().replace(/\s+/gu, ' ').replace(/\d+/gu, '#');
}

/** Normalised lines that repeat in the top (`top`) or bottom (`bottom`) margin across pages. Pages
 * without text (scanned images) are not counted: they cannot carry a text header. */
export function repeatedMargins(pages: readonly (readonly string[])[]): { top: Set<string>; bottom: Set<string> } {
  const withText = pages.filter((lines) => lines.length > 0);
  const need = Math.max(MIN_REPEAT_PAGES, Math.ceil(MIN_REPEAT_SHARE * withText.length));
  const repeated = (pick: (lines: readonly string[]) => readonly string[]): Set<string> => {
    const counts = new Map<string, number>();
    for (const lines of withText) {
      for (const key of new Set(pick(lines).map(normaliseMargin))) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return new Set([...counts].filter(([key, n]) => key !== '' && n >= need).map(([key]) => key));
  };
  return {
    top: repeated((lines) => lines.slice(0, MARGIN_LINES)),
    bottom: repeated((lines) => lines.slice(-MARGIN_LINES)),
  };
}

/** The text of a whole document, with running headers and footers removed. */
export function layoutPages(pages: readonly PageText[]): LaidOutText {
  const linesPerPage = (Array.isArray(pages) ? pages : []).map(pageLines);
  const { top, bottom } = repeatedMargins(linesPerPage.map((lines) => lines.map((l) => l.text)));
  const dropped = new Set<string>();
  let text = '';
  const pageStarts: number[] = [];
  for (const lines of linesPerPage) {
    const body = lines.filter((line, i) => {
      const key = normaliseMargin(line.text);
      const margin = (i < MARGIN_LINES && top.has(key)) || (i >= lines.length - MARGIN_LINES && bottom.has(key));
      if (margin) dropped.add(key);
      return !margin;
    });
    const pageText = linesToText(body);
    // No separator next to an empty page, so image-only pages add no stray blank lines; such a page
    // starts (and ends) where the text so far ends.
    if (pageText !== '' && text !== '') text += PAGE_SEPARATOR;
    pageStarts.push(text.length);
    text += pageText;
  }
  return { text, pageStarts, droppedMargins: [...dropped] };
}
