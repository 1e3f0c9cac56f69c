"""The review app's logic without Streamlit: rows, decisions, diffs, filters, paging and heatmap data."""

from __future__ import annotations

import pytest
from conftest import DANISH_SEED, SEEDS

from bilingual.app.diff import diff_counts, diff_html, word_diff
from bilingual.app.rows import (
    VIEWS,
    ReviewRow,
    bead_cells,
    build_rows,
    edit_effort,
    filter_rows,
    heatmap_records,
    is_low_score,
    load_rows,
    next_pending,
    page_count,
    page_of,
    page_slice,
    paragraph_starts,
    progress_counts,
    row_warnings,
)
from bilingual.app.state import is_unchanged, save_decision
from bilingual.app.uploads import import_upload, seed_files, upload_language
from bilingual.decisions import decision_status
from bilingual.pipeline import add_documents, segments_to_translate
from bilingual.store import StoredAlignment, StoredSegment


def seg(id_: int, text: str, paragraph: int = 0, document_id: int = 1, document: str = "d.txt") -> StoredSegment:
    from bilingual.segment import text_hash

    return StoredSegment(id_, document_id, document, paragraph, id_, text, text_hash(text), 0, len(text), None)


def bead(id_: int, src: tuple[int, ...], tgt: tuple[int, ...], score: float, rank: int = 0,
         status: str = "machine") -> StoredAlignment:
    return StoredAlignment(id_, 1, 1, src, tgt, score, rank, "test", status, None, "2024-01-01T00:00:00Z")


def row(segment_id: int = 1, status: str = "pending", mt: str | None = "mt", final: str | None = None,
        version: int = 0, paragraph: int = 0, source: str = "kilde", score: float | None = None,
        reason: str | None = None) -> ReviewRow:
    from bilingual.app.rows import Match

    matches = () if score is None else (Match(9, (20,), "english", 2, "doc", score, 0, "machine", "test"),)
    return ReviewRow(segment_id - 1, segment_id, f"d:{paragraph}:{segment_id}", paragraph, segment_id, source,
                     f"h{segment_id}", mt, final, status, reason, None, None, version, matches,
                     chosen_id=9 if matches else None)


# --------------------------------------------------------------------------- rows


def test_rows_join_segments_reviews_mt_and_ordered_matches():
    from bilingual.store import Review

    segments = [seg(1, "Første sætning."), seg(2, "Anden sætning.", paragraph=1)]
    targets = {10: seg(10, "First sentence.", document_id=2, document="en.txt"),
               11: seg(11, "Second one.", document_id=2, document="en.txt"),
               12: seg(12, "Other.", document_id=2, document="en.txt")}
    reviews = {segments[1].text_hash: Review(segments[1].text_hash, "Anden sætning.", "Second.", "The second.",
                                             "corrected", None, "Anna", "t", 2)}
    alignments = [bead(1, (1,), (10,), 0.9), bead(2, (1,), (11,), 0.4, rank=1), bead(3, (1,), (12,), 0.95, rank=0,
                                                                                    status="rejected"),
                  bead(4, (2,), (11, 12), 0.3, rank=1, status="accepted")]
    rows = build_rows(segments, reviews, {segments[0].text_hash: "First."}, alignments, targets, {2: "English title"})

    first, second = rows
    assert (first.mt, first.status, first.version, first.stored_text) == ("First.", "pending", 0, "First.")
    assert [m.alignment_id for m in first.matches] == [1, 2] and first.best.text == "First sentence."
    assert [m.alignment_id for m in first.rejected_matches] == [3]
    assert first.best.document == "English title" and [c.alignment_id for c in first.candidates] == [2]
    assert (second.status, second.final, second.stored_text, second.reviewer) == ("corrected", "The second.",
                                                                                  "The second.", "Anna")
    # an accepted bead beats a better-ranked machine one, and a 1-2 bead joins its English sentences
    assert second.best.status == "accepted" and second.best.text == "Second one. Other."
    assert second.mt is None and second.english == "The second."


def test_the_editor_text_of_a_row():
    assert row(mt="MT").stored_text == "MT"
    assert row(mt=None).stored_text == ""
    assert row(status="rejected", final="bad", mt="MT").stored_text == "bad"
    # the editor starts from the rejected text, but no English counts for a rejected sentence
    assert row(status="rejected", final="bad", mt="MT").english is None


def test_load_rows_reads_the_store(store):
    add_documents(store, SEEDS)
    danish = store.document(DANISH_SEED.name)
    segments = segments_to_translate(store, [danish.id])
    store.put_translations([(segments[0].text, "Translated.")], "k", {"model": "m"})
    english = store.documents(language="en")[0]
    target = store.segments(english.id)[0]
    store.replace_alignments(danish.id, [english.id], "parallel", {}, [((segments[0].id,), (target.id,), 0.7, 0, "t")])
    rows = load_rows(store, danish.id)
    assert [r.segment_id for r in rows] == [s.id for s in segments]
    assert rows[0].mt == "Translated." and rows[1].mt is None
    assert rows[0].best.text == target.text and rows[0].best.document == english.title


# --------------------------------------------------------------------------- decisions


def test_status_follows_the_text():
    assert decision_status("The MT.", "The MT.") == "accepted"
    assert decision_status("The  MT.\n", "The MT.") == "accepted"  # whitespace is not a correction
    assert decision_status("The fixed MT.", "The MT.") == "corrected"
    assert decision_status("Typed by hand.", None) == "corrected"


def test_save_decision_saves_and_reports_conflicts(store):
    r = row(source="En sætning.", mt="A sentence.")
    saved = save_decision(store, r, "A sentence.", expected_version=0, reviewer=" Anna ")
    assert saved.saved and saved.review.status == "accepted" and saved.review.reviewer == "Anna"
    stale = save_decision(store, r, "One sentence.", expected_version=0, reviewer="Ben")
    assert not stale.saved and stale.conflict.version == 1 and stale.conflict.reviewer == "Anna"
    assert store.review(saved.review.text_hash).final_text == "A sentence."
    with pytest.raises(ValueError, match="empty"):
        save_decision(store, r, "  ", expected_version=1, reviewer=None)
    with pytest.raises(ValueError, match="reason"):
        save_decision(store, r, "x", expected_version=1, reviewer=None, status="rejected")
    rejected = save_decision(store, r, "", expected_version=1, reviewer=None, status="rejected", reason="garbage")
    assert rejected.review.status == "rejected" and rejected.review.reason == "garbage"


def test_a_repeated_decision_is_recognised():
    saved = row(status="corrected", final="Fixed.", version=2)
    assert is_unchanged(saved, "Fixed.", "corrected", 2)
    assert not is_unchanged(saved, "Fixed again.", "corrected", 2)
    assert not is_unchanged(saved, "Fixed.", "corrected", 1)
    assert not is_unchanged(row(), "mt", "accepted", 0)
    rejected = row(status="rejected", final="x", version=1, reason="bad")
    assert is_unchanged(rejected, "x", "rejected", 1, "bad") and not is_unchanged(rejected, "x", "rejected", 1, "worse")


def test_a_rejected_match_leaves_no_match_not_the_next_candidate():
    segments = [seg(1, "Første sætning.")]
    targets = {10: seg(10, "First.", document_id=2), 11: seg(11, "Other.", document_id=2)}
    alignments = [bead(1, (1,), (10,), 0.9, status="rejected"), bead(2, (1,), (11,), 0.8, rank=1)]
    [r] = build_rows(segments, {}, {}, alignments, targets, {})
    assert r.best is None and [c.alignment_id for c in r.candidates] == [2]
    assert is_low_score(r)  # no match in force counts as low


# --------------------------------------------------------------------------- diff


@pytest.mark.parametrize(("before", "after"), [
    ("the old big cat sat", "the new small cat sat"),
    ("a b c", "a c"),
    ("", "all new"),
    ("Prisen er 332,5 mio. kr.", "The price is DKK 332.5 million."),
    ("same", "same"),
])
def test_word_diff_rebuilds_both_texts(before, after):
    pieces = word_diff(before, after)
    assert "".join(t for op, t in pieces if op != "insert") == before
    assert "".join(t for op, t in pieces if op != "delete") == after


def test_word_diff_groups_neighbouring_changes():
    assert word_diff("the old big cat", "the new small cat") == [
        ("equal", "the "), ("delete", "old big"), ("insert", "new small"), ("equal", " cat")]
    assert diff_counts("the old big cat", "the new small cat sat") == (2, 3)


def test_diff_html_escapes_text():
    out = diff_html("x < y", "x <b>y</b>")
    assert "<b>" not in out and "</b>" not in out and "&lt;/b&gt;" in out
    assert out.count("<ins") == 2 and out.count("<del") == 1


# --------------------------------------------------------------------------- overview


def test_progress_counts_every_status():
    rows = [row(1), row(2, status="accepted"), row(3, status="corrected"), row(4, status="rejected"), row(5)]
    assert progress_counts(rows) == {"total": 5, "reviewed": 3, "pending": 2, "accepted": 1, "corrected": 1,
                                     "rejected": 1}


def test_filters_and_search():
    rows = [row(1, source="Mosul", score=0.9), row(2, status="corrected", final="Coalition", score=0.2),
            row(3, mt=None), row(4, status="accepted", mt="London talks")]
    assert [r.segment_id for r in filter_rows(rows, "pending")] == [1, 3]
    assert [r.segment_id for r in filter_rows(rows, "corrected")] == [2]
    assert [r.segment_id for r in filter_rows(rows, "low", threshold=0.5)] == [2, 3, 4]
    assert [r.segment_id for r in filter_rows(rows, "untranslated")] == [3]
    assert [r.segment_id for r in filter_rows(rows, "unsaved", drafts={4: "x"})] == [4]
    assert [r.segment_id for r in filter_rows(rows, "all", "coalition")] == [2]
    assert [r.segment_id for r in filter_rows(rows, "all", "LONDON")] == [4]
    assert [r.segment_id for r in filter_rows(rows, "all", "draft words", drafts={1: "some draft words"})] == [1]
    with pytest.raises(ValueError):
        filter_rows(rows, "nonsense")


def test_qa_view_shows_exactly_the_rows_with_warnings():
    cost, meeting = "Det kostede 332,5 millioner kroner.", "Mødet blev holdt i London."
    rows = [row(1, source=cost, mt="It cost DKK 332.5 million."),
            row(2, source=cost, mt="It cost DKK 335.2 million."),
            row(3, source=meeting, mt=None),  # nothing to check yet
            row(4, source=meeting, mt="The meeting was held in London.", status="corrected",
                final="The meeting was held in Paris."),  # the final text counts, not the MT
            row(5, source=meeting, mt="The meeting was held in Paris.", status="corrected",
                final="The meeting was held in London."),
            row(6, source=meeting, mt="Mødet blev holdt i London.", status="rejected", final="",
                reason="a copy")]  # already judged unusable
    assert VIEWS["qa"] == "Has QA warning"
    assert [r.segment_id for r in filter_rows(rows, "qa")] == [2, 4]
    assert [w.message for w in rows[1].warnings] == ["332,5 is not in the English", "335.2 is not in the Danish"]
    assert [w.code for w in rows[3].warnings] == ["name"] and rows[4].warnings == () and rows[5].warnings == ()
    # an unsaved draft is checked instead of the stored text
    drafts = {2: "It cost DKK 332.5 million.", 5: "The meeting was held in Paris."}
    assert [r.segment_id for r in filter_rows(rows, "qa", drafts=drafts)] == [4, 5]
    assert row_warnings(rows[0], "") and row_warnings(rows[0], "")[0].code == "empty"
    assert [r.segment_id for r in filter_rows(rows, "qa", "london")] == [4]


def test_edit_effort_and_english_sides():
    from bilingual.app.rows import Match

    assert edit_effort("The meeting was in London.", "The meeting was in London.") == 0.0
    assert edit_effort("The meeting was in London.", "The meeting was held in London.") > 0
    assert Match(1, (20,), "English.", 2, "doc", 0.9, 0, "machine", "t").has_english
    assert not Match(2, (), "", None, "", 0.0, 0, "machine", "t").has_english


def test_low_score_never_flags_an_accepted_match():
    from dataclasses import replace

    low = row(score=0.1)
    assert is_low_score(low) and is_low_score(row()) and not is_low_score(row(score=0.7))
    accepted = replace(low, matches=(replace(low.matches[0], status="accepted"),))
    assert not is_low_score(accepted)


def test_paging():
    assert page_count(0, 25) == 1 and page_count(500, 25) == 20 and page_count(501, 25) == 21
    assert page_slice(17, 2, 10) == (10, 17)
    assert page_slice(17, 9, 10) == (10, 17)  # a page past the end is clamped
    assert page_of(0, 10) == 1 and page_of(10, 10) == 2


def test_next_pending_wraps_around():
    rows = [row(1), row(2, status="accepted"), row(3), row(4, status="accepted")]
    assert next_pending(rows).segment_id == 1
    assert next_pending(rows, 1).segment_id == 3
    assert next_pending(rows, 3).segment_id == 1
    assert next_pending([row(1, status="accepted")]) is None
    assert next_pending([row(1)], 1) is None


def test_paragraph_starts():
    rows = [row(1, paragraph=0), row(2, paragraph=0), row(3, paragraph=1), row(4, paragraph=3)]
    assert paragraph_starts(rows) == {1, 3, 4}


# --------------------------------------------------------------------------- heatmap


def test_heatmap_cells_and_chosen_beads():
    cells = heatmap_records([[0.1, 0.9], [0.5, 0.2]], ["da1", "da2"], ["en1", "en2"])
    assert len(cells) == 4 and cells[1] == {"da": 1, "en": 2, "score": 0.9, "danish": "da1", "english": "en2"}
    alignments = [bead(1, (1,), (10,), 0.9), bead(2, (1,), (11,), 0.5, rank=1), bead(3, (2,), (11,), 0.4,
                                                                                    status="rejected"),
                  bead(4, (2,), (10, 11), 0.6, rank=1, status="accepted"), bead(5, (3,), (10,), 0.9)]
    marks = bead_cells(alignments, {1: 0, 2: 1}, {10: 0, 11: 1})
    assert [(m["da"], m["en"], m["status"]) for m in marks] == [(2, 1, "accepted"), (2, 2, "accepted"),
                                                                (1, 1, "machine")]


# --------------------------------------------------------------------------- importing


def test_seed_files_and_uploads(store, tmp_path):
    assert seed_files(tmp_path / "missing", DANISH_SEED.parent) == sorted(SEEDS)
    data = "Det er en dansk tekst om forsvaret. Den har to sætninger.".encode("cp1252")
    assert upload_language("x.txt", data) == "da"
    doc_id, created = import_upload(store, "x.txt", data)
    assert created and store.document(doc_id).language == "da" and store.document(doc_id).encoding == "cp1252"
    assert len(store.segments(doc_id)) == 2
    english_id, _ = import_upload(store, "y.md", b"Some English words here. Another sentence.", "en")
    assert store.document(english_id).language == "en"
    from bilingual.documents import DocumentError

    with pytest.raises(DocumentError):
        upload_language("z.txt", b"\x00\x01binary")


RACE_REVIEWERS, RACE_SENTENCES, RACE_ROUNDS = ("a", "b", "c", "d"), 30, 10


def race(db: str, folder, count: int = RACE_SENTENCES, rounds: int = RACE_ROUNDS) -> list[dict[str, int]]:
    """Four reviewer processes (tests/race_worker.py) saving the same sentences at once; their tallies."""
    import json
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    gate = folder / "gate"
    worker = Path(__file__).with_name("race_worker.py")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    procs = [subprocess.Popen([sys.executable, str(worker), db, name, str(count), str(rounds), str(gate)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for name in RACE_REVIEWERS]
    try:
        deadline = time.monotonic() + 120
        while not all(Path(f"{gate}.{name}.ready").exists() for name in RACE_REVIEWERS):
            if any(p.poll() is not None for p in procs) or time.monotonic() > deadline:
                break  # a reviewer died or hangs: the return codes and stderr below say which
            time.sleep(0.01)
        else:
            gate.touch()
    finally:
        if not gate.exists():
            for p in procs:
                p.kill()
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0] * len(procs), "\n".join(err for _, err in outputs)
    return [json.loads(out) for out, _ in outputs]


def test_reviewers_in_separate_processes_never_both_win(db, tmp_path):
    from collections import Counter

    from bilingual.segment import text_hash
    from bilingual.store import Store

    Store(db).close()
    tallies = race(db, tmp_path)
    # From version 0 exactly one reviewer wins each sentence; the other three are refused.
    assert sum(t["first_saved"] for t in tallies) == RACE_SENTENCES
    assert sum(t["first_stale"] for t in tallies) == (len(RACE_REVIEWERS) - 1) * RACE_SENTENCES
    # On top of the current version: every attempt is a save or a refusal, and every save is in the history.
    attempted = sum(t["attempted"] for t in tallies)
    assert attempted == len(RACE_REVIEWERS) * RACE_SENTENCES * RACE_ROUNDS
    assert sum(t["saved"] + t["stale"] for t in tallies) == attempted
    with Store(db) as store:
        histories = [store.review_history(text_hash(f"Sætning nummer {k}.")) for k in range(RACE_SENTENCES)]
        finals = [store.review(text_hash(f"Sætning nummer {k}.")) for k in range(RACE_SENTENCES)]
    saved = RACE_SENTENCES + sum(t["saved"] for t in tallies)
    assert sum(len(h) for h in histories) == saved  # none lost
    for history, final in zip(histories, finals, strict=True):
        assert [h.version for h in history] == list(range(1, len(history) + 1))  # no version saved twice
        assert (final.version, final.final_text) == (history[-1].version, history[-1].final_text)
    by_reviewer = Counter(h.reviewer for history in histories for h in history)
    # a reviewer whose every attempt was refused has no history row, so no entry in the Counter
    expected = {name: t["first_saved"] + t["saved"] for name, t in zip(RACE_REVIEWERS, tallies, strict=True)}
    assert {name: by_reviewer[name] for name in RACE_REVIEWERS} == expected
    refused = sum(t["first_stale"] + t["stale"] for t in tallies)
    backend = "postgresql" if "://" in db else "sqlite"
    print(f"race on {backend}: {attempted + len(RACE_REVIEWERS) * RACE_SENTENCES} saves attempted, {saved} history "
          f"rows, {refused} stale saves refused")


def test_diff_markdown_marks_changed_words_and_keeps_the_rest_literal():
    from bilingual.app.diff import diff_markdown, md

    out = diff_markdown("Danmark sender 120 soldater (i alt).", "Danmark sender 150 soldater (i alt).", md)
    assert ":red[~~120~~]" in out and ":green[**150**]" in out
    assert out.startswith("Danmark sender ") and r"\(i alt\)\." in out
    assert diff_markdown("Samme tekst.", "Samme tekst.", md) == md("Samme tekst.")


def test_english_coverage_counts_chosen_beads_only():
    from bilingual.records import english_coverage

    english = [seg(10, "One."), seg(11, "Two."), seg(12, "Three."), seg(13, "Four.")]
    alignments = [bead(1, (1,), (10,), 0.8), bead(2, (1,), (11,), 0.4, rank=1),  # a candidate, not chosen
                  bead(3, (2,), (12, 13), 0.6), bead(4, (3,), (13,), 0.9, status="rejected"),
                  bead(5, (4,), (11,), 0.3, rank=1, status="accepted")]  # a reviewer's pick counts
    cover = {c.segment.id: c.danish for c in english_coverage(english, alignments)}
    assert cover == {10: ((1, 0.8),), 11: ((4, 0.3),), 12: ((2, 0.6),), 13: ((2, 0.6),)}
    assert [c.covered for c in english_coverage(english, alignments[:1])] == [True, False, False, False]
