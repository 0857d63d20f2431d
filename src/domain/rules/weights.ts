// The rule extractor's pattern weights, in one place. A weight is the trust, in [0, 1], that one kind of
// statement reads its field right; a candidate's weight is its pattern's weight times the trust of the
// section it stands in (`section`), and resolution (candidates.ts) keeps the best-supported value.
// Within a field the order of the weights decides which statement wins a disagreement; their size is
// the raw confidence that calibration and review start from (review.ts counts a reading of 0.8 or more
// as a strong pattern). Changing one changes outputs: the accuracy tests hold the extractor to its floors.
import type { SectionKind } from './text';

export const WEIGHTS = {
  /**
   * How much a statement in a section is trusted, relative to the final diagnosis. The diagnosis and
   * the synoptic summary are the report's conclusions; comments and microscopy explain them; text before
   * any header and the clinical history may quote other specimens; the gross description measures the
   * specimen before microscopy (its sizes include DCIS and biopsy change).
   */
  section: {
    diagnosis: 1,
    synoptic: 1,
    comment: 0.95,
    microscopic: 0.95,
    other: 0.9,
    history: 0.85,
    gross: 0.8,
  } satisfies Record<SectionKind, number>,

  /**
   * Stated TNM codes (tnm.ts). A code with its p prefix, or inside a run of codes ("T2N0M0"), cannot be
   * anything else; a labelled category ("T Stage: 2") is nearly as plain. A bare code counts only after
   * a staging label and weighs less; a lone M that counts only because it follows another code, and M
   * written in words, are the weakest readings.
   */
  tnm: {
    /** "pT2", "ypT1c", or a T with its N after it ("T2N0"). */
    tPrefixedOrInString: 0.95,
    /** A bare "T2" after a staging label ("AJCC: T2", "Primary tumour: T2"). */
    tBareAfterLabel: 0.85,
    /** A bare T code in parentheses: "(T4d)". */
    tInParens: 0.8,
    /** The N of a TNM string, right after its T ("pT2 pN1a", "T2N0"). */
    nAfterT: 0.95,
    /** A standalone N with its prefix: "pN0(sn)", "pN1mi". */
    nPrefixed: 0.9,
    /** A bare "N1" after a staging label ("Regional lymph nodes: N1"). */
    nBareAfterLabel: 0.8,
    /** The M that closes a TNM string ("pT2 N0 MX", "pN1 M0"). */
    mAfterN: 0.9,
    /** A standalone M with its prefix ("pM0", "cM0"), or a bare one after a staging label. */
    mPrefixedOrAfterLabel: 0.85,
    /** A bare "M0"/"MX" that counts only because it stands a short way after another code. */
    mNearPreviousCode: 0.75,
    /** M in words: "Distant metastasis: cannot be assessed" (MX), "Distant metastasis: present, bone" (M1). */
    mInWords: 0.8,
    /** A labelled category written as a bare number: "T Stage: 2", "N Stage: 0", "M Stage: X". */
    labelledCategory: 0.9,
  },

  /**
   * Lymph node counts (nodes.ts) and the pN derived from them when no code is stated. Labelled fields
   * give examined and positive together; a fraction ("2/12") gives both at once; a count in prose gives
   * one side only. A derived pN is only as sure as what it rests on: a count more than a statement
   * without one, and isolated tumour cells (pN0(i+)) least, as reports often count ITC nodes as positive.
   */
  nodes: {
    /** "Number of Lymph Nodes Examined: 12" with its positive field(s) close by. */
    labelledFields: 0.88,
    /** "2/12", "9 OF 12 POSITIVE", "(1/11)" in node context. */
    fraction: 0.85,
    /** "THREE (3) LYMPH NODES POSITIVE", "4 lymph nodes with metastatic carcinoma". */
    positiveCount: 0.8,
    /** "No evidence of metastasis in 3 lymph nodes", "FOUR BENIGN LYMPH NODES". */
    negativeCount: 0.8,
    /** Derived pN from a positive count (N1mi/N1/N2/N3 by the number of nodes). */
    nFromPositiveCount: 0.8,
    /** Derived N0 from a count of zero positive nodes. */
    nFromZeroCount: 0.8,
    /** Derived N1mi from micrometastases named without a count. */
    nFromMicrometastasisOnly: 0.7,
    /** Derived N0 from nodes said to be free of tumour, without a count. */
    nFromNegativeWords: 0.7,
    /** Derived N1 from "metastatic carcinoma" in a node specimen, without a count. */
    nFromPositiveWords: 0.6,
    /** Derived N0(i+): 1–3 nodes counted positive that hold isolated tumour cells alone. */
    nFromCountedItc: 0.6,
    /** Derived N0(i+) from isolated tumour cells named without a count. */
    nFromItcOnly: 0.6,
  },

  /**
   * Tumour size and the T derived from it (size.ts, index.ts). A size under a tumour label is the
   * tumour's; a label after the number is slightly looser; a carcinoma merely named before it is the
   * weakest size reading. The microscopic size is the invasive one, a gross size may include DCIS.
   * A T4 finding gives T4 whatever the size; Tis and T0 fill in only when no invasive carcinoma is named.
   */
  size: {
    /** "Tumor size: 2.3 cm", "invasive carcinoma measuring 2.3 cm". */
    labelBefore: 0.85,
    /** "2.3 CM IN GREATEST DIMENSION". */
    labelAfter: 0.8,
    /** A size with a carcinoma, mass or lesion named shortly before it. */
    carcinomaBefore: 0.7,
    /** Added when the size is called microscopic. */
    microscopicBonus: 0.08,
    /** Taken off when the size is called gross. */
    grossPenalty: 0.05,
    /** Sizes within this much of the best weight compete, and the largest of them gives T. */
    nearBest: 0.1,
    /** Skin ulceration, satellite skin nodules, chest wall invasion, inflammatory carcinoma (T4). */
    t4Finding: 0.8,
    /** Tis derived from DCIS without invasive carcinoma. */
    tisFromDcis: 0.75,
    /** T0 derived from "no residual carcinoma" or a complete response. */
    t0FromNoResidual: 0.7,
  },

  /**
   * Nottingham grade (grade.ts). A grade named histologic or Nottingham, or an NHG code, is the grade
   * itself; a Nottingham score or its three components give it by the AJCC table; a plain "grade 2" or
   * "G2" may be nuclear or in-situ; differentiation is a looser word for it; "high grade" alone is
   * more often a DCIS or cytologic term than the Nottingham grade.
   */
  grade: {
    /** "Nottingham grade II", "Histologic grade: 3". */
    histologicStatement: 0.95,
    /** "NHG2". */
    nhgCode: 0.95,
    /** A Nottingham score of 3–9: "total score 7/9", "(seven points)". */
    score: 0.9,
    /** Tubules + nuclei + mitoses written out and summed. */
    components: 0.85,
    /** "grade 2" with no histologic context before it. */
    plainStatement: 0.8,
    /** "G2". */
    gCode: 0.8,
    /** "moderately differentiated". */
    differentiation: 0.7,
    /** "high grade", "low grade", "intermediate grade" alone. */
    wordOnly: 0.5,
  },

  /**
   * ER and PR (markers.ts). A status word is the report's own call; a predicate before the marker
   * ("positive for ER"), a negative phrase, an Allred score or a synoptic percent state it almost as
   * plainly; a percent is a measurement the status is read from; a positive phrase or an intensity
   * alone ("2+") is the weakest. A result quoted from an earlier specimen gives way to this one's.
   */
  receptors: {
    /** "ER: POSITIVE", "negative", "weakly positive". */
    statusWord: 0.92,
    /** "POSITIVE FOR ESTROGEN RECEPTOR". */
    predicateBefore: 0.9,
    /** "no immunoreactive tumour cells", "not detected", "absent". */
    negativePhrase: 0.88,
    /** "No estrogen receptors", "without expression of PR". */
    noBefore: 0.88,
    /** "Allred score 6" (3 or more is positive). */
    allred: 0.88,
    /** "(xy%, n/a) : 85": a synoptic percent field. */
    synopticPercent: 0.88,
    /** "85 %" after the marker. */
    percent: 0.86,
    /** "65% of tumour cells show staining for ER". */
    percentBefore: 0.85,
    /** "strong nuclear staining", "receptors found in". */
    positivePhrase: 0.8,
    /** An intensity alone: "ER: 2+". */
    intensityOnly: 0.75,
    /** "pending", "sent out": kept for the flag only; pending findings never compete as candidates. */
    pending: 0.5,
    /** Factor on a result quoted from an earlier specimen: it counts, but this specimen's result wins. */
    priorSpecimenDiscount: 0.95,
  },

  /**
   * HER2 (markers.ts, index.ts). The final, IHC, ISH and status statements are resolved each on its
   * own and then combined per ASCO/CAP, so each order matters within its kind. The report's final call
   * decides outright; "amplified"/"not amplified" and a measured ratio are the ISH result; an IHC score
   * is a measurement; a status word is weaker than the report's final one, and a predicate before the
   * marker, an ISH status word or "overexpression" alone only imply it.
   */
  her2: {
    /** "Final HER2 status: POSITIVE", "INTERPRETATION: HER2 NEGATIVE". */
    finalStatus: 0.95,
    /** "not amplified", "no amplification" after HER2. */
    notAmplifiedWords: 0.92,
    /** "amplified", "amplification detected" after HER2. */
    amplifiedWords: 0.92,
    /** "HER2/CEP17 ratio 1.10": amplified at 2.0 or more. */
    ratio: 0.9,
    /** "no amplification of HER2": the negated form before the marker. */
    notAmplifiedBefore: 0.9,
    /** The ASCO/CAP 2018 dual-probe ISH group from the ratio and the average copy number. */
    ishGroup: 0.9,
    /** "IHC score 2+", "HER2 (0-3+): 1+". */
    ihcScore: 0.9,
    /** "HER2: POSITIVE", "weakly positive" (equivocal). */
    statusWord: 0.88,
    /** "POSITIVE FOR HER2". */
    predicateBefore: 0.85,
    /** "HER2 FISH: negative": a status word read as the ISH result. */
    ishStatusWord: 0.85,
    /** "HER2 overexpression" with no status word. */
    overexpression: 0.8,
  },

  /**
   * Resolution of competing candidates for one field (candidates.ts, index.ts). Repetition adds a
   * little; a runner-up close to the best lowers the confidence and, close enough, is a conflict.
   */
  resolution: {
    /** Support added by each further statement of the same value; it never outweighs a clearly stronger pattern. */
    repeatBonus: 0.03,
    /** The rules are never certain. */
    maxConfidence: 0.99,
    /** Confidence lost in proportion to the runner-up's score relative to the best. */
    runnerUpPenalty: 0.5,
    /** A runner-up scoring this fraction of the best or more is a conflict. */
    conflictRatio: 0.85,
    /** A field the report does not mention: the rules cannot be sure nothing was missed. */
    notStated: 0.6,
  },

  /**
   * Characters read around a match, where the same reach serves more than one pattern. A reach that one
   * pattern alone uses stays beside it (PENDING_REACH, NEAR_PREVIOUS_CODE, FIELD_REACH, APPOSITION).
   */
  reach: {
    /** Words before a marker that may make it method or ordering text ("antibodies used: ER ..."). */
    methodTextBefore: 45,
    /** After a status word: "positive for" makes it the predicate of the next marker. */
    predicateOfNext: 12,
    /** Before an ER/PR anchor (or its chain): "POSITIVE FOR", "No", "65% of cells ... for". */
    receptorLead: 90,
    /** Before a HER2 anchor: method text, "no amplification of", "positive for". */
    her2Lead: 60,
    /** Before a marker, where "previous biopsy" or "outside specimen" makes its result a prior one. */
    priorBefore: 60,
    /** A status word further than this past its marker belongs to something else. */
    statusAfterMarker: 90,
    /** "FISH"/"ISH" just before the HER2 anchor ("HER2 FISH", "FISH for HER2"). */
    ishNameBefore: 25,
    /** An ISH ratio or IHC score further than this past the HER2 anchor is not its result. */
    her2ResultAfter: 100,
    /** "overexpression" right after HER2, and the evidence given for it. */
    overexpressionAfter: 40,
    /** Before a size: the words where a carcinoma may be named. */
    sizeContextBefore: 110,
    /** After a node fraction: node words and positivity words of its own clause. */
    fractionAfter: 40,
  },
} as const;
