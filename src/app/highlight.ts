// Splits report text into consecutive segments, each listing the evidence keys that cover it.
// Pure and DOM-free: spans may overlap, nest, repeat, come unsorted or fall partly outside the text.

/** A half-open range [start, end) of UTF-16 indices, labelled with what it is evidence for. */
export interface KeyedSpan {
  key: string;
  start: number;
  end: number;
}

export interface Segment {
  start: number;
  end: number;
  text: string;
  /** Keys whose spans cover the whole segment, in the order the keys first appear in the input. */
  keys: readonly string[];
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** True when index falls between the two halves of a surrogate pair (an emoji, say). */
export function splitsPair(text: string, index: number): boolean {
  return index > 0 && index < text.length && isHighSurrogate(text.charCodeAt(index - 1)) && isLowSurrogate(text.charCodeAt(index));
}

/** Clamps a span into the text, widening it rather than cutting a character in half; null if empty. */
export function normaliseSpan(text: string, span: KeyedSpan): KeyedSpan | null {
  if (!Number.isFinite(span.start) || !Number.isFinite(span.end)) return null;
  let start = Math.max(0, Math.min(text.length, Math.floor(span.start)));
  let end = Math.max(0, Math.min(text.length, Math.ceil(span.end)));
  // Empty before widening: an empty span between the halves of an emoji must stay empty.
  if (start >= end) return null;
  if (splitsPair(text, start)) start -= 1;
  if (splitsPair(text, end)) end += 1;
  return start < end ? { key: span.key, start, end } : null;
}

/**
 * Cuts text at every span boundary and returns the pieces in order, covering the whole text.
 * Neighbouring pieces with the same keys are merged, so one stretch of evidence is one segment.
 */
export function segmentText(text: string, spans: readonly KeyedSpan[]): Segment[] {
  if (text.length === 0) return [];
  const valid = spans.map((s) => normaliseSpan(text, s)).filter((s): s is KeyedSpan => s !== null);
  const keyOrder = [...new Set(valid.map((s) => s.key))];

  const cuts = new Set<number>([0, text.length]);
  for (const s of valid) {
    cuts.add(s.start);
    cuts.add(s.end);
  }
  const bounds = [...cuts].sort((a, b) => a - b);

  const segments: Segment[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const start = bounds[i]!;
    const end = bounds[i + 1]!;
    const covering = new Set(valid.filter((s) => s.start <= start && s.end >= end).map((s) => s.key));
    const keys = keyOrder.filter((k) => covering.has(k));
    const last = segments[segments.length - 1];
    if (last && sameKeys(last.keys, keys)) {
      segments[segments.length - 1] = { start: last.start, end, text: text.slice(last.start, end), keys: last.keys };
    } else {
      segments.push({ start, end, text: text.slice(start, end), keys });
    }
  }
  return segments;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}
