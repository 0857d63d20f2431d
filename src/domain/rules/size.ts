// Largest invasive tumour size and the AJCC 8th T category derived from it (and from T4 findings).
// Sizes of specimens, skin, nodes, margins and in-situ disease are told apart by their context.
import type { Label } from '../schema';
import type { Span } from '../types';
import type { Candidate } from './candidates';
import { COMPARATIVE_BEFORE } from './mask';
import { findAll, isNegated, sectionAt, type Section, type SectionKind } from './text';
import { WEIGHTS } from './weights';

const NUM = String.raw`(\d{1,3}(?:\s?[.,]\s?\d{1,2})?|\.\d{1,2})`;
const SEP = String.raw`\s*\.?\s*(?:x|X|by|BY|\*)\s*`;
const UNIT = String.raw`\s*\.?\s*(cm|CM|Cm|mm|MM|cx|CX|ck|CK|c\.m\.)(?![A-Za-z])`;
const SIZE = new RegExp(`(?<![\\d.])${NUM}(?:${SEP}${NUM})?(?:${SEP}${NUM})?${UNIT}`, 'g');

export interface SizeMention extends Candidate<'size'> {
  mm: number;
}

// Context that marks a measurement as the tumour's ("invasive carcinoma ... 2.3 cm", "Tumor size: ...").
const TUMOUR_LABEL =
  /(?:tumou?r\s+size|size\s+of\s+(?:the\s+)?(?:invasive|tumou?r|largest)|greatest\s+dimension|largest\s+dimension|maximum\s+(?:tumou?r\s+)?dimension|invasive\s+(?:carcinoma|component|tumou?r)[^.;]{0,40}(?:measur|spans?|size)|\(pT\d?\)|tumou?r\s+(?:measures|measuring|is)|spann?(?:ed|ing|s)|size\s*[:=]|ranging\s+in\s+size\s+from[^;]{0,25})[^;]{0,45}$/i;
// "... 2.3 CM IN LARGEST DIMENSION": the label after the number.
const TUMOUR_LABEL_AFTER = /^\s*\.?\s*(?:\(?\s*)?(?:in\s+)?(?:the\s+)?(?:largest|greatest|maximum|max\.?|maximal)\.?\s+(?:\w+\s+)?(?:dimension|diameter|extent)/i;
const CARCINOMA = /(?:carcinoma|tumou?r|mass|lesion|nodule|neoplasm|cancer|infiltrat\w+|invasive)[^;]{0,100}$/i;
// Measurements of other things: the specimen, skin, nodes, margins, distances, prior biopsy cavities.
// Short words need boundaries: "core" is inside "score", "scar" inside "Scarff".
const NOT_TUMOUR =
  /(?:specimen|(?<!span\w*\s+(?:a\s+)?(?:gross\s+|microscopic\s+)?)distance|breast\s+(?:measur|weigh)|skin|ellipse|nipple|areola|lymph\s+nodes?|nodes?\b|ranging\s+from\s+[\d.]+\s+to|margin|from\s+the|clearance|away|closest|fragment|\bfat\b|adipose|\bpiece|tissue[^;]{0,15}measur|separated\s+by|intraductal\s+(?:papillary\s+)?carcinoma|weigh|\btail\b|cassette|aggregate|\bcores?\b|cavity|\bscar\b|\bclips?\b|\bwire\b|metasta\w*|deposit|in[-\s]?situ|dcis|intraductal\s+component|incision|muscle|fascia|\bcyst|\bclose\b|less\s+than\s+or\s+equal)[^;]{0,40}$/i;
const NOT_TUMOUR_AFTER = /^(?:[^.;]{0,30}(?:from\s+(?:the\s+)?(?:\w+\s+)?margin|of\s+(?:skin|fat)|away\s+from|to\s+(?:the\s+)?margin|from\s+(?:the\s+)?nipple)|\s*\)?\s*\.?\s*(?:from(?!\s+(?:medial|lateral|superior|inferior|anterior|posterior)\s+to)|to|away|apart)\b|\s*\.?\s*(?:\w+\s+)?(?:(?:inferior|superior|lateral|medial|deep|anterior|posterior|proximal|distal)\s+(?:and\s+\w+\s+)?(?:to|of|from))\b|\s*(?:\w+\s+){0,2}(?:specimen|mastectomy|lumpectomy|excision|skin|ellipse|segment|portion|fragment|piece|nodes?|breast\s+tissue))/i;

function toMm(value: number, unit: string): number {
  return /mm/i.test(unit) ? value : value * 10;
}

/** Every size that reads as the invasive tumour's, weighted by how clearly it is. */
export function findTumourSizes(text: string, secs: readonly Section[]): SizeMention[] {
  const out: SizeMention[] = [];
  for (const h of findAll(SIZE, text)) {
    const dims = h.groups.slice(0, 3).filter((g): g is string => g !== undefined).map((g) => Number(g.replace(/\s+/g, '').replace(',', '.').replace(/\.$/, '')));
    const unit = h.groups[3]!;
    if (dims.some((d) => !Number.isFinite(d))) continue;
    const mm = toMm(Math.max(...dims), unit);
    if (mm <= 0 || mm > 300) continue;
    const before = text.slice(Math.max(0, h.start - WEIGHTS.reach.sizeContextBefore), h.start);
    const near = text.slice(Math.max(0, h.start - 55), h.start);
    const after = text.slice(h.end, h.end + 40);
    if (NOT_TUMOUR.test(near) || NOT_TUMOUR_AFTER.test(after)) continue;
    // "more than 2.0 but not more than 5.0 cm" is a category's limit (a pT2 definition), not a measurement.
    if (COMPARATIVE_BEFORE.test(text.slice(Math.max(0, h.start - 25), h.start))) continue;
    const kind: SectionKind = sectionAt(secs, h.start);
    let base: number;
    if (TUMOUR_LABEL.test(before.slice(-70))) base = WEIGHTS.size.labelBefore;
    else if (TUMOUR_LABEL_AFTER.test(after)) base = WEIGHTS.size.labelAfter;
    else if (CARCINOMA.test(before.slice(-WEIGHTS.reach.sizeContextBefore))) base = WEIGHTS.size.carcinomaBefore;
    else continue;
    // Gross measurements include DCIS, biopsy change and fat; the microscopic size is the invasive one.
    if (/microscop/i.test(after.slice(0, 35)) || /microscop/i.test(near)) base += WEIGHTS.size.microscopicBonus;
    if (/gross/i.test(after.slice(0, 30))) base -= WEIGHTS.size.grossPenalty;
    if (isNegated(text, h.start, h.end) && /\bno\s+(?:residual|invasive)/i.test(before)) continue;
    out.push({ value: 'size', mm, weight: base * WEIGHTS.section[kind], evidence: [[h.start, h.end]] });
  }
  return out;
}

/** The size the T category rests on: among the most trusted mentions, the largest tumour. */
export function largestInvasiveSize(mentions: readonly SizeMention[]): SizeMention | null {
  if (mentions.length === 0) return null;
  const top = Math.max(...mentions.map((m) => m.weight));
  const trusted = mentions.filter((m) => m.weight >= top - WEIGHTS.size.nearBest);
  return trusted.reduce((a, b) => (b.mm > a.mm ? b : a));
}

/** AJCC 8th T from the largest invasive size in mm (T1 includes T1mi ≤ 1 mm). */
export function tFromSize(mm: number): Label<'pT'> {
  if (mm <= 20) return 'T1';
  if (mm <= 50) return 'T2';
  return 'T3';
}

// T4: skin ulceration or satellite skin nodules (T4b), chest wall (T4a), inflammatory carcinoma (T4d).
const T4_FINDINGS =
  /\b(?:ulcerat\w+|satellite[\s.]+skin[\s.]+nodules?|skin[\s.]+satellite[\s.]+nodules?|peau\s+d['’]?\s?orange|inflammatory\s+(?:breast\s+)?carcinoma|chest\s+wall\s+(?:invasion|involvement)|invad\w+\s+(?:the\s+)?chest\s+wall|(?:involv\w+|extend\w+\s+into|invad\w+)\s+(?:the\s+)?epidermis)\b/gi;

export function findT4Findings(text: string, secs: readonly Section[]): Candidate<'T4'>[] {
  return findAll(T4_FINDINGS, text)
    .filter((h) => !isNegated(text, h.start, h.end))
    .filter((h) => !/\b(?:skin|nipple)[^.;]{0,30}(?:not|no)\b/i.test(text.slice(h.end, h.end + 30)))
    .map((h) => ({ value: 'T4' as const, weight: WEIGHTS.size.t4Finding * WEIGHTS.section[sectionAt(secs, h.start)], evidence: [[h.start, h.end]] }));
}

// A carcinoma that is not in situ, not negated: "invasive ductal carcinoma", "mucinous carcinoma",
// "metastatic carcinoma" (nodes imply an invasive primary). "Carcinoma in situ" and DCIS do not count.
const CARCINOMA_WORD = /\b\w*carcinoma\b/gi;
const IN_SITU_AFTER = /^[\s,]*(?:\(?\s*)?in[-\s]?situ\b/i;
const IN_SITU_BEFORE = /(?:in[-\s]?situ|intraductal|\bductal\s+carcinoma\s+in|papillary)\s*$/i;
const DCIS = /\b(?:ductal\s+carcinoma\s+in[-\s]?situ|DCIS|intraductal\s+carcinoma)\b/gi;
const NO_RESIDUAL = /\bno\s+(?:residual|remaining)\s+(?:invasive\s+)?(?:carcinoma|tumou?r|malignancy|disease)\b|\bcomplete\s+(?:pathologic(?:al)?\s+)?response\b|\bpCR\b/gi;

export interface InvasiveStatus {
  invasive: boolean;
  dcis: Span[];
  noResidual: Span[];
}

/** Whether the report describes an invasive carcinoma, in-situ disease only, or no residual tumour. */
export function invasiveStatus(text: string): InvasiveStatus {
  const invasive = findAll(CARCINOMA_WORD, text).some(
    (h) => !IN_SITU_AFTER.test(text.slice(h.end, h.end + 12)) && !IN_SITU_BEFORE.test(text.slice(Math.max(0, h.start - 25), h.start)) && !isNegated(text, h.start, h.end),
  );
  const live = (re: RegExp) => findAll(re, text).filter((h) => !isNegated(text, h.start, h.end)).map((h): Span => [h.start, h.end]);
  return { invasive, dcis: live(DCIS), noResidual: findAll(NO_RESIDUAL, text).map((h): Span => [h.start, h.end]) };
}
