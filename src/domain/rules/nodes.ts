// Lymph node counts (positive / examined), micrometastases and isolated tumour cells, and the
// AJCC 8th N category derived from them when the report states no pN code.
import type { Label } from '../schema';
import type { Span } from '../types';
import { partLabelAt } from './tumours';
import { COUNT, findAll, isNegated, parseCount, sectionAt, type Section } from './text';
import { WEIGHTS } from './weights';

export interface NodeCount {
  positive: number | null;
  examined: number | null;
  weight: number;
  evidence: Span[];
  /** The specimen part the count is written under ("C"), when the report labels its parts. */
  part: string | null;
}

export interface NodeFindings {
  counts: NodeCount[];
  micrometastasis: Span[];
  /** Explicit macrometastases: with these, a small positive count is N1, not N1mi. */
  macrometastasis: Span[];
  isolatedTumourCells: Span[];
  /** "Metastatic carcinoma" in a node specimen with no count. */
  positiveWithoutCount: Span[];
  /** Explicit statements that the nodes are free of tumour without a count. */
  negativeWithoutCount: Span[];
}

const C = `(${COUNT})`;
const PAREN = String.raw`(?:\s*\(\s*\d{1,2}\s*\))?`;
const NODES = String.raw`(?:(?:sentinel|axillary|regional|additional|non-?sentinel|intramammary|level\s+[I1l]{1,3})\s+)*(?:lymph\s*)?nodes?`;
const POSITIVE_WORDS = String.raw`(?:positive|involved|metasta\w*|carcinoma|tumou?r|malignan\w*|cancer)`;

// "9 OF 12 POSITIVE", "Lymph nodes: 2/12 positive", "METASTATIC CARCINOMA IN 4 OF 7 LYMPH NODES", "(1/11)".
// "none of four" is a count of zero in a fraction only; elsewhere "none" is a negation.
const FRACTION = new RegExp(String.raw`(?<![\d/.])(${COUNT}|none)\.?${PAREN}\s*(?:/|of|out\s+of|\(\s*out\s+of)\s*${C}${PAREN}(?![\d/]|\s*(?:HPF|high|mitos))`, 'gi');
// "THREE (3) LYMPH NODES POSITIVE", "ONE LYMPH NODE POSITIVE", "4 lymph nodes with metastatic carcinoma".
const POSITIVE_COUNT = new RegExp(String.raw`(?<!(?:\bof|\/|out\s+of)\s*)\b${C}${PAREN}\s+(?:\w+\s+){0,2}?${NODES}\s*(?:\([^)]{0,20}\)\s*)?(?:are\s+|is\s+)?(?:positive|involved|with\s+(?:metasta|carcinoma|tumou?r)|containing\s+(?:metasta|carcinoma|tumou?r))`, 'gi');
// "No evidence of metastasis in 3 lymph nodes", "NO CARCINOMA IDENTIFIED IN 15. LYMPH NODES", "FOUR BENIGN LYMPH NODES".
const NEGATIVE_COUNT = new RegExp(String.raw`(?:\b(?:no|negative\s+for)\s+(?:evidence\s+of\s+)?(?:metasta\w*|carcinoma|tumou?r|malignancy)[^.;]{0,30}?\b(?:in|to)\s+${C}\.?${PAREN}\s+(?:\w+\s+){0,2}?${NODES})|(?:\b${C}${PAREN}\s+(?:\w+\s+){0,2}?(?:benign|negative|reactive|uninvolved|tumou?r[- ]free)\s+${NODES})|(?:\b${C}${PAREN}\s+(?:\w+\s+){0,2}?${NODES}[^.;]{0,25}?\b(?:negative|benign|free\s+of|without|no\s+(?:evidence|tumou?r|carcinoma|metasta)))`, 'gi');
// Registry and synoptic fields: "Number of Lymph Nodes Examined: 12", "Regional nodes positive: 0",
// "Number of Lymph Nodes with Macrometastases (> 2 mm): 2" (macro- and micrometastases add up).
const LABEL_TAIL = String.raw`\s*(?:\([^)]{0,30}\))?\s*[:=]\s*${C}(?![\d/])`;
const NODES_LABEL = String.raw`(?:(?:total\s+)?number\s+of\s+)?(?:regional\s+|sentinel\s+|axillary\s+)?(?:lymph\s+)?nodes?`;
const EXAMINED_FIELD = new RegExp(String.raw`\b${NODES_LABEL}\s+(?:examined|removed|retrieved|evaluated|submitted|recovered|assessed)${LABEL_TAIL}`, 'gi');
const POSITIVE_FIELD = new RegExp(String.raw`\b${NODES_LABEL}\s+(?:positive|involved|with\s+(?:metasta\w*|macro\s?-?metasta\w*|micro\s?-?metasta\w*|tumou?r|carcinoma))(?!\s+or)${LABEL_TAIL}`, 'gi');
// A field this far from the examined count still belongs to the same table.
const FIELD_REACH = 400;

// Node words of other languages and registries too: "Lymphknoten 0/12", "ganglions", "LK", "linfonodi".
const NODE_CONTEXT = /(?:lymph|nodes?\b|\bLN\b|\bLK\b|sentinel|axilla|\bpN|\bN\s?[0-3Oo]|level\s+[I1l]|ganglio\w*|gangli[ao]\b|lymphknot\w*|linfonod\w*|lymfkl\w*)/i;
const NOT_NODE_CONTEXT = /(?:tubul|nucle|mitos|mitotic|score|grade|allred|ratio|hpf|slides?|blocks?|cassettes?|margins?|quadrant|o'?clock|date|specimens?\s+\d|page)[^.;]{0,25}$/i;
const MICROMET = /\bmicro\s?-?\s?m\w{0,2}etasta\w*|\bpN1\s?\(?mi\)?|\bmicroscopic\s+metasta\w*\s+\(?(?:<|less\s+than)\s*2\s*mm/gi;
const ITC = /\bisolated\s+tumou?r\s+cells?\b|\bITCs?\b|\(\s?i\s?\+\s?\)/g;
const NODE_POSITIVE_NO_COUNT = /\b(?:lymph\s+node|node)[^.;:]{0,60}:\s*(?:-\s*)?(?:metastatic|positive\s+for\s+(?:metastatic\s+)?carcinoma)/gi;
const NODE_NEGATIVE_NO_COUNT =
  /\b(?:(?:lymph\s+)?nodes?[^.;]{0,40}?\b(?:negative\s+for\s+(?:metasta\w*|carcinoma|tumou?r|malignancy)|free\s+of\s+(?:tumou?r|carcinoma|metasta\w*))|no\s+(?:evidence\s+of\s+)?(?:lymph\s+nodes?\s+)?metasta\w*\s+(?:\w+\s+){0,2}(?:lymph\s+)?nodes?|there\s+is\s+no\s+lymph\s+nodes?\s+metasta\w*|nodes?\s+(?:with\s+)?no\s+evidence\s+of\s+(?:\w+\s+)?(?:disease|tumou?r|carcinoma|malignancy|metasta\w*))/gi;

const ZERO_COUNT_AFTER = /^\s*(?:\([^)]{0,30}\))?\s*[:=]?\s*(?:0|none|zero|no)\b(?!\s*(?:\.\d|[-–]|to\b|mm))/i;

export function findNodeFindings(text: string, secs: readonly Section[]): NodeFindings {
  const trust = (i: number) => WEIGHTS.section[sectionAt(secs, i)];
  const counts: NodeCount[] = [];
  const claimed: Span[] = [];
  const overlaps = (s: number, e: number) => claimed.some(([a, b]) => s < b && e > a);

  for (const h of findAll(POSITIVE_COUNT, text)) {
    const n = parseCount(h.groups[0]!);
    if (n === null || isNegated(text, h.start, h.start + 1)) continue;
    counts.push({ positive: n, examined: null, weight: WEIGHTS.nodes.positiveCount * trust(h.start), evidence: [[h.start, h.end]], part: partLabelAt(text, h.start) });
    claimed.push([h.start, h.end]);
  }
  for (const h of findAll(NEGATIVE_COUNT, text)) {
    const raw = h.groups.find((g) => g !== undefined);
    const n = raw === undefined ? null : parseCount(raw);
    if (n === null || overlaps(h.start, h.end)) continue;
    counts.push({ positive: 0, examined: n, weight: WEIGHTS.nodes.negativeCount * trust(h.start), evidence: [[h.start, h.end]], part: partLabelAt(text, h.start) });
    claimed.push([h.start, h.end]);
  }
  for (const h of findAll(FRACTION, text)) {
    const pos = parseCount(h.groups[0]!);
    const exam = parseCount(h.groups[1]!);
    if (pos === null || exam === null || exam === 0 || pos > exam || exam > 80) continue;
    const before = text.slice(Math.max(0, h.start - 90), h.start);
    const after = text.slice(h.end, h.end + 60);
    if (NOT_NODE_CONTEXT.test(before.slice(-40))) continue;
    if (!NODE_CONTEXT.test(before) && !NODE_CONTEXT.test(after.slice(0, WEIGHTS.reach.fractionAfter))) continue;
    const positivity = new RegExp(POSITIVE_WORDS, 'i');
    // A fraction in node context reads positive/examined when positivity words in its own clause
    // surround it, or it is 0/n; "2 of 2" after a sentence is a page number.
    const clause = before.slice(-60).split(/[.;]\s/).pop() ?? '';
    const sayPositive = positivity.test(clause) || positivity.test(after.slice(0, WEIGHTS.reach.fractionAfter));
    const sayNegative = /(?:negative|benign|no\s+(?:tumou?r|carcinoma|metasta))/i.test(before.slice(-50) + after.slice(0, 30));
    if (!sayPositive && !sayNegative && pos !== 0 && !/\(\s*$/.test(before)) continue;
    if (overlaps(h.start, h.end)) continue;
    counts.push({ positive: pos, examined: exam, weight: WEIGHTS.nodes.fraction * trust(h.start), evidence: [[h.start, h.end]], part: partLabelAt(text, h.start) });
    claimed.push([h.start, h.end]);
  }

  for (const ex of findAll(EXAMINED_FIELD, text)) {
    const examined = parseCount(ex.groups[0]!);
    const near = findAll(POSITIVE_FIELD, text, Math.max(0, ex.start - FIELD_REACH), Math.min(text.length, ex.end + FIELD_REACH));
    if (examined === null || near.length === 0 || overlaps(ex.start, ex.end)) continue;
    const positive = near.reduce((sum, h) => sum + (parseCount(h.groups[0]!) ?? 0), 0);
    if (positive > examined) continue;
    counts.push({ positive, examined, weight: WEIGHTS.nodes.labelledFields * trust(ex.start), evidence: [[ex.start, ex.end], ...near.map((h): Span => [h.start, h.end])], part: null });
    claimed.push([ex.start, ex.end], ...near.map((h): Span => [h.start, h.end]));
  }

  // "Micrometastases (>0.2 mm to 2 mm): 0" counts none; "isolated tumor cells 0" is not a finding either.
  const countedNone = (h: { end: number }) => ZERO_COUNT_AFTER.test(text.slice(h.end, h.end + 40));
  const live = (re: RegExp) => findAll(re, text).filter((h) => !isNegated(text, h.start, h.end) && !countedNone(h)).map((h): Span => [h.start, h.end]);
  return {
    counts,
    micrometastasis: live(MICROMET),
    macrometastasis: live(/\bmacro\s?-?\s?metasta\w*/gi),
    isolatedTumourCells: live(ITC),
    positiveWithoutCount: findAll(NODE_POSITIVE_NO_COUNT, text).map((h): Span => [h.start, h.end]),
    negativeWithoutCount: findAll(NODE_NEGATIVE_NO_COUNT, text).map((h): Span => [h.start, h.end]),
  };
}

export interface NodeTotals {
  positive: number | null;
  examined: number | null;
  evidence: Span[];
}

/**
 * Totals over the report. Each specimen's count is usually stated once in the diagnosis and may be
 * repeated in a summary; identical fractions are counted once, and a stated total wins.
 */
export function nodeTotals(f: NodeFindings): NodeTotals {
  if (f.counts.length === 0) return { positive: null, examined: null, evidence: [] };
  const byParts = partTotals(f.counts);
  if (byParts) return byParts;
  const distinct = new Map<string, NodeCount>();
  for (const c of f.counts) {
    const key = `${c.positive}/${c.examined}`;
    if (!distinct.has(key)) distinct.set(key, c);
  }
  const all = [...distinct.values()];
  // The largest single statement is taken as the total: a summary line ("Lymph nodes: 9/12") always
  // covers the parts it sums, and per-part lines are never larger than it.
  const best = all.reduce((a, b) => ((b.positive ?? 0) > (a.positive ?? 0) || ((b.positive ?? 0) === (a.positive ?? 0) && (b.examined ?? 0) > (a.examined ?? 0)) ? b : a));
  const sumExamined = all.every((c) => c.examined !== null) ? all.reduce((s, c) => s + c.examined!, 0) : null;
  const partsPositive = all.reduce((s, c) => s + (c.positive ?? 0), 0);
  // Separate parts (sentinel + axillary) with no summary: add them when no line equals their sum.
  const summed = all.length > 1 && !all.some((c) => c.positive === partsPositive && partsPositive > 0) && all.every((c) => c.examined !== null) && sumExamined !== null && sumExamined <= 80;
  if (summed) return { positive: partsPositive, examined: sumExamined, evidence: all.flatMap((c) => c.evidence) };
  return { positive: best.positive, examined: best.examined, evidence: best.evidence };
}

const larger = (a: NodeCount, b: NodeCount) => ((b.positive ?? 0) > (a.positive ?? 0) || ((b.positive ?? 0) === (a.positive ?? 0) && (b.examined ?? 0) > (a.examined ?? 0)) ? b : a);

/**
 * Counts written under two or more labelled specimen parts (C 1/1, D 0/1, E 1/1, F 2/11): each part
 * counts once (its largest statement: "two of eleven ... (2/11)" is one count), parts are added, and an
 * unlabelled summary line is used instead when it covers at least as many positive nodes.
 */
function partTotals(counts: readonly NodeCount[]): NodeTotals | null {
  const complete = counts.filter((c) => c.positive !== null && c.examined !== null);
  const parts = new Map<string, NodeCount>();
  for (const c of complete) if (c.part !== null) parts.set(c.part, parts.has(c.part) ? larger(parts.get(c.part)!, c) : c);
  if (parts.size < 2) return null;
  const each = [...parts.values()];
  const sum = { positive: each.reduce((s, c) => s + c.positive!, 0), examined: each.reduce((s, c) => s + c.examined!, 0), evidence: each.flatMap((c) => c.evidence) };
  const unlabelled = complete.filter((c) => c.part === null);
  const summary = unlabelled.length > 0 ? unlabelled.reduce(larger) : null;
  if (summary && summary.positive! >= sum.positive && summary.examined! >= sum.examined) return { positive: summary.positive, examined: summary.examined, evidence: summary.evidence };
  return sum;
}

/** AJCC 8th pN from node findings: ITC only → N0, micrometastases only → N1mi, 1–3 → N1, 4–9 → N2, ≥ 10 → N3. */
export function nFromNodes(f: NodeFindings, totals: NodeTotals): { value: Label<'pN'>; evidence: Span[]; weight: number } | null {
  const pos = totals.positive;
  // Nodes that hold isolated tumour cells alone are pN0(i+), though the report may count them as positive.
  const itcOnly = f.isolatedTumourCells.length > 0 && f.micrometastasis.length === 0 && f.macrometastasis.length === 0 && f.positiveWithoutCount.length === 0;
  if (pos !== null && pos > 0 && pos <= 3 && itcOnly) return { value: 'N0', evidence: [...totals.evidence, ...f.isolatedTumourCells], weight: WEIGHTS.nodes.nFromCountedItc };
  if (pos !== null && pos > 0) {
    const value: Label<'pN'> = pos >= 10 ? 'N3' : pos >= 4 ? 'N2' : f.micrometastasis.length > 0 && pos <= 3 && f.macrometastasis.length === 0 ? 'N1mi' : 'N1';
    return { value, evidence: [...totals.evidence, ...(value === 'N1mi' ? f.micrometastasis : [])], weight: WEIGHTS.nodes.nFromPositiveCount };
  }
  if (f.micrometastasis.length > 0) return { value: 'N1mi', evidence: f.micrometastasis, weight: WEIGHTS.nodes.nFromMicrometastasisOnly };
  if (f.positiveWithoutCount.length > 0) return { value: 'N1', evidence: f.positiveWithoutCount, weight: WEIGHTS.nodes.nFromPositiveWords };
  if (pos === 0) return { value: 'N0', evidence: [...totals.evidence, ...f.isolatedTumourCells], weight: WEIGHTS.nodes.nFromZeroCount };
  if (f.negativeWithoutCount.length > 0) return { value: 'N0', evidence: f.negativeWithoutCount, weight: WEIGHTS.nodes.nFromNegativeWords };
  if (f.isolatedTumourCells.length > 0) return { value: 'N0', evidence: f.isolatedTumourCells, weight: WEIGHTS.nodes.nFromItcOnly };
  return null;
}
