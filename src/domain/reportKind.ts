// Tells whether a text is a breast pathology report, a pathology report of another organ, or not pathology at all.
// Use: classifyReport(text) before extraction; warn or refuse on anything but 'breast_pathology'. Pure, browser and Node.

export type ReportKind = 'breast_pathology' | 'other_site_pathology' | 'not_pathology';

export interface ReportKindResult {
  kind: ReportKind;
  site: string | null;
  /** the words that decided it, as [start,end) character spans into the text */
  evidence: Array<readonly [number, number]>;
  reason: string;
}

// --- Weights. Every number the decision uses lives here. ---
/** Distinct kinds of pathology vocabulary needed: one or two can occur in any medical email or a recipe. */
export const MIN_PATHOLOGY_CUES = 3;
/** A pasted excerpt ("pT2 pN1a M0", "ER positive 90 %") is a piece of a report: one decisive cue is enough. */
export const MIN_CUES_IN_EXCERPT = 1;
/** Beside a decisive cue, a longer text needs this many kinds in all. */
export const MIN_CUES_WITH_DECISIVE = 2;
/** Texts up to this many characters are read as excerpts. */
export const EXCERPT_LENGTH = 400;
/** Organ cue tiers: a term nearly unique to the organ (mastectomy, Gleason) vs one shared by neighbours (pleura, urothelial). */
export const STRONG = 3;
export const MODERATE = 2;
/** Supporting cues (o'clock, quadrant, axilla) are common to several organs; they only add to a site already named. */
export const SUPPORTING = 1;
/** Repeats of one term add up to this many times, so one long boilerplate table cannot outvote the specimen. */
export const MAX_REPEATS_PER_TERM = 4;
/** A site named in a specimen/diagnosis/site/procedure line is what the report is about, not a passing mention. */
export const HEADER_MULTIPLIER = 3;
/** How many characters after such a label still belong to its line (OCR often joins lines with ". "). */
export const HEADER_WINDOW = 90;
/** Mentions after "history of", "metastatic ... to the", "prior" describe another disease or its spread, not the specimen. */
export const PASSING_MENTION_FACTOR = 0.2;
/** How far back (characters) such a phrase still colours a mention, and how far ahead "primary" / "metastasis" is looked for. */
export const PASSING_LOOKBACK = 45;
export const LOOKAHEAD = 25;
/** "consistent with breast primary", "of lung origin": the pathologist names the primary, which outweighs the biopsied organ. */
export const PRIMARY_MULTIPLIER = 10;
/** Breast wins ties and near-ties: this app reads breast reports, and breast reports mention other organs often. */
export const BREAST_ADVANTAGE = 1.25;

// Distinct pathology cue kinds; each counts once however often it occurs.
const PATHOLOGY_CUES: ReadonlyArray<readonly [string, RegExp]> = [
  ['specimen', /\bspecimens?\b/i],
  ['diagnosis', /\bdiagnos[ie]s\b/i],
  ['malignancy', /\b(?:\w*carcinomas?|\w*sarcomas?|melanomas?|mesotheliomas?|seminomas?|lymphomas?|malignan\w*|neoplas\w*|cancer|idc|ilc|dcis|lcis)\b/i],
  ['tumour', /\btumou?rs?\b/i],
  ['margin', /\bmargins?\b/i],
  ['lymph node', /\blymph\s*nodes?\b|\bnodal\b/i],
  ['microscopic', /\bmicroscop\w*|\bmacroscop\w*/i],
  ['gross', /\bgross(?:ly)?\b/i],
  ['biopsy', /\bbiops(?:y|ies)\b|\bbx\b|\bcore needle\b|\bFNA\b/i],
  ['grade', /\b(?:nuclear |histologic(?:al)? )?grade\s*[:.]?\s*(?:[1-3]|[Il|]{1,3})(?![A-Za-z])/i],
  ['receptor panel', /\b(?:ER|PR|HER-?2|Her-?2|Ki-?67|MIB-?1|p53)\b/],
  ['staging label', /\b(?:[TNM]\s*stage|pathologic(?:al)?\s+[TNM]|clinical\s+[TNM])\b/i],
  ['pathology', /\bpatholog\w*/i],
  ['histology', /\bhisto\w*/i],
  ['TNM code', /(?:\b|(?<=\d))y?p[TN]\s?(?:is|[0-4XxO])|\bT[0-4][a-d]?\s?,?\s?p?N\s?[0-3XxO]|\b[TNM]\s*stage\s*:|\bp?M\s?[01X]\b(?=[^.]{0,30}\bstage)/],
  ['resection', /\b(?:resect\w*|excision\w*|\w+ectomy)\b/i],
  ['invasion', /\b(?:invasi\w+|infiltrat\w+|lymphovascular|perineural|LVI)\b/i],
  ['differentiation', /\b(?:\w*differentiated|differentiation|dysplasia|atypi\w+)\b/i],
  ['stain', /\bimmunohisto\w*|\bstain\w*|\bIHC\b/i],
  ['grading words', /\b(?:nottingham|scarff|bloom|elston|tubules?\s*[=:]?\s*[1-3]|mitos[ie]s\s*[=:]?\s*[1-3])/i],
  ['metastasis', /\b(?:micro|macro)?metasta\w*|\bdistant\s+metasta/i],
  ['hormone receptor', /\b(?:o?estrogen|progesterone)\b/i],
  ['frozen section', /\bfrozen section|\bsections?\s+(?:submitted|code)|\bcassettes?\b/i],
];

/** Cues that carry a value the extractor reads: in an excerpt, one of these makes it a piece of a report. */
const DECISIVE: ReadonlySet<string> = new Set(['staging label', 'malignancy', 'lymph node', 'grade', 'receptor panel', 'TNM code', 'grading words', 'metastasis', 'hormone receptor']);

type Tiers = { strong?: string; moderate?: string; supporting?: string };

// Organ vocabulary (regex sources, case-insensitive, whole words). Breast patterns tolerate OCR splits ("BREAS T", "rnastectomy").
const SITES: Readonly<Record<string, Tiers>> = {
  breast: {
    strong: String.raw`b\s?r\s?e\s?a\s?s\s?ts?|(?:m|rn)ammary|(?:m|rn)astectom\w*|lumpectom\w*|dcis|lcis|clis|nottingham|bloom[-\s]?richardson|elston|allred|nipples?|areolar?|(?:infiltrating|invasive) (?:ductal|lobular)|ductal carcinoma in situ|lobular carcinoma|lobular neoplasia|bi-?rads|mammo\w+`,
    moderate: String.raw`estrogen receptors?|oestrogen receptors?|progesterone receptors?|ductal carcinoma`,
    supporting: String.raw`axill\w*|sentinel|o['’ ]{0,2}\s?clock|quadrants?|chest wall|her-?2(?:/neu)?|fibrocystic|fibroadenoma`,
  },
  lung: {
    strong: String.raw`lungs?|pulmonary|bronch\w*|pneumonectom\w*|non-small cell|small cell carcinoma`,
    moderate: String.raw`lobectom\w*|(?:upper|middle|lower) lobe|hilar|carina\w*|mediastin\w*`,
  },
  mesothelium: { strong: String.raw`mesothelioma\w*|pleurectom\w*|decortication`, moderate: String.raw`pleura\w*|peritone\w*|mesothelial` },
  kidney: {
    strong: String.raw`kidneys?|renal|nephrectom\w*|fuhrman|chromophobe|gerota\w*`,
    moderate: String.raw`clear cell|perinephric|hilum`,
  },
  prostate: { strong: String.raw`prostat\w*|gleason`, moderate: String.raw`seminal vesicles?` },
  thyroid: { strong: String.raw`\w*thyroid\w*`, moderate: String.raw`isthmus|follicular` },
  'head and neck': {
    strong: String.raw`tongue|lary\w*|\w*pharyn\w*|tonsil\w*|oral cavity|floor of\W+(?:the )?mouth|mandib\w*|maxill\w*|\w*glottic|buccal|gingiva\w*|palat\w*|parotid|salivary|glossectom\w*|alveolar ridge|retromolar|vocal cords?`,
    moderate: String.raw`neck dissection|neck`,
  },
  stomach: { strong: String.raw`stomach|gastric|gastrectom\w*|pylor\w*|antrum|antral|lesser curvature|greater curvature|lauren` },
  colon: {
    strong: String.raw`colon|colonic|colic|colectom\w*|hemicolectom\w*|c[ae]cum|cecal|sigmoid\w*|colorectal|ileoc[ae]cal|appendix|splenic flexure|hepatic flexure`,
    moderate: String.raw`ascending|transverse|descending|ileum|terminal ileum`,
  },
  rectum: { strong: String.raw`rectum|rectal|rectosigmoid|mesorect\w*|abdominoperineal|(?:low )?anterior resection` },
  liver: {
    strong: String.raw`liver|hepatic|hepatocellular|hepatectom\w*|hepatocytes?|cirrho\w*`,
    moderate: String.raw`hepatitis|steatosis|portal tracts?`,
  },
  'bile duct': { strong: String.raw`cholangio\w*|bile ducts?|biliary|gall\s?bladder`, moderate: String.raw`hilar|ampulla\w*` },
  bladder: {
    strong: String.raw`bladder|cystectom\w*|cystoprostatectom\w*|turbt|detrusor|urothelial|transurethral`,
    moderate: String.raw`ureters?|ureteral|urethra\w*|muscularis propria`,
  },
  cervix: {
    strong: String.raw`cervix|endocervi\w*|ectocervi\w*|exocervi\w*|leep|cervical (?:stroma|biopsy|cone|carcinoma|cancer|canal)`,
    moderate: String.raw`hysterectom\w*|parametri\w*|vagina\w*|cervical`,
  },
  uterus: { strong: String.raw`endometri\w*|myometri\w*|uterus|uterine`, moderate: String.raw`hysterectom\w*` },
  ovary: { strong: String.raw`ovary|ovarian|oophorectom\w*|fallopian`, moderate: String.raw`adnex\w*` },
  pancreas: { strong: String.raw`pancrea\w*|whipple|uncinate`, moderate: String.raw`ampulla\w*|duodenum|duodenal` },
  oesophagus: { strong: String.raw`o?esophag\w*|barrett\w*`, moderate: String.raw`gastro-?o?esophageal|cardia` },
  skin: { strong: String.raw`melanoma\w*|breslow|clark(?:'s)? level|melanocyt\w*`, supporting: String.raw`skin|dermis|epidermis|cutaneous` },
  testis: {
    strong: String.raw`test(?:is|es|icle|icular)|orchi\w*ectom\w*|seminoma\w*|spermatic cord|rete testis|tunica|yolk sac|embryonal carcinoma|teratoma`,
    moderate: String.raw`germ cell`,
  },
  adrenal: { strong: String.raw`adrenal\w*|adreno\w*|weiss|pheochromocytoma|cortical carcinoma` },
  eye: { strong: String.raw`uvea\w*|choroid\w*|ciliary body|enucleation|globe|retina\w*|sclera\w*|optic nerve|iris` },
};

interface Match { start: number; end: number; weight: number }

const TIER_WEIGHT: ReadonlyArray<readonly [keyof Tiers, number]> = [['strong', STRONG], ['moderate', MODERATE], ['supporting', SUPPORTING]];
const COMPILED = Object.entries(SITES).map(([site, tiers]) => ({
  site,
  tiers: TIER_WEIGHT.flatMap(([tier, weight]) => (tiers[tier] ? [{ tier, weight, re: new RegExp(String.raw`\b(?:${tiers[tier]})\b`, 'gi') }] : [])),
}));
const HEADER_LABEL = /\b(?:specimens?(?:\(s\))?|(?:final |main |pathologic(?:al)? |microscopic )?diagnos[ie]s(?:\/diagnoses)?|(?:primary |tumou?r |anatomic )?site|procedure|operation|nature of material|tissue(?: submitted)?|source|material)\s*(?:[:.\-]|\n)/gi;
const PRIMARY_AFTER = /^\W*(?:\w+\W+)?(?:primary|origin)\b/i;
const PRIMARY_BEFORE = /\b(?:primary(?: site| tumou?r site)?|origin(?:ating)? (?:in|from)(?: the)?)\W+$/i;
const PASSING_AFTER = /^\W*(?:\w+\W+)?metasta/i;
const PASSING = /(?:history of|h\/o|hx of|prior|previous|previously|status post|s\/p|metasta\w*(?:\s+\S+){0,3}\s+(?:to|in|into|involving|within)(?:\s+the)?)\W+(?:\S+\W+){0,4}$|metasta\w*\s*[(:]\W*$/i;

function headerSpans(text: string): Array<readonly [number, number]> {
  return [...text.matchAll(HEADER_LABEL)].map((m) => [m.index, m.index + m[0].length + HEADER_WINDOW] as const);
}

/** Weighted score of one site, with the spans that earned it. Supporting cues count only next to a real cue of the site. */
function scoreSite(text: string, site: (typeof COMPILED)[number], headers: Array<readonly [number, number]>): { score: number; matches: Match[] } {
  const matches: Match[] = [];
  let anchored = false;
  for (const { tier, weight, re } of site.tiers) {
    if (tier === 'supporting' && !anchored) break;
    const repeats = new Map<string, number>();
    for (const m of text.matchAll(re)) {
      const term = m[0].toLowerCase().replace(/\s+/g, '');
      const n = (repeats.get(term) ?? 0) + 1;
      repeats.set(term, n);
      if (n > MAX_REPEATS_PER_TERM) continue;
      const [start, end] = [m.index, m.index + m[0].length];
      const before = text.slice(Math.max(0, start - PASSING_LOOKBACK), start);
      const after = text.slice(end, end + LOOKAHEAD);
      const primary = tier !== 'supporting' && (PRIMARY_AFTER.test(after) || PRIMARY_BEFORE.test(before));
      const passing = !primary && (PASSING.test(before) || PASSING_AFTER.test(after));
      const inHeader = headers.some(([s, e]) => start >= s && start < e);
      const factor = primary ? PRIMARY_MULTIPLIER : passing ? PASSING_MENTION_FACTOR : inHeader ? HEADER_MULTIPLIER : 1;
      matches.push({ start, end, weight: weight * factor });
      if (tier !== 'supporting' && !passing) anchored = true;
    }
  }
  return { score: matches.reduce((sum, m) => sum + m.weight, 0), matches };
}

/** Sorted spans, overlapping ones merged ("invasive ductal" + "ductal carcinoma" is one phrase to highlight). */
function spansOf(ms: Array<{ start: number; end: number }>): Array<readonly [number, number]> {
  const out: Array<[number, number]> = [];
  for (const m of [...ms].sort((a, b) => a.start - b.start)) {
    const last = out[out.length - 1];
    if (last && m.start <= last[1]) last[1] = Math.max(last[1], m.end);
    else out.push([m.start, m.end]);
  }
  return out;
}

const fmt = (n: number) => String(Math.round(n * 10) / 10);

export function classifyReport(text: string): ReportKindResult {
  const cues: Array<{ name: string; start: number; end: number }> = [];
  for (const [name, re] of PATHOLOGY_CUES) {
    const m = re.exec(text);
    if (m) cues.push({ name, start: m.index, end: m.index + m[0].length });
  }
  // Pathology is several kinds of its vocabulary, or one that carries a value (a TNM code, a receptor, a
  // graded carcinoma) with another beside it; a short excerpt needs only the one that carries a value.
  const excerpt = text.trim().length <= EXCERPT_LENGTH;
  const decisive = cues.filter((c) => DECISIVE.has(c.name)).length;
  const needed = excerpt ? MIN_CUES_IN_EXCERPT : MIN_PATHOLOGY_CUES;
  const pathology = cues.length >= MIN_PATHOLOGY_CUES || (decisive >= 1 && (excerpt || cues.length >= MIN_CUES_WITH_DECISIVE));
  if (!pathology) {
    const found = cues.length ? `only ${cues.map((c) => c.name).join(', ')}` : 'none';
    return { kind: 'not_pathology', site: null, evidence: spansOf(cues), reason: `too few pathology cues (${found}; need ${needed} kinds)` };
  }
  const headers = headerSpans(text);
  const scored = COMPILED.map((s) => ({ site: s.site, ...scoreSite(text, s, headers) }));
  const breast = scored.find((s) => s.site === 'breast')!;
  const [top, next] = scored.filter((s) => s.site !== 'breast').sort((a, b) => b.score - a.score);
  const cueNote = `${cues.length} pathology cue kinds`;
  if (breast.score === 0 && top!.score === 0) {
    // No organ named at all: most likely a terse breast report pasted into a breast app; site stays unknown.
    return { kind: 'breast_pathology', site: null, evidence: spansOf(cues), reason: `${cueNote}, no organ named; assumed breast` };
  }
  if (breast.score * BREAST_ADVANTAGE >= top!.score) {
    return { kind: 'breast_pathology', site: 'breast', evidence: spansOf(breast.matches), reason: `${cueNote}; breast cues ${fmt(breast.score)} vs ${top!.site} ${fmt(top!.score)}` };
  }
  const reason = `${cueNote}; ${top!.site} cues ${fmt(top!.score)} vs breast ${fmt(breast.score)}, ${next!.site} ${fmt(next!.score)}`;
  return { kind: 'other_site_pathology', site: top!.site, evidence: spansOf(top!.matches), reason };
}
