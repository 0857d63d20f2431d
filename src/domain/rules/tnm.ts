// Stated TNM codes: pT/pN/pM in synoptic lines, narrative stage statements and run-together OCR
// strings ("pT1cN1aL0V0R0", "T2pNO(i-)MX", "pTlc"), with their y/r prefixes and sub-categories.
import type { Label } from '../schema';
import type { Span } from '../types';
import type { Candidate } from './candidates';
import { findAll, sectionAt, type Section } from './text';
import { WEIGHTS } from './weights';

export interface StatedCode<V extends string> extends Candidate<V> {
  sub: string | null;
  prefix: { y: boolean; r: boolean };
}

export interface StatedTnm {
  T: StatedCode<Label<'pT'>>[];
  N: StatedCode<Label<'pN'>>[];
  M: StatedCode<Label<'pM'>>[];
}

// OCR reads 1 as l, I, i, | or !, and 0 as O or o; "is" (in situ) must win over "i" for 1.
const DIGIT = String.raw`(is|IS|Is|[0-4]|[lI|i!]|[Oo]|[Xx])`;
const T_TOKEN = new RegExp(
  String.raw`(?:(?<![A-Za-z0-9])|(?<=AJCC))(y|r|yr)?\s?(p|P)?\s?T\s?${DIGIT}\s?(mi|MI|[a-dA-D](?![a-z]{2}))?`,
  'g',
);
// A code ends at a non-letter or where the next code of a run-together string begins ("N1MX", "N1aL0V0R0",
// "NOi+(sn)"); otherwise "NORMAL" would read as N0.
const CODE_END = String.raw`(?=$|[^A-Za-z0-9]|i\s?[+-]|[MLVR][0-2OoXx]|sn\b)`;
const N_TOKEN = String.raw`(y|r)?\s?(p|P|s|sn)?\s?N\s?([0-3]|[lI|i!]|[Oo]|[Xx])\s?(\(?\s?mi\s?\)?|MI|[a-cA-C](?![a-z]{2}))?${CODE_END}`;
const M_TOKEN = String.raw`(c|p|P)?\s?M\s?([01]|[lI]|[Oo]|[Xx])(?![A-Za-z0-9])`;
// What may stand between the codes of one TNM string: separators, "(m)", "(sn)", "(i-)", "sn".
const BETWEEN = String.raw`(?:[\s,.;:/]|\((?:m|mult|sn|i\s?[+-]|mol\s?[+-])\)|\bsn\b|\(\s?[0-9]+\s?\/\s?[0-9]+\s?\))*`;
const N_AFTER = new RegExp(`${BETWEEN}${N_TOKEN}`, 'y');
const M_AFTER = new RegExp(`${BETWEEN}(?:\\(?\\s?[iI1l]\\s?[+-]\\s?\\)?${BETWEEN})?${M_TOKEN}`, 'y');
const N_STANDALONE = new RegExp(String.raw`(?:(?<![A-Za-z0-9])|(?<=AJCC))${N_TOKEN}`, 'g');
const M_STANDALONE = new RegExp(String.raw`(?<![A-Za-z0-9])${M_TOKEN}`, 'g');

// Words that make a bare code ("T2", "N1") a staging statement rather than, say, an MRI sequence.
const STAGING_CONTEXT =
  /(?:ajcc|tnm|stag(?:e|ing)|classification|primary\s+tumou?r|regional\s+lymph\s+nodes?|distant\s+metasta\w*|tumou?r\s+extent|(?:pathologic(?:al)?|clinical)\s+[tnm]\b|\(p[tnm]\)|\b[tnm]\s+(?:stage|category)|extent|lymph\s+nodes?\s*:)[^.]{0,25}[:.,\s]*$/i;
// "Distant metastasis (pM): Unknown / cannot be assessed" is MX in words.
const M_UNKNOWN = /\b(?:distant\s+metastas[ie]s\s*(?:\(p?M\))?|p?M\s*(?:stage|category)?)\s*[:.]\s*(?:unknown|cannot\s+be\s+assessed|not\s+(?:assessed|evaluated|determined))\b/gi;
// "Distant metastasis: present / bone (biopsy proven)" is M1 in words.
const M_PRESENT = /\bdistant\s+metastas[ie]s\s*(?:\(p?M\))?\s*[:.]\s*(?:present|identified|yes|(?:to\s+(?:the\s+)?)?(?:bone|liver|lungs?|brain|pleura|skin\s+of\s+the\s+\w+))\b/gi;
// A code that follows another code of the same string within a short stretch of words ("pN1mi (...), MX").
const NEAR_PREVIOUS_CODE = 60;
// A labelled category written as a bare number: "T Stage: 2", "N Stage: 0".
// Sub-categories and OCR digits come along: "N Stage: 2a", "T Stage: lc", "T Stage: 1mi", "M Stage      X".
const LABELLED = /\b([TNM])\s*(?:stage|category)\s*(?:,\s*pathologic)?(?:\s*[:.]\s*|[ \t]{2,})(is|[0-4xX]|[Oo]|[lI])\s?(mi|[a-dA-D])?(?![A-Za-z0-9])/gi;

function digitOf(raw: string): string {
  if (/^is$/i.test(raw)) return 'is';
  if (/^[lI|i!]$/.test(raw)) return '1';
  if (/^[Oo]$/.test(raw)) return '0';
  if (/^[Xx]$/.test(raw)) return 'X';
  return raw;
}

function tLabel(digit: string): Label<'pT'> | null {
  const map: Record<string, Label<'pT'>> = { is: 'Tis', '0': 'T0', '1': 'T1', '2': 'T2', '3': 'T3', '4': 'T4', X: 'TX' };
  return map[digit] ?? null;
}

function nLabel(digit: string, sub: string | null): Label<'pN'> | null {
  if (digit === '1' && sub && /mi/i.test(sub)) return 'N1mi';
  const map: Record<string, Label<'pN'>> = { '0': 'N0', '1': 'N1', '2': 'N2', '3': 'N3', X: 'NX' };
  return map[digit] ?? null;
}

function mLabel(digit: string): Label<'pM'> | null {
  const map: Record<string, Label<'pM'>> = { '0': 'M0', '1': 'M1', X: 'MX' };
  return map[digit] ?? null;
}

function subOf(raw: string | undefined): string | null {
  if (!raw) return null;
  const s = raw.replace(/[()\s]/g, '').toLowerCase();
  return s === '' ? null : s;
}

interface Parsed {
  start: number;
  end: number;
  groups: (string | undefined)[];
}

function matchAt(re: RegExp, text: string, at: number): Parsed | null {
  re.lastIndex = at;
  const m = re.exec(text);
  return m ? { start: m.index, end: m.index + m[0].length, groups: m.slice(1) } : null;
}

/** Finds every stated T, N and M code with its evidence span and trust. */
export function findStatedTnm(text: string, secs: readonly Section[]): StatedTnm {
  const out: StatedTnm = { T: [], N: [], M: [] };
  const claimed: Span[] = [];
  const trustAt = (i: number) => WEIGHTS.section[sectionAt(secs, i)];
  const contextBefore = (i: number) => STAGING_CONTEXT.test(text.slice(Math.max(0, i - 60), i));

  const addN = (p: Parsed, weight: number) => {
    const [y, , digitRaw, subRaw] = p.groups;
    const sub = subOf(subRaw);
    const value = nLabel(digitOf(digitRaw!), sub);
    if (!value) return;
    out.N.push({ value, weight, evidence: [[p.start, p.end]], sub: sub && value !== 'N1mi' ? sub : null, prefix: { y: y === 'y', r: y === 'r' } });
    claimed.push([p.start, p.end]);
  };
  const addM = (p: Parsed, weight: number) => {
    const value = mLabel(digitOf(p.groups[1]!));
    if (!value) return;
    out.M.push({ value, weight, evidence: [[p.start, p.end]], sub: null, prefix: { y: false, r: false } });
    claimed.push([p.start, p.end]);
  };

  for (const t of findAll(T_TOKEN, text)) {
    const [yr, p, digitRaw, subRaw] = t.groups;
    const value = tLabel(digitOf(digitRaw!));
    if (!value) continue;
    const n = matchAt(N_AFTER, text, t.end);
    // The token may end in the space before the next code ("pTis pN0"): look at what follows the code itself.
    const nextChar = text[t.start + t.text.trimEnd().length] ?? '';
    const hasP = Boolean(p);
    // A bare "T" code counts only inside a TNM string, after a staging label, or as "(T4d)".
    const inParens = text[t.start - 1] === '(' && /^\s?\)/.test(text.slice(t.end, t.end + 2));
    const trusted = hasP || n !== null || contextBefore(t.start) || inParens;
    if (!trusted) continue;
    // "TISSUE", "Tis" inside words and lowercase continuations are not codes.
    if (/[a-z]/.test(nextChar) && !hasP && n === null) continue;
    if (value === 'Tis' && /[A-Za-z]/.test(nextChar)) continue;
    if (value === 'TX' && !hasP && n === null && digitRaw === 'x') continue;
    const weight = (hasP || n ? WEIGHTS.tnm.tPrefixedOrInString : inParens ? WEIGHTS.tnm.tInParens : WEIGHTS.tnm.tBareAfterLabel) * trustAt(t.start);
    out.T.push({ value, weight, evidence: [[t.start, t.end]], sub: subOf(subRaw), prefix: { y: yr?.includes('y') ?? false, r: yr?.includes('r') ?? false } });
    claimed.push([t.start, t.end]);
    if (n) {
      addN(n, WEIGHTS.tnm.nAfterT * trustAt(n.start));
      const m = matchAt(M_AFTER, text, n.end);
      if (m) addM(m, WEIGHTS.tnm.mAfterN * trustAt(m.start));
    }
  }

  const isClaimed = (s: number) => claimed.some(([a, b]) => s >= a && s < b);
  for (const n of findAll(N_STANDALONE, text)) {
    if (isClaimed(n.start) || isClaimed(n.end - 1)) continue;
    const prefix = n.groups[1];
    const hasP = prefix === 'p' || prefix === 'P';
    if (!hasP && !contextBefore(n.start)) continue;
    // "NOS", "NOT", "No." are words, not N0.
    if (/^[A-Za-z]/.test(text.slice(n.end, n.end + 1)) && !/^[i(]/.test(text.slice(n.end, n.end + 1))) continue;
    addN(n, (hasP ? WEIGHTS.tnm.nPrefixed : WEIGHTS.tnm.nBareAfterLabel) * trustAt(n.start));
    const m = matchAt(M_AFTER, text, n.end);
    if (m) addM(m, WEIGHTS.tnm.mAfterN * trustAt(m.start));
  }
  for (const m of findAll(M_STANDALONE, text)) {
    if (isClaimed(m.start) || isClaimed(m.end - 1)) continue;
    const prefix = m.groups[0];
    const afterCode = claimed.some(([, e]) => e <= m.start && m.start - e <= NEAR_PREVIOUS_CODE) && /^M[0X1]$/.test(m.text.trim());
    if (!prefix && !contextBefore(m.start) && !afterCode) continue;
    addM(m, (prefix || !afterCode ? WEIGHTS.tnm.mPrefixedOrAfterLabel : WEIGHTS.tnm.mNearPreviousCode) * trustAt(m.start));
  }
  for (const [re, value] of [[M_UNKNOWN, 'MX'], [M_PRESENT, 'M1']] as const) {
    for (const h of findAll(re, text)) {
      out.M.push({ value, weight: WEIGHTS.tnm.mInWords * trustAt(h.start), evidence: [[h.start, h.end]], sub: null, prefix: { y: false, r: false } });
    }
  }

  for (const l of findAll(LABELLED, text)) {
    const axis = l.groups[0]!.toUpperCase();
    const digit = digitOf(l.groups[1]!);
    const ev: Span[] = [[l.start, l.end]];
    const weight = WEIGHTS.tnm.labelledCategory * trustAt(l.start);
    const none = { sub: null, prefix: { y: false, r: false } };
    if (axis === 'T') {
      // T1mi is T1 in the schema.
      const value = tLabel(digit);
      if (value) out.T.push({ value, weight, evidence: ev, ...none });
    } else if (axis === 'N') {
      const value = nLabel(digit, subOf(l.groups[2]));
      if (value) out.N.push({ value, weight, evidence: ev, ...none });
    } else {
      const value = mLabel(digit);
      if (value) out.M.push({ value, weight, evidence: ev, ...none });
    }
  }
  return out;
}
