// Bilateral reports: which lines speak of the right breast and which of the left, so that each side's
// tumour can be read on its own. Lines follow the side last named (a part label "B." follows the side the
// specimen list gave it); a header without a side, or a line naming both, belongs to neither.
import type { Span } from '../types';

export type Side = 'right' | 'left';

// A side named with what it is the side of: "right breast", "BREAST, LEFT", "left axillary", "Left: ...".
const SIDE = /\b(right|left|rt|lt)\b\.?\s*(?:[\w,-]+\s+){0,2}?(?=breast|axill|mastectomy|lumpectomy|side|tumou?r|sentinel|lymph|nodes?|excision|specimen|:)|(?:breast|axilla|axillary|mastectomy|lumpectomy)\s*[,:-]?\s*\(?\b(right|left|rt|lt)\b/gi;
// "A.", "B)", "Part 2:", "(3)" at the start of a line: a specimen part.
const PART = /^\s*(?:part\s+|specimen\s+)?\(?([A-H]|[1-9])[.):]\s/i;
// A section header with no side ("GROSS DESCRIPTION", "COMMENT:"): what follows is about the whole case.
const HEADER = /^\s*[A-Z][A-Z /&()-]{3,60}:?\s*$|^\s*(?:comment|note|gross|microscopic|clinical|history|specimens?|synoptic|summary|methods?)\b[^:\n]{0,40}:\s*$/i;
const BOTH = /\b(?:bilateral|both\s+(?:breasts|sides)|right\s+and\s+left|left\s+and\s+right)\b/i;

function sideOf(raw: string): Side {
  const s = raw.toLowerCase();
  return s === 'right' || s === 'rt' ? 'right' : 'left';
}

function lineSides(line: string): Set<Side> {
  const found = new Set<Side>();
  SIDE.lastIndex = 0;
  for (let m = SIDE.exec(line); m; m = SIDE.exec(line)) found.add(sideOf(m[1] ?? m[2]!));
  return found;
}

/**
 * The specimen part a position belongs to: the label of its line ("C. Metastatic carcinoma ... (1/1)") or of
 * the nearest labelled line above it in the same block; null outside any part.
 */
export function partLabelAt(text: string, index: number): string | null {
  let lineStart = text.lastIndexOf('\n', index - 1) + 1;
  for (let steps = 0; steps < 12 && lineStart >= 0; steps++) {
    const lineEnd = text.indexOf('\n', lineStart);
    const line = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
    const part = PART_LABEL.exec(line);
    if (part) return part[1]!.toUpperCase();
    if (line.trim() === '' || HEADER.test(line)) return null;
    if (lineStart === 0) return null;
    lineStart = text.lastIndexOf('\n', lineStart - 2) + 1;
  }
  return null;
}

// "C.", "(2)", "Part B:", "Specimen 2 -" at the start of a line.
const PART_LABEL = /^\s*(?:part\s+|specimen\s+)?\(?([A-H]|[1-9])(?:[.):]|\s+-)\s/i;

/** The lines of each side, or null when the report does not name both sides. */
export function sideLines(text: string): Record<Side, Span[]> | null {
  const lines: Span[] = [];
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || text[i] === '\n') {
      lines.push([start, i]);
      start = i + 1;
    }
  }
  const parts = new Map<string, Side>();
  for (const [s, e] of lines) {
    const line = text.slice(s, e);
    const part = PART.exec(line);
    const sides = lineSides(line);
    if (part && sides.size === 1 && !parts.has(part[1]!.toUpperCase())) parts.set(part[1]!.toUpperCase(), [...sides][0]!);
  }
  const out: Record<Side, Span[]> = { right: [], left: [] };
  let current: Side | null = null;
  for (const [s, e] of lines) {
    const line = text.slice(s, e);
    const sides = lineSides(line);
    const part = PART.exec(line);
    if (sides.size === 1 && !BOTH.test(line)) current = [...sides][0]!;
    else if (sides.size > 1 || BOTH.test(line)) current = null;
    else if (part && parts.has(part[1]!.toUpperCase())) current = parts.get(part[1]!.toUpperCase())!;
    else if (part || HEADER.test(line)) current = null;
    if (current) out[current].push([s, e]);
  }
  return out.right.length > 0 && out.left.length > 0 ? out : null;
}
