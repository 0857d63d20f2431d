// Biomarkers: ER and PR (positive at ≥ 1 %, 1–10 % flagged low positive), HER2 final status from IHC
// and ISH per ASCO/CAP 2018/2023, the HER2 IHC score, and Ki-67. Pending or sent-out tests are not stated.
import type { Label } from '../schema';
import type { Span } from '../types';
import type { Candidate } from './candidates';
import { findAll, sectionAt, type Section } from './text';
import { WEIGHTS } from './weights';

export type Marker = 'ER' | 'PR' | 'HER2' | 'Ki67';

const ANCHORS: Record<Marker, RegExp> = {
  ER: /\b(?:ER(?:-?ICA)?|[Oo]?[Ee]strogen(?:\s+[Rr]eceptors?)?|O?ESTROGEN(?:\s+RECEPTORS?)?)(?![A-Za-z])/g,
  PR: /\b(?:PR(?:-?ICA)?|P[Gg]R|[Pp]rogesterone?i?(?:\s+[Rr]eceptors?)?|PROGESTERONE?I?(?:\s+RECEPTORS?)?)(?![A-Za-z])/g,
  // Case-sensitive so "her 2 children" is not HER2; OCR joins words ("biopsyHer-2/Neu") and splits them ("Her-. 2").
  HER2: /(?:(?:(?<![A-Za-z])|(?<=[a-z]))(?:HER|Her|IER)\s?-?\.?\s?2(?:\s?\/?\s?-?\s?(?:neu|NEU|Neu))?(?:\s?\(c-?erb-?B-?2\))?|\b[cC]-?[eE][rR][bB]-?[bB]-?2\b|\bERBB2\b|\bHERCEPTEST\b|\bHercep[Tt]est\b)/g,
  Ki67: /\b(?:Ki[\s-]?67|MIB[\s-]?1)\b/gi,
};

export interface Anchor {
  marker: Marker;
  start: number;
  end: number;
}

export function findAnchors(text: string): Anchor[] {
  const all: Anchor[] = [];
  for (const marker of Object.keys(ANCHORS) as Marker[]) {
    for (const h of findAll(ANCHORS[marker], text)) all.push({ marker, start: h.start, end: h.end });
  }
  // The "ER" inside "HER2" is not an ER anchor.
  const her2 = all.filter((a) => a.marker === 'HER2');
  return all
    .filter((a) => a.marker === 'HER2' || !her2.some((h) => a.start >= h.start && a.end <= h.end))
    .sort((a, b) => a.start - b.start);
}

// Words that say a result is not available in this report.
const PENDING = /\b(?:pending|to\s+follow|will\s+be\s+(?:reported|issued|performed|sent|done)|sent\s+(?:out|to)|(?:have\s+been\s+|has\s+been\s+|were\s+|was\s+)?(?:ordered|requested)|in\s+progress|to\s+be\s+performed|deferred|addendum\s+to\s+follow|submitted\s+for)\b/i;
// "Pending" further than this from the marker is about something else.
const PENDING_REACH = 60;
// Method and ordering text that names a marker without reporting its result.
const NOT_A_RESULT_BEFORE = /(?:clones?\s+used|antibod\w+|please\s+obtain|submitted\s+for|portions?\s+(?:are|were)\s+submitted|for\s+possible|request(?:ed)?\s+for|analyses?\s+(?:have|has)\s+already|controls?\s+for|criteria|cut-?\s?off|threshold|known|in-house|internal\s+control|\bif\b|whether)[^.]{0,40}$/i;
const PRIOR = /(?:previous|prior|outside|another\s+specimen|earlier|original)\s*(?:\w+\s+){0,2}(?:biops|specimen|sample|core|report|surgical)/i;

// Percent, including OCR's "85Z" and "408 NUCLEAR" for 85 % and 40 %.
const PERCENT = /(<|>|less\s+than|greater\s+than|over|under|about|approximately|approx\.?)?\s*(\d{1,3}(?:\.\d)?)(?:\s*-\s*(\d{1,3}))?\s*(?:%|Z\b|8(?=\s*(?:of\s+)?(?:nuclear|tumou?r|neoplastic|invasive|cells|positive|staining)))/gi;
const STATUS_WORD = /\b(?:(weakly|focally|strongly|low)\s+)?(positive|negative|pos|neg|equivocal|borderline|indeterminate)\b(?!\s+(?:and\s+negative\s+)?controls?)/gi;
const NEGATIVE_PHRASE = /\b(?:no\s+(?:immunoreactive|expression|staining|reactivity|nuclear\s+staining|\w+\s+receptors?)|not\s+(?:detected|expressed|identified)|absent)\b/gi;
const POSITIVE_PHRASE = /\b(?:immunoreactive\s+tumou?r\s+cells\s+present|(?:weak|moderate|strong|intense)\w*(?:\s+to\s+\w+)?\s+(?:nuclear\s+)?(?:expression|staining)|receptors?\s+found\s+in|overexpress\w*)\b/gi;
const ALLRED = /\ballred\s*(?:score)?\s*[:=]?\s*([0-8])\b/gi;
const SYNOPTIC_PERCENT = /^\s*\(xy%,\s*n\/a\)\s*:\s*(\d{1,3}|[Oo])\b/;
const INTENSITY_ONLY = /^[\s:.-]*([1-3])\s?\+/;

export interface ReceptorFinding {
  status: 'positive' | 'negative' | 'pending';
  percent: number | null;
  /** The percent as written, qualifier kept ("<1", ">90", "10-20"); a plain number when it has none. */
  shown?: number | string;
  lowPositive: boolean;
  weight: number;
  evidence: Span[];
  prior: boolean;
}

interface Status {
  status: 'positive' | 'negative' | 'equivocal';
  at: number;
  end: number;
  weight: number;
  percent: number | null;
  shown?: number | string;
  lowPositive: boolean;
}

function firstStatus(window: string, offset: number): Status | null {
  const found: Status[] = [];
  for (const h of findAll(STATUS_WORD, window)) {
    if (PREDICATE_OF_NEXT.test(window.slice(h.end, h.end + WEIGHTS.reach.predicateOfNext)) || superseded(window, h.start)) continue;
    const word = h.groups[1]!.toLowerCase();
    const status = word.startsWith('pos') ? 'positive' : word.startsWith('neg') ? 'negative' : 'equivocal';
    const low = h.groups[0]?.toLowerCase() === 'low' && status === 'positive';
    found.push({ status, at: h.start, end: h.end, weight: WEIGHTS.receptors.statusWord, percent: null, lowPositive: low });
  }
  for (const h of findAll(NEGATIVE_PHRASE, window)) found.push({ status: 'negative', at: h.start, end: h.end, weight: WEIGHTS.receptors.negativePhrase, percent: 0, lowPositive: false });
  for (const h of findAll(POSITIVE_PHRASE, window)) found.push({ status: 'positive', at: h.start, end: h.end, weight: WEIGHTS.receptors.positivePhrase, percent: null, lowPositive: false });
  for (const h of findAll(ALLRED, window)) {
    const score = Number(h.groups[0]);
    found.push({ status: score >= 3 ? 'positive' : 'negative', at: h.start, end: h.end, weight: WEIGHTS.receptors.allred, percent: null, lowPositive: false });
  }
  for (const h of findAll(PERCENT, window)) {
    const qualifier = h.groups[0]?.toLowerCase() ?? '';
    const value = Number(h.groups[2] ?? h.groups[1]);
    const lessThan = /^(?:<|less|under)/.test(qualifier);
    if (value > 100) continue;
    const negative = value === 0 || (lessThan && value <= 1);
    found.push({ status: negative ? 'negative' : 'positive', at: h.start, end: h.end, weight: WEIGHTS.receptors.percent, percent: value, shown: percentAsWritten(h.groups), lowPositive: !negative && value <= 10 });
  }
  const synoptic = SYNOPTIC_PERCENT.exec(window);
  if (synoptic) {
    const value = /^[Oo]$/.test(synoptic[1]!) ? 0 : Number(synoptic[1]);
    found.push({ status: value === 0 ? 'negative' : 'positive', at: 0, end: synoptic[0].length, weight: WEIGHTS.receptors.synopticPercent, percent: value, lowPositive: value > 0 && value <= 10 });
  }
  const intensity = INTENSITY_ONLY.exec(window);
  if (intensity) found.push({ status: 'positive', at: 0, end: intensity[0].length, weight: WEIGHTS.receptors.intensityOnly, percent: null, lowPositive: false });
  if (found.length === 0) return null;
  found.sort((a, b) => a.at - b.at);
  const first = found[0]!;
  // A percent that qualifies the first status word ("POSITIVE (20%)") belongs to the same statement.
  const withPercent = first.percent !== null ? first : found.find((f) => f.percent !== null && f.at - first.end < 30);
  const percent = withPercent?.percent ?? null;
  const lowPositive = first.status === 'positive' && (first.lowPositive || (percent !== null && percent >= 1 && percent <= 10));
  return { ...first, at: first.at + offset, end: first.end + offset, percent, ...(withPercent ? { shown: withPercent.shown ?? percent! } : {}), lowPositive };
}

/**
 * The statement about one anchor: what follows it up to the next different marker, and the words just
 * before it ("POSITIVE FOR ESTROGEN ...", "No estrogen receptors", "65% of tumor cells ... for ER").
 * Coordinated anchors ("ER/PR", "estrogen and progesterone receptors") share the predicate of the last.
 */
function statementWindow(text: string, anchors: readonly Anchor[], i: number): { start: number; end: number; chainEnd: number } {
  let j = i;
  while (j + 1 < anchors.length && /^[\s/,&-]*(?:and\s+)?[\s/,&-]*$/i.test(text.slice(anchors[j]!.end, anchors[j + 1]!.start))) j++;
  const chainEnd = anchors[j]!.end;
  const self = anchors[i]!.marker;
  let end = Math.min(text.length, chainEnd + 140);
  // The statement ends at the next marker; the same marker restated right away ("ESTROGEN RECEPTOR (ER)") continues it.
  for (let k = j + 1; k < anchors.length; k++) {
    const a = anchors[k]!;
    if (a.start >= end) break;
    if (a.marker !== self || a.start - chainEnd > APPOSITION) {
      end = a.start;
      break;
    }
  }
  return { start: anchors[i]!.start, end, chainEnd };
}

const APPOSITION = 15;
const RESPECTIVE = /^[\s:=-]*(?:pos(?:itive)?|neg(?:ative)?)(?:\s*\/\s*(?:pos(?:itive)?|neg(?:ative)?))+\b/i;

/** "ER/PR/HER2: neg/neg/pos": each marker of a slash chain takes the status in its place, when the counts match. */
function respectiveStatus(text: string, anchors: readonly Anchor[], i: number, chainEnd: number): { status: 'positive' | 'negative'; evidence: Span } | null {
  const m = RESPECTIVE.exec(text.slice(chainEnd, chainEnd + 60));
  if (!m) return null;
  let first = i;
  while (first > 0 && /^\s*\/\s*$/.test(text.slice(anchors[first - 1]!.end, anchors[first]!.start))) first--;
  let last = i;
  while (last + 1 < anchors.length && anchors[last + 1]!.end <= chainEnd) last++;
  const statuses = m[0].replace(/^[\s:=-]+/, '').split('/').map((x) => x.trim().toLowerCase());
  if (statuses.length !== last - first + 1 || statuses.length < 2) return null;
  return { status: statuses[i - first]!.startsWith('pos') ? 'positive' : 'negative', evidence: [anchors[i]!.start, chainEnd + m[0].length] };
}
// A result the report itself replaces: "changed from equivocal to POSITIVE", "Original result (02/06): negative".
const SUPERSEDED_BEFORE = /(?:\bfrom|\boriginal(?:ly)?|\binitial(?:ly)?|\bpreviously|\bpreliminary|\bformerly)\s*(?:reported\s+as\s+|result\s*)?(?:\([^)]{0,20}\)\s*)?[:=]?\s*$/i;
const superseded = (window: string, at: number) => SUPERSEDED_BEFORE.test(window.slice(Math.max(0, at - 40), at));
const PREDICATE_OF_NEXT = /^\.?\s+(?:for|to)\s/i;
const PREDICATE_BEFORE = /\b(?:(weakly|focally|strongly)\s+)?(positive|negative)\.?\s+(?:for|to)\s+(?:the\s+)?$/i;
const NO_BEFORE = /\b(?:no|without)\s+(?:expression\s+of\s+)?$/i;
const PERCENT_BEFORE = /(\d{1,3})\s*%[^.;]{0,70}?(?:staining|positive)\.?\s+(?:for|of)\s+$/i;

export function findReceptor(text: string, anchors: readonly Anchor[], marker: 'ER' | 'PR', secs: readonly Section[]): ReceptorFinding[] {
  const out: ReceptorFinding[] = [];
  anchors.forEach((a, i) => {
    if (a.marker !== marker) return;
    const before = text.slice(Math.max(0, a.start - WEIGHTS.reach.receptorLead), a.start);
    if (NOT_A_RESULT_BEFORE.test(before.slice(-WEIGHTS.reach.methodTextBefore))) return;
    // Coordinated anchors before this one ("estrogen and progesterone") carry the predicate in front of the chain.
    let chainStart = i;
    while (chainStart > 0 && /^[\s/,&-]*(?:and\s+)?[\s/,&-]*$/i.test(text.slice(anchors[chainStart - 1]!.end, anchors[chainStart]!.start))) chainStart--;
    const lead = text.slice(Math.max(0, anchors[chainStart]!.start - WEIGHTS.reach.receptorLead), anchors[chainStart]!.start);
    const trust = WEIGHTS.section[sectionAt(secs, a.start)];
    const prior = PRIOR.test(text.slice(Math.max(0, a.start - WEIGHTS.reach.priorBefore), Math.min(text.length, a.end + 160)));
    const pred = PREDICATE_BEFORE.exec(lead);
    if (pred) {
      const status = pred[2]!.toLowerCase() as 'positive' | 'negative';
      const s = anchors[chainStart]!.start - pred[0].length;
      out.push({ status, percent: null, lowPositive: false, weight: WEIGHTS.receptors.predicateBefore * trust, evidence: [[s, a.end]], prior });
      return;
    }
    if (NO_BEFORE.test(lead)) {
      const s = anchors[chainStart]!.start - NO_BEFORE.exec(lead)![0].length;
      out.push({ status: 'negative', percent: 0, lowPositive: false, weight: WEIGHTS.receptors.noBefore * trust, evidence: [[s, a.end]], prior });
      return;
    }
    const pb = PERCENT_BEFORE.exec(lead);
    if (pb) {
      const pct = Number(pb[1]);
      const s = anchors[chainStart]!.start - pb[0].length;
      out.push({ status: pct >= 1 ? 'positive' : 'negative', percent: pct, lowPositive: pct >= 1 && pct <= 10, weight: WEIGHTS.receptors.percentBefore * trust, evidence: [[s, a.end]], prior });
      return;
    }
    const w = statementWindow(text, anchors, i);
    const window = text.slice(w.chainEnd, w.end);
    const respective = respectiveStatus(text, anchors, i, w.chainEnd);
    if (respective) {
      out.push({ status: respective.status, percent: null, lowPositive: false, weight: WEIGHTS.receptors.statusWord * trust, evidence: [respective.evidence], prior });
      return;
    }
    const st = firstStatus(window, w.chainEnd);
    const pendingHit = PENDING.exec(window.slice(0, PENDING_REACH));
    if (pendingHit && (!st || pendingHit.index + w.chainEnd < st.at)) {
      out.push({ status: 'pending', percent: null, lowPositive: false, weight: WEIGHTS.receptors.pending, evidence: [[a.start, w.chainEnd + pendingHit.index + pendingHit[0].length]], prior });
      return;
    }
    if (!st || st.status === 'equivocal') return;
    // A status far from its anchor belongs to something else unless the text between is a synoptic label.
    if (st.at - w.chainEnd > WEIGHTS.reach.statusAfterMarker) return;
    out.push({ status: st.status, percent: st.percent, ...(st.shown !== undefined ? { shown: st.shown } : {}), lowPositive: st.lowPositive, weight: st.weight * trust, evidence: [[a.start, st.end]], prior });
  });
  return out;
}

export function receptorCandidates(findings: readonly ReceptorFinding[]): Candidate<'positive' | 'negative'>[] {
  return findings.flatMap((f) => (f.status === 'pending' ? [] : [{ value: f.status, weight: f.weight * (f.prior ? WEIGHTS.receptors.priorSpecimenDiscount : 1), evidence: f.evidence }]));
}

// ---- HER2 ----

export interface Her2Findings {
  ihc: Candidate<Exclude<Label<'HER2_ihc'>, 'not_stated'>>[];
  ish: Candidate<'amplified' | 'not_amplified' | 'equivocal'>[];
  /** Measured ISH values: the HER2/CEP17 ratio and, where given, the average HER2 copy number per cell. */
  ishMeasures: { ratio: number; copies: number | null; evidence: Span[] }[];
  status: Candidate<'positive' | 'negative' | 'equivocal'>[];
  /** A status the report gives as its final, overall or interpreted HER2 result: it decides. */
  final: Candidate<'positive' | 'negative' | 'equivocal'>[];
  pending: Span[];
  prior: boolean;
}

const IHC_SCORE = /(?:\(0-3\+,n\/a\)\s*:\s*|\b[Il]HC\s*(?:score)?[\s.:=]*(?=(?:0|[0-3]\s?\+)(?![.,]?\d))|^[\s):=.-]*(?=(?:0|[1-3]\s?\+)(?:\s|$|[.,;(])(?![.,]?\d))|\b(?:score|intensity|staining\s+intensity)\.?\s*(?:of|is|[:=])?\s*[:=]?\s*|\(\s*(?:score\s*[:=]?\s*)?|\bby\s+IHC\s*:\s*|\b(?:negative|positive|equivocal)\s+|\bher-?\s?2(?:\/neu)?\.?\s+)(0|[0-3lI]\s?\+|[1-3](?=\s*$|\s*[.)])|zero|[Oo](?=\s*[.)]))(?:\s*(?:\/|or)\s*([0-3]\s?\+))?(?![.,]?[0-9])|(?<![\d.<>=\/])\b([0-3]\s?\+)(?![.,]?[0-9])/gi;
const ISH_CONTEXT = /(?:\bFISH\b|\bISH\b|\bCISH\b|\bSISH\b|in\s+situ\s+hybridi[sz]ation|amplif|ratio|D17Z1|CEP\s?17|copy\s+number)/i;
const NOT_AMPLIFIED = /\b(?:not|non|no)[\s-]*(?:amplifi\w*|amplification)\b|\bamplification\s*:?\s*(?:negative|not\s+(?:detected|identified|present))/gi;
const AMPLIFIED = /\b(?:amplified|amplification\s+(?:detected|present|identified|is\s+present)|positive\s+(?:\w+\s+){0,3}amplification)\b/gi;
const RATIO = /\bratio\b[^.;()<>=]{0,45}?(?:\bis\b|\bof\b|:|=)?\s*(\d{1,2}\.\d{1,2})/gi;
// "average HER2 copy number 7.1 per cell", "mean HER2 signals/cell: 2.9", "HER2 4.2 signals/cell".
const COPIES = /\b(?:(?:average|mean)\s+(?:HER2\s+)?(?:gene\s+)?(?:copy\s+number|copies|signals?)(?:\s*(?:per|\/)\s*(?:cell|nucleus|nuclei))?\s*(?:of|is|was|:|=)?\s*(\d{1,2}(?:\.\d{1,2})?)|(\d{1,2}\.\d{1,2})\s+(?:HER2\s+)?(?:signals|copies)\s*(?:per|\/)\s*(?:cell|nucleus))/gi;
const ISH_EQUIVOCAL = /\b(?:equivocal|borderline|indeterminate)\b/i;
// The report's own final word on HER2: "Final HER2 status: POSITIVE", "INTERPRETATION: HER2 NEGATIVE", "HER2 final: Negative".
const FINAL_LABEL = /\b(?:final|overall|integrated|combined|summary)\s+(?:HER2\s*(?:\/neu)?\s+)?(?:status|result|interpretation|call|category)?\s*[.:]*\s*$|\binterpretation\s*[:.]\s*$|\bHER2\s+status\s*\((?:final|overall)\)/i;
const FINAL_AFTER = /^\s*(?:\/neu)?\s*(?:\(\s*final\s*\)|final|overall|status\s*\(final\))\b/i;
// Only the negated form: "amplification of HER2" alone is as often a method ("to detect amplification of").
const ISH_BEFORE = /\b(no|without|absence\s+of)\s+(?:gene\s+)?amplification\s+(?:of|for)\s+(?:the\s+)?$/i;
const HYPOTHETICAL_BEFORE = /(?:\bor|\bknown|\bif|\bare|\bwhether|considered|defined\s+as|[<>]=?\s*[\d.]+\s*(?:ratio)?\s*(?:is)?)\s*(?:gene\s+)?$/i;
// ASCO/CAP interpretation legends list every score; their numbers are not this tumour's result.
const LEGEND = /(?:0\s*(?:-|to|or)\s*1\+?\s*[:=]?\s*negative|2\+\s*[:=]?\s*(?:equivocal|borderline)|3\+\s*[:=]?\s*positive|\(0-3\+(?!,n\/a\)))/i;

function ihcLabel(raw: string): Exclude<Label<'HER2_ihc'>, 'not_stated'> | null {
  const s = raw.replace(/\s/g, '').toLowerCase();
  if (s === '0' || s === 'zero' || s === 'o' || s === '0+') return '0';
  if (/^[1-3]\+?$/.test(s)) return `${s[0]}+` as '1+' | '2+' | '3+';
  // OCR reads "1+" as "l+" or "I+".
  if (/^[li]\+$/.test(s)) return '1+';
  return null;
}

export function findHer2(text: string, anchors: readonly Anchor[], secs: readonly Section[]): Her2Findings {
  const out: Her2Findings = { ihc: [], ish: [], ishMeasures: [], status: [], final: [], pending: [], prior: false };
  anchors.forEach((a, i) => {
    if (a.marker !== 'HER2') return;
    const before = text.slice(Math.max(0, a.start - WEIGHTS.reach.her2Lead), a.start);
    if (NOT_A_RESULT_BEFORE.test(before.slice(-WEIGHTS.reach.methodTextBefore))) return;
    const trust = WEIGHTS.section[sectionAt(secs, a.start)];
    const w = statementWindow(text, anchors, i);
    const end = Math.min(w.end, w.chainEnd + 160);
    const window = text.slice(w.chainEnd, end);
    const at = (h: { start: number; end: number }): Span => [a.start, w.chainEnd + h.end];
    if (PRIOR.test(text.slice(Math.max(0, a.start - WEIGHTS.reach.priorBefore), end))) out.prior = true;
    const legend = LEGEND.test(window);

    const respective = respectiveStatus(text, anchors, i, w.chainEnd);
    if (respective) {
      out.status.push({ value: respective.status, weight: WEIGHTS.her2.statusWord * trust, evidence: [respective.evidence] });
      return;
    }
    const ishBefore = ISH_BEFORE.exec(before);
    if (ishBefore) out.ish.push({ value: 'not_amplified', weight: WEIGHTS.her2.notAmplifiedBefore * trust, evidence: [[a.start - ishBefore[0].length, a.end]] });
    const pred = PREDICATE_BEFORE.exec(before);
    if (pred) {
      const s = pred[2]!.toLowerCase() as 'positive' | 'negative';
      const weak = pred[1]?.toLowerCase() === 'weakly';
      out.status.push({ value: weak && s === 'positive' ? 'equivocal' : s, weight: WEIGHTS.her2.predicateBefore * trust, evidence: [[a.start - pred[0].length, a.end]] });
    }
    const statusHit = findAll(STATUS_WORD, window).find((h) => !PREDICATE_OF_NEXT.test(window.slice(h.end, h.end + WEIGHTS.reach.predicateOfNext)) && !superseded(window, h.start));
    const pendingHit = PENDING.exec(window.slice(0, PENDING_REACH));
    if (!pred && pendingHit && (!statusHit || pendingHit.index < statusHit.start) && !/\d\s?\+/.test(window.slice(0, pendingHit.index))) {
      out.pending.push([a.start, w.chainEnd + pendingHit.index + pendingHit[0].length]);
      return;
    }
    const ishHere = ISH_CONTEXT.test(window.slice(0, 80)) || /FISH|ISH/i.test(text.slice(a.start - WEIGHTS.reach.ishNameBefore, a.start));
    const notAmp = findAll(NOT_AMPLIFIED, window)[0];
    const amp = findAll(AMPLIFIED, window).find((h) => (!notAmp || h.start < notAmp.start || h.start > notAmp.end) && !HYPOTHETICAL_BEFORE.test(window.slice(Math.max(0, h.start - 25), h.start)));
    // A measured ratio is this tumour's result; "amplified" may come from the interpretation legend beside it.
    // "HER2 FISH: ratio of HER2 to CEP17 signals is 1.10" names HER2 again inside its own ratio: read past it.
    const ishText = text.slice(w.chainEnd, Math.min(text.length, Math.max(end, w.chainEnd + WEIGHTS.reach.her2ResultAfter)));
    const ratioHit = ishHere ? findAll(RATIO, ishText)[0] : undefined;
    const ratio = ratioHit && ratioHit.start < WEIGHTS.reach.her2ResultAfter ? ratioHit : undefined;
    if (ratio) {
      const copies = findAll(COPIES, text.slice(w.chainEnd, Math.min(text.length, end + 60)))[0];
      const copyNumber = copies ? Number(copies.groups[0] ?? copies.groups[1]) : null;
      out.ishMeasures.push({ ratio: Number(ratio.groups[0]), copies: copyNumber, evidence: [at(ratio), ...(copies ? [at(copies)] : [])] });
    }
    // An ISH result the report calls equivocal (ASCO/CAP 2013 wording): the word follows the ratio, with no IHC score between.
    const equivocalWord = ratio ? ISH_EQUIVOCAL.exec(window.slice(ratio.end, ratio.end + 100)) : null;
    const equivocalIsh = equivocalWord !== null && !/IHC|immuno|[0-3]\s?\+/i.test(window.slice(ratio!.end, ratio!.end + equivocalWord.index));
    if (ratio) out.ish.push({ value: Number(ratio.groups[0]) >= 2 ? 'amplified' : equivocalIsh ? 'equivocal' : 'not_amplified', weight: WEIGHTS.her2.ratio * trust, evidence: [at(ratio)] });
    else if (notAmp && (!amp || notAmp.start <= amp.start)) out.ish.push({ value: 'not_amplified', weight: WEIGHTS.her2.notAmplifiedWords * trust, evidence: [at(notAmp)] });
    else if (amp) out.ish.push({ value: 'amplified', weight: WEIGHTS.her2.amplifiedWords * trust, evidence: [at(amp)] });
    else if (ishHere && !legend) {
      if (statusHit && statusHit.start < 60 && /FISH|ISH|hybridi/i.test(window.slice(0, statusHit.start) + text.slice(a.start - WEIGHTS.reach.ishNameBefore, a.start))) {
        const word = statusHit.groups[1]!.toLowerCase();
        if (word.startsWith('pos') || word.startsWith('neg')) out.ish.push({ value: word.startsWith('pos') ? 'amplified' : 'not_amplified', weight: WEIGHTS.her2.ishStatusWord * trust, evidence: [at(statusHit)] });
      }
    }
    if (!legend) {
      const score = findAll(IHC_SCORE, window).find((h) => h.start < WEIGHTS.reach.her2ResultAfter && ihcLabel(h.groups[0] ?? h.groups[2]!) !== null);
      if (score) {
        const first = ihcLabel(score.groups[0] ?? score.groups[2]!)!;
        const second = score.groups[1] ? ihcLabel(score.groups[1]) : null;
        // "0 / 1+" and "zero or 1+" report the higher of the two possible scores.
        const value = second && second > first ? second : first;
        out.ihc.push({ value, weight: WEIGHTS.her2.ihcScore * trust, evidence: [at(score)] });
      }
    }
    if (statusHit && statusHit.start < WEIGHTS.reach.statusAfterMarker) {
      const word = statusHit.groups[1]!.toLowerCase();
      const weak = statusHit.groups[0]?.toLowerCase() === 'weakly';
      const value = word.startsWith('pos') ? (weak ? 'equivocal' : 'positive') : word.startsWith('neg') ? 'negative' : 'equivocal';
      out.status.push({ value, weight: WEIGHTS.her2.statusWord * trust, evidence: [at(statusHit)] });
      const lineStart = text.lastIndexOf('\n', a.start) + 1;
      const isFinal = FINAL_LABEL.test(text.slice(lineStart, a.start)) || FINAL_AFTER.test(window) || /\bfinal\b/i.test(window.slice(0, statusHit.start));
      if (isFinal) out.final.push({ value, weight: WEIGHTS.her2.finalStatus * trust, evidence: [at(statusHit)] });
    } else if (/overexpress/i.test(window.slice(0, WEIGHTS.reach.overexpressionAfter)) && !/no\s+overexpress|not\s+overexpress/i.test(window.slice(0, WEIGHTS.reach.overexpressionAfter))) {
      out.status.push({ value: 'positive', weight: WEIGHTS.her2.overexpression * trust, evidence: [[a.start, w.chainEnd + WEIGHTS.reach.overexpressionAfter]] });
    }
  });
  return out;
}

export function findKi67(text: string, anchors: readonly Anchor[]): { percent: number | string; evidence: Span } | null {
  for (const a of anchors) {
    if (a.marker !== 'Ki67') continue;
    const window = text.slice(a.end, a.end + 80);
    const p = findAll(PERCENT, window)[0];
    if (!p) continue;
    const value = Number(p.groups[2] ?? p.groups[1]);
    if (value <= 100) return { percent: percentAsWritten(p.groups), evidence: [a.start, a.end + p.end] };
  }
  return null;
}

const QUALIFIERS: readonly [RegExp, string][] = [[/^(?:<|less|under)/, '<'], [/^(?:>|greater|over)/, '>'], [/^(?:about|approx)/, '~']];

/**
 * A percent as the report writes it: "<1 %" stays "<1" (1 % itself is positive under ASCO/CAP), a range
 * stays "10-20"; only an unqualified value becomes a number.
 */
export function percentAsWritten(groups: readonly (string | undefined)[]): number | string {
  const [qualifierRaw, lowRaw, highRaw] = groups;
  const low = Number(lowRaw);
  if (highRaw !== undefined) return `${low}-${Number(highRaw)}`;
  const qualifier = QUALIFIERS.find(([re]) => re.test((qualifierRaw ?? '').toLowerCase()))?.[1];
  return qualifier ? `${qualifier}${low}` : low;
}
