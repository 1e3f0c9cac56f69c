"""`bilingual qa` on a real store: every warning of the English that counts, the meaning check included."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from conftest import SEEDS

from bilingual.cli import main
from bilingual.meaning import meaning_flags
from bilingual.store import Store

REFERENCE_002 = Path(__file__).parent / "data" / "seed002_reference_en.txt"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _store(tmp_path) -> tuple[Path, list[str]]:
    db = tmp_path / "s.sqlite3"
    assert run("add", *SEEDS, "--db", db).exit_code == 0
    reference = REFERENCE_002.read_text(encoding="utf-8").splitlines()
    with Store(db) as store:
        danish = store.segments(store.document("002").id)
        from bilingual.records import export_records

        by_text = {r.danish: r.id for r in export_records(store)}
        ids = [by_text.get(s.text, "") for s in danish]
        for k, (seg, english) in enumerate(zip(danish, reference, strict=True)):
            if k == 3:  # the translation of another sentence
                english = reference[12]
            if k == 5:  # a number lost and a reviewer's rejection: rejected English does not count
                store.save_review(seg.text, english, "rejected", expected_version=0, reviewer="test", reason="wrong")
                continue
            store.save_review(seg.text, english, "corrected", expected_version=0, reviewer="test")
    return db, ids


def test_qa_prints_every_warning_of_the_english_that_counts(tmp_path):
    db, ids = _store(tmp_path)
    out = run("qa", "--db", db, "--document", "002", "--format", "jsonl")
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert rows and all(set(r) == {"document", "sentence", "check", "severity", "message"} for r in rows)
    meaning = [r for r in rows if r["check"] == "meaning"]
    assert ids[3] in [r["sentence"] for r in meaning]
    assert len(meaning) <= 2  # the reference translations themselves are hardly ever flagged
    assert ids[5] not in [r["sentence"] for r in rows]  # rejected: no English counts, nothing to check
    assert all(r["severity"] == "warning" for r in meaning)
    tsv = run("qa", "--db", db, "--format", "tsv")
    assert tsv.exit_code == 0
    lines = tsv.stdout.splitlines()
    assert lines[0].split("\t") == ["document", "sentence", "check", "severity", "message"]
    assert len(lines) - 1 >= len(rows)
    text = run("qa", "--db", db, "--document", "002")
    assert text.exit_code == 0 and len(text.stdout.splitlines()) == len(rows)
    assert "warnings in 1 Danish documents" in text.stderr


def test_qa_refuses_a_missing_store_and_a_bad_document(tmp_path):
    assert run("qa", "--db", tmp_path / "nothing.sqlite3").exit_code == 1
    db, _ = _store(tmp_path)
    assert run("qa", "--db", db, "--document", "no-such-document").exit_code == 2
    assert run("qa", "--db", db, "--format", "xml").exit_code == 2


def test_meaning_flags_judge_against_the_document():
    import numpy as np

    danish = ["En dansk sætning af en vis længde."] * 10
    english = ["An English sentence of some length."] * 10
    scores = np.array([0.9] * 9 + [0.35])
    assert meaning_flags(scores, danish, english) == [False] * 9 + [True]
    short = meaning_flags(np.array([0.1]), ["Ja."], ["Yes."])
    assert short == [False]  # too short to judge
