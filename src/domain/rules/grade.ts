// Nottingham histologic grade of the invasive carcinoma: stated grades (numeric, roman, G/NHG codes),
// Nottingham scores (3–5 → 1, 6–7 → 2, 8–9 → 3) and differentiation; DCIS and nuclear grades excluded.
import type { Label } from '../schema';
import type { Span } from '../types';
import type { Candidate } from './candidates';
import { findAll, parseGradeDigit, sectionAt, type Section } from './text';
import { WEIGHTS } from './weights';

type Grade = Exclude<Label<'grade'>, 'not_stated'>;

const GRADE_VALUE = String.raw`(?:grade\s*)?(?:G\s?)?([1-3](?![0-9])|[Il|]{1,3}(?![A-Za-z])|one|two|three|low|intermediate|high|poor(?:ly)?|moderate(?:ly)?|well)(?:\s*(?:/|of|out\s+of|\(\s*of)\s*(?:3|III|[Il|]{3}|9|13))?`;
// A range ("2-3", "II-III", "2 to 3", two ticked boxes "2   3") is no single grade: it stays not stated.
const RANGE_AFTER = /^\s*(?:-|–|to|and|or|\/(?!\s*(?:3|III|9)\b))\s*(?:grade\s*)?(?:[1-3]|I{1,3}|[Il|]{2,3})(?![0-9A-Za-z])|^[ \t]{2,}[1-3](?![0-9])/i;
// The report says there is no single grade: "no single overall grade is assigned", "grade: not applicable".
const NO_GRADE = /\b(?:no\s+(?:single\s+|overall\s+)+(?:histologic\s+)?grade|(?:single|overall)\s+(?:histologic\s+)?grade\s+(?:is\s+|was\s+)?not\s+(?:assigned|given|possible|applicable)|grade\s*[:.]?\s*(?:not\s+(?:applicable|assessable|assigned|assessed)|cannot\s+be\s+(?:assessed|assigned|determined)|n\/a\b))/gi;
// "Nottingham grade II (of III)", "Histologic grade: Overall grade: 3", "Modified Scarff Bloom Richardson Grade: 2".
const GRADE_STATEMENT = new RegExp(String.raw`\bgrad(?:e|ing)\b(?:\s*\((?:1,\s*2,\s*3)\))?[\s:.,=-]*(?:(?:overall|combined|histologic|total)\s+(?:grade|score)\s*[:.]?\s*)?${GRADE_VALUE}`, 'gi');
const G_CODE = /(?<![A-Za-z0-9/-])(NHG|G)\s?([1-3]|I{1,3})(?![0-9A-Za-z:])/g;
const DIFFERENTIATION = /\b(well|moderately|poorly|un)[\s-]*differentiated\b/gi;
const SCORE = /\b(?:nottingham|total|sbr|bloom[-\s]richardson|combined|overall|histologic)[^.;]{0,20}?(?:score|grade)\.?\s*(?:of|is|[:=])?\s*:?\s*([3-9]|three|four|five|six|seven|eight|nine)(?:\s*(?:\/|of|out\s+of)\s*9|\s*points?)?/gi;
const POINTS = /\(\s*(three|four|five|six|seven|eight|nine|[3-9])\s+points?\s*\)/gi;
// Each component score is a single digit: "mitoses 1-2" is a range and gives no sum.
const ONE = String.raw`([1-3])(?!\s*(?:-|–|to)\s*[1-3])(?:\s*\/\s*3)?`;
const COMPONENTS = new RegExp(String.raw`(?:tubul\w*|architectur\w*|gland\w*)\s*(?:formation|score)?\s*[:=]?\s*${ONE}[\s,;.+]*(?:nuclei|nuclear|pleomorph\w*)\s*(?:pleomorphism|score)?\s*[:=]?\s*${ONE}[\s,;.+]*(?:mitos[ie]s|mitotic)\s*(?:count|rate|score|figures)?\s*[:=]?\s*${ONE}`, 'gi');

// A grade that belongs to in-situ disease or to nuclei alone is not the histologic grade.
const NOT_HISTOLOGIC_BEFORE = /(?:(?:nuclear|in[-\s]?situ|dcis|lcis|intraductal|ductal\s+carcinoma\s+in|comedo|cribriform|micropapillary\s+type|solid\s+type|regression|sinn|miller[-\s]payne|RCB|response)[^.;]{0,22}|nuclear\.\s*)$/i;
// Only what directly follows counts: "GRADE 2 OF 3, NUCLEAR GRADE 3" is still a histologic grade.
const NOT_HISTOLOGIC_AFTER = /^\s*(?:\(?\s*of\s+(?:3|III)\s*\)?\s*)?(?:nuclear|ductal\s+carcinoma\s+in[-\s]?situ|in[-\s]?situ|dcis|intraductal)/i;
const HISTOLOGIC_CONTEXT = /(?:nottingham|histologic|overall|combined|composite|sbr|bloom|elston|nsabp|n\.s\.a\.b\.p|modified|invasive|infiltrat|carcinoma|tumou?r\s+grade|nhg)[^;]{0,45}$/i;

const WORD_DIGITS: Record<string, number> = { three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9 };

export function gradeFromScore(score: number): Grade | null {
  if (score >= 3 && score <= 5) return '1';
  if (score >= 6 && score <= 7) return '2';
  if (score >= 8 && score <= 9) return '3';
  return null;
}

function toGrade(n: 1 | 2 | 3 | null): Grade | null {
  return n === null ? null : (String(n) as Grade);
}

/** "poor(ly)", "moderate(ly)", "well" after "histologic grade": the differentiation named as the grade. */
function differentiationGrade(raw: string): 1 | 2 | 3 | null {
  const w = raw.toLowerCase();
  return w.startsWith('poor') ? 3 : w.startsWith('moderate') ? 2 : w === 'well' ? 1 : null;
}

export interface GradeFindings {
  candidates: Candidate<Grade>[];
  /** Statements that give no single grade (a range, "no overall grade assigned"): with these, none is read. */
  noSingleGrade: Span[];
}

export function findGrades(text: string, secs: readonly Section[]): GradeFindings {
  const out: Candidate<Grade>[] = [];
  const trust = (i: number) => WEIGHTS.section[sectionAt(secs, i)];
  const excluded = (start: number, end: number) =>
    NOT_HISTOLOGIC_BEFORE.test(text.slice(Math.max(0, start - 30), start)) || NOT_HISTOLOGIC_AFTER.test(text.slice(end, end + 25));

  const ranges: Span[] = [];
  for (const h of findAll(GRADE_STATEMENT, text)) {
    const raw = h.groups[0]!;
    if (RANGE_AFTER.test(text.slice(h.end, h.end + 16)) && !/^(?:low|intermediate|high)$/i.test(raw)) {
      if (!excluded(h.start, h.end)) ranges.push([h.start, h.end]);
      continue;
    }
    // "high grade" / "low grade" alone is a DCIS or cytologic term more often than a Nottingham grade.
    const isWord = /^(?:low|intermediate|high)$/i.test(raw);
    const value = toGrade(parseGradeDigit(raw) ?? differentiationGrade(raw));
    if (!value || excluded(h.start, h.end)) continue;
    const histologic = HISTOLOGIC_CONTEXT.test(text.slice(Math.max(0, h.start - 60), h.start + 5));
    const weight = (isWord ? WEIGHTS.grade.wordOnly : histologic ? WEIGHTS.grade.histologicStatement : WEIGHTS.grade.plainStatement) * trust(h.start);
    out.push({ value, weight, evidence: [[h.start, h.end]] });
  }
  for (const h of findAll(G_CODE, text)) {
    const value = toGrade(parseGradeDigit(h.groups[1]!));
    if (!value || excluded(h.start, h.end)) continue;
    out.push({ value, weight: (h.groups[0] === 'NHG' ? WEIGHTS.grade.nhgCode : WEIGHTS.grade.gCode) * trust(h.start), evidence: [[h.start, h.end]] });
  }
  for (const re of [SCORE, POINTS]) {
    for (const h of findAll(re, text)) {
      const raw = h.groups[0]!.toLowerCase();
      const value = gradeFromScore(WORD_DIGITS[raw] ?? Number(raw));
      // A score of "3" or "4" after "grade" is ambiguous with a grade itself unless it is "of 9".
      if (!value || excluded(h.start, h.end)) continue;
      if (Number(raw) <= 3 && !/9|points?/i.test(h.text)) continue;
      out.push({ value, weight: WEIGHTS.grade.score * trust(h.start), evidence: [[h.start, h.end]] });
    }
  }
  for (const h of findAll(COMPONENTS, text)) {
    const sum = h.groups.reduce((s, g) => s + Number(g), 0);
    const value = gradeFromScore(sum);
    if (value) out.push({ value, weight: WEIGHTS.grade.components * trust(h.start), evidence: [[h.start, h.end]] });
  }
  for (const h of findAll(DIFFERENTIATION, text)) {
    if (excluded(h.start, h.end)) continue;
    // "moderately to poorly differentiated" is a range.
    if (/\b(?:well|moderately|poorly)\s*(?:to|-|and|or)\s*$/i.test(text.slice(Math.max(0, h.start - 20), h.start))) {
      ranges.push([h.start, h.end]);
      continue;
    }
    const word = h.groups[0]!.toLowerCase();
    const value: Grade = word === 'well' ? '1' : word === 'moderately' ? '2' : '3';
    out.push({ value, weight: WEIGHTS.grade.differentiation * trust(h.start), evidence: [[h.start, h.end]] });
  }
  for (const h of findAll(NO_GRADE, text)) ranges.push([h.start, h.end]);
  return { candidates: out, noSingleGrade: ranges };
}
