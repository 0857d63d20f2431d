"""Synthetic breast pathology reports with labels, for the classes the real dev reports rarely show
(T4, N3, M1, HER2 equivocal, HER2 IHC 0 vs 1+, ER low positive, ypT after neoadjuvant therapy,
DCIS only, bilateral tumours), in synoptic and narrative styles, with the OCR noise of scanned reports.

    python -m model_export.synthetic --n 400 --seed 7 --out runs/data/synthetic.jsonl

Labels follow the text-grounded protocol of ../shared/data: a stated code, else T from the largest
invasive size and N from the positive node count (AJCC 8th), else not_stated.
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

SIDES = ["LEFT", "RIGHT"]
TYPES = ["INVASIVE DUCTAL CARCINOMA", "INFILTRATING DUCTAL CARCINOMA", "INVASIVE LOBULAR CARCINOMA", "INVASIVE CARCINOMA OF NO SPECIAL TYPE", "INVASIVE MUCINOUS CARCINOMA"]
ROMAN = {1: "I", 2: "II", 3: "III"}


def t_from_size(mm: float) -> str:
    return "T1" if mm <= 20 else "T2" if mm <= 50 else "T3"


def n_from_count(pos: int, micro: bool) -> str:
    if pos == 0:
        return "N0"
    if micro and pos <= 3:
        return "N1mi"
    return "N1" if pos <= 3 else "N2" if pos <= 9 else "N3"


def ocr_noise(text: str, rng: random.Random, rate: float) -> str:
    """The errors of OCR'd scans: 0→O in codes, 1→l/I, II→Il, stray periods, line breaks as '. '."""
    swaps = [("pN0", "pNO"), ("N0", "NO"), ("pT1", "pTl"), ("T1c", "Tlc"), ("II", "Il"), ("1+", "l+"), (" 0 ", " O ")]
    for a, b in swaps:
        if a in text and rng.random() < rate:
            text = text.replace(a, b, 1)
    words = text.split(" ")
    for i in range(len(words)):
        if rng.random() < rate * 0.15:
            words[i] += "."
    return " ".join(words)


def report(rng: random.Random) -> tuple[str, dict[str, str]]:
    labels: dict[str, str] = {}
    lines: list[str] = []
    side = rng.choice(SIDES)
    scenario = rng.choices(["typical", "dcis", "neoadjuvant", "advanced", "bilateral"], weights=[5, 1, 1.5, 2, 1])[0]
    y = "y" if scenario == "neoadjuvant" else ""
    synoptic = rng.random() < 0.6
    lines.append(f"SPECIMEN: {side} BREAST, {rng.choice(['MASTECTOMY', 'LUMPECTOMY', 'SEGMENTAL EXCISION'])}, AND AXILLARY LYMPH NODES.")
    if scenario == "neoadjuvant":
        lines.append("CLINICAL HISTORY: Status post neoadjuvant chemotherapy.")
    if scenario == "bilateral":
        other = "LEFT" if side == "RIGHT" else "RIGHT"
        lines.append(f"A. {other} BREAST: DUCTAL CARCINOMA IN SITU, NUCLEAR GRADE {rng.choice([1, 2, 3])}, NEGATIVE FOR INVASIVE CARCINOMA.")

    if scenario == "dcis":
        size = rng.choice([4, 8, 12, 25])
        lines.append(f"DIAGNOSIS: {side} BREAST: DUCTAL CARCINOMA IN SITU, {rng.choice(['SOLID', 'CRIBRIFORM', 'COMEDO'])} TYPE, NUCLEAR GRADE {rng.choice([2, 3])}, SPANNING {size} MM. NO INVASIVE CARCINOMA IDENTIFIED.")
        labels.update(pT="Tis", grade="not_stated")
        if rng.random() < 0.7:
            lines.append("PATHOLOGIC STAGE: pTis pN0" if rng.random() < 0.5 else "AJCC: pTis")
    else:
        size = round(rng.choice([rng.uniform(3, 20), rng.uniform(21, 50), rng.uniform(51, 90)]), 1)
        grade = rng.choice([1, 2, 3])
        t = t_from_size(size)
        t4 = scenario == "advanced" and rng.random() < 0.5
        if t4:
            t = "T4"
        if scenario == "neoadjuvant" and rng.random() < 0.25:
            t, size = "T0", 0.0
        labels["pT"] = t
        if t == "T0":
            lines.append(f"DIAGNOSIS: {side} BREAST: NO RESIDUAL INVASIVE CARCINOMA; TUMOR BED WITH TREATMENT EFFECT.")
            labels["grade"] = "not_stated"
        else:
            score = {1: rng.choice([3, 4, 5]), 2: rng.choice([6, 7]), 3: rng.choice([8, 9])}[grade]
            grade_text = rng.choice([f"NOTTINGHAM GRADE {ROMAN[grade]} (OF III)", f"HISTOLOGIC GRADE: {grade}", f"NOTTINGHAM SCORE {score}/9", f"G{grade}"])
            labels["grade"] = str(grade)
            size_text = f"{size / 10:.1f} CM" if rng.random() < 0.7 else f"{size:.0f} MM"
            lines.append(f"DIAGNOSIS: {side} BREAST: {rng.choice(TYPES)}, {grade_text}, MEASURING {size_text} IN GREATEST DIMENSION.")
            if t4:
                lines.append(rng.choice(["THE CARCINOMA ULCERATES THE OVERLYING SKIN.", "TUMOR INVADES THE CHEST WALL.", "SATELLITE SKIN NODULES ARE PRESENT.", "CLINICAL INFLAMMATORY CARCINOMA WITH DERMAL LYMPHATIC INVASION."]))
            else:
                lines.append(rng.choice(["SKIN: UNINVOLVED.", "NO SKIN ULCERATION.", "MARGINS NEGATIVE, CLOSEST 0.4 CM (DEEP)."]))

    examined = rng.randint(1, 25)
    counts = [0] if scenario == "dcis" else [10, 12, 15, 18, 4, 5] if scenario == "advanced" else [0, 0, 0, 1, 2, 3, 4, 6, 9, 11, 14]
    pos = min(examined, rng.choice(counts))
    micro = pos > 0 and pos <= 3 and rng.random() < 0.25
    if pos and micro:
        lines.append(f"LYMPH NODES: MICROMETASTASIS (0.{rng.randint(2, 19):02d} CM) IN {pos} OF {examined} LYMPH NODES.")
    elif pos:
        lines.append(rng.choice([f"LYMPH NODES: {pos}/{examined} POSITIVE FOR METASTATIC CARCINOMA.", f"METASTATIC CARCINOMA IN {pos} OF {examined} AXILLARY LYMPH NODES."]))
    else:
        lines.append(rng.choice([f"LYMPH NODES: 0/{examined} NEGATIVE FOR METASTATIC CARCINOMA.", f"{examined} LYMPH NODES, NO EVIDENCE OF METASTASIS (0/{examined})."]))
    labels["pN"] = n_from_count(pos, micro)

    m = rng.choices(["not_stated", "M0", "MX", "M1"], weights=[5, 1.5, 1.5, 1 if scenario == "advanced" else 0.2])[0]
    labels["pM"] = m
    if m == "M1":
        lines.append(f"DISTANT METASTASIS: {rng.choice(['BONE', 'LIVER', 'LUNG'])} (BIOPSY PROVEN).")
    if rng.random() < 0.75:
        n_code = labels["pN"] if labels["pN"] != "N1mi" else "N1mi"
        sub_t = {"T1": rng.choice(["T1b", "T1c"]), "T4": rng.choice(["T4b", "T4d"])}.get(labels["pT"], labels["pT"])
        m_code = {"M0": " cM0", "MX": " MX", "M1": " pM1"}.get(m, "")
        lines.append(f"PATHOLOGIC STAGE (AJCC 8TH): {y}p{sub_t} {y}p{n_code}{m_code}")
    elif m != "not_stated" and m != "M1":
        lines.append(f"M CATEGORY: {m}")

    for marker, name in (("ER", "ESTROGEN RECEPTOR"), ("PR", "PROGESTERONE RECEPTOR")):
        state = rng.choices(["positive", "low", "negative", "pending", "absent"], weights=[4, 1, 2, 0.7, 1.5])[0]
        label = name if synoptic else marker
        if state == "positive":
            lines.append(f"{label}: POSITIVE ({rng.randint(15, 100)}%)")
            labels[marker] = "positive"
        elif state == "low":
            lines.append(f"{label}: LOW POSITIVE ({rng.randint(1, 10)}%)" if rng.random() < 0.5 else f"{label}: POSITIVE ({rng.randint(1, 10)}%)")
            labels[marker] = "positive"
        elif state == "negative":
            lines.append(f"{label}: NEGATIVE (<1%)" if rng.random() < 0.5 else f"{label}: NEGATIVE (0%)")
            labels[marker] = "negative"
        elif state == "pending":
            lines.append(f"{label}: PENDING, TO BE REPORTED IN AN ADDENDUM.")
            labels[marker] = "not_stated"
        else:
            labels[marker] = "not_stated"

    her2 = rng.choices(["0", "1+", "2+amp", "2+non", "2+pending", "3+", "absent"], weights=[2, 2, 0.8, 1, 1, 1, 1.5])[0]
    if her2 == "absent":
        labels.update(HER2="not_stated", HER2_ihc="not_stated")
    else:
        ihc = her2[:2] if her2.startswith("2+") else her2
        labels["HER2_ihc"] = ihc
        text = f"HER2 (IHC): {'NEGATIVE' if ihc in ('0', '1+') else 'EQUIVOCAL' if ihc == '2+' else 'POSITIVE'} (SCORE {ihc})"
        if her2 == "2+amp":
            text += f". HER2 FISH: AMPLIFIED, HER2/CEP17 RATIO {rng.uniform(2.1, 6):.2f}"
            labels["HER2"] = "positive"
        elif her2 == "2+non":
            text += f". HER2 FISH: NOT AMPLIFIED, RATIO {rng.uniform(1.0, 1.9):.2f}"
            labels["HER2"] = "negative"
        elif her2 == "2+pending":
            text += ". FISH PENDING."
            labels["HER2"] = "equivocal"
        else:
            labels["HER2"] = "positive" if ihc == "3+" else "negative"
        lines.append(text)
    if scenario == "neoadjuvant" and rng.random() < 0.5:
        lines.append("BIOMARKERS PER PRIOR CORE BIOPSY.")

    text = " ".join(lines)
    if not synoptic:
        # Narrative reports are in sentence case; codes, numbers and abbreviations (ER, HER2) keep theirs.
        words = [w if any(c.isdigit() for c in w) or len(w.strip(".,:();")) <= 4 else w.lower() for w in text.split(" ")]
        text = " ".join(w[:1].upper() + w[1:] if i == 0 or words[i - 1].endswith(".") else w for i, w in enumerate(words))
    return ocr_noise(text, rng, rate=0.3), labels


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=400, help="reports to write")
    p.add_argument("--seed", type=int, default=7, help="random seed")
    p.add_argument("--out", required=True, help="JSONL file to write")
    a = p.parse_args(argv)
    rng = random.Random(a.seed)
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w") as f:
        for i in range(a.n):
            text, labels = report(rng)
            f.write(json.dumps({"id": f"synthetic-{a.seed}-{i}", "text": text, "labels": labels, "source": "synthetic"}) + "\n")
    print(f"wrote {a.n} reports to {out}")


if __name__ == "__main__":
    main()
