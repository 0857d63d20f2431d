"""Windowing (shared with the app), label reading and splits."""
from __future__ import annotations

import json

import pytest

from model_export.data import IGNORE, Encoder, make_windows, read_reports, split_reports, window_starts


@pytest.mark.parametrize("n_tokens", [0, 1, 62, 63, 64, 100, 111, 112, 500])
def test_windows_cover_every_token_in_order(n_tokens):
    ids = list(range(1000, 1000 + n_tokens))
    windows = make_windows(ids, bos_id=7, max_length=64, stride=48)
    assert all(w[0] == 7 and len(w) <= 64 for w in windows)
    starts = window_starts(n_tokens, 64, 48)
    assert starts == [48 * i for i in range(len(starts))]
    # Every token appears, each window is a contiguous slice, and only the last window reaches the end.
    covered = {t for w in windows for t in w[1:]}
    assert covered == set(ids)
    for s, w in zip(starts, windows):
        assert w[1:] == ids[s : s + 63]
    assert all(s + 63 < n_tokens for s in starts[:-1])


def test_short_text_is_one_window_and_overlap_is_max_length_minus_one_minus_stride():
    assert window_starts(10, 512, 384) == [0]
    assert window_starts(0, 512, 384) == [0]
    w = make_windows(list(range(200)), bos_id=1, max_length=101, stride=80)
    assert [len(x) for x in w] == [101, 101, 41]
    assert w[0][-20:] == w[1][1:21]  # 100 body tokens, windows start 80 apart: 20 shared


@pytest.mark.parametrize("max_length,stride", [(1, 1), (64, 0), (64, 64), (64, -3)])
def test_bad_window_settings_are_refused(max_length, stride):
    with pytest.raises(ValueError):
        window_starts(100, max_length, stride)


def test_read_reports_masks_absent_fields_and_ignores_unknown_keys(tmp_path, schema):
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "pT2", "labels": {"pT": "T2", "Ki67": "20", "HER2_ihc": "1+"}}) + "\n\n")
    [r] = read_reports([path], schema)
    assert r.id == "a"
    assert r.labels[schema.names.index("pT")] == schema.field("pT").index("T2")
    assert r.labels[schema.names.index("HER2_ihc")] == schema.field("HER2_ihc").index("1+")
    assert r.labels[schema.names.index("grade")] == IGNORE


@pytest.mark.parametrize(
    "line,message",
    [("{not json", "invalid JSON"), ('{"text": ""}', "empty"), ('{"text": "x", "labels": {"pT": "T9"}}', "'T9' is not a label of pT")],
)
def test_read_reports_names_the_bad_line(tmp_path, schema, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "fine"}\n' + line + "\n")
    with pytest.raises(ValueError, match=rf"bad.jsonl:2: .*{message}"):
        read_reports([path], schema)


def test_split_is_seeded_and_disjoint(tmp_path, schema):
    path = tmp_path / "r.jsonl"
    path.write_text("".join(json.dumps({"id": str(i), "text": f"report {i}"}) + "\n" for i in range(20)))
    reports = read_reports([path], schema)
    a_train, a_held = split_reports(reports, 0.25, seed=3)
    b_train, b_held = split_reports(reports, 0.25, seed=3)
    assert [r.id for r in a_held] == [r.id for r in b_held]
    assert len(a_held) == 5 and len(a_train) == 15
    assert not {r.id for r in a_train} & {r.id for r in a_held}


def test_llama3_tokenizer_is_the_real_one(llama3_tokenizer):
    tok = llama3_tokenizer
    assert len(tok) == 128256
    assert tok.convert_tokens_to_ids("<|begin_of_text|>") == 128000
    assert tok("Hello world", add_special_tokens=False)["input_ids"] == [9906, 1917]
    encoder = Encoder(tok, max_length=16, stride=12)
    assert encoder.bos_id == 128000
    [window] = encoder.windows("Hello world")
    assert window == [128000, 9906, 1917]


def test_evidence_quotes_become_token_marks_in_every_window_that_holds_them(tmp_path, schema, llama3_tokenizer):
    filler = " ".join(f"word{i}" for i in range(30))
    text = f"Tumor   size 2.5 cm. {filler} ER: POSITIVE (90%)."
    row = {"id": "a", "text": text, "labels": {"pT": "T2", "ER": "positive"},
           "evidence": {"pT": "tumor size 2.5 cm", "ER": ["ER: positive", "not in the text"]}}
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(row) + "\n")
    [report] = read_reports([path], schema)
    pt, er = schema.names.index("pT"), schema.names.index("ER")
    # Case and whitespace runs are forgiven; a quote not in the text is dropped.
    assert report.evidence == {pt: [(0, 19)], er: [(text.index("ER:"), text.index("ER:") + 12)]}
    encoder = Encoder(llama3_tokenizer, max_length=24, stride=16, n_fields=len(schema.fields))
    batch = encoder.batch([report])
    windows = encoder.windows(text)
    assert batch.evidence.shape == (len(windows), len(schema.fields), max(len(w) for w in windows))
    decoded = lambda f: "".join(llama3_tokenizer.decode([windows[w][k]]) for w, k in batch.evidence[:, f].nonzero().tolist())
    assert decoded(pt).strip() == "Tumor   size 2.5 cm"
    assert "ER: POSITIVE" in decoded(er)
    assert not batch.evidence[:, :, 0].any()  # never BOS
    assert not batch.evidence[:, [i for i in range(len(schema.fields)) if i not in (pt, er)]].any()


def test_write_fold_splits_as_the_cross_validation_does(tmp_path):
    from model_export.crossval import folds_of, main

    rows = [{"id": f"r{i}", "text": f"report {i} — é", "labels": {"pT": "T1"}} for i in range(10)]
    data = tmp_path / "data.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps({"id": "x0", "text": "synthetic"}) + "\n", encoding="utf-8")
    main(["--data", str(data), "--extra-train", str(extra), "--folds", "3", "--fold-seed", "5", "--out", str(tmp_path / "out"), "--write-fold", "1"])
    fold = folds_of([r["id"] for r in rows], 3, 5)
    held = [json.loads(line)["id"] for line in (tmp_path / "out" / "fold-1-held.jsonl").read_text(encoding="utf-8").splitlines()]
    train = [json.loads(line)["id"] for line in (tmp_path / "out" / "fold-1-train.jsonl").read_text(encoding="utf-8").splitlines()]
    assert held == [r["id"] for r in rows if fold[r["id"]] == 1] and 0 < len(held) < len(rows)
    assert train == [r["id"] for r in rows if fold[r["id"]] != 1] + ["x0"]
    # Lines are copied as written, not re-serialised.
    assert "report 0 — é" in (tmp_path / "out" / f"fold-1-{'held' if fold['r0'] == 1 else 'train'}.jsonl").read_text(encoding="utf-8")
    with pytest.raises(SystemExit, match="numbered 0 to 2"):
        main(["--data", str(data), "--folds", "3", "--out", str(tmp_path / "out"), "--write-fold", "3"])
