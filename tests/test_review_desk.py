"""The review desk's library: undo and restore of decisions, judging alignments, glossary entries, exports."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import DANISH_SEED, SEEDS

from bilingual.cli import main
from bilingual.formats import write_records
from bilingual.judgement import (
    accept_match,
    choose_english,
    find_english,
    load_judgement,
    no_counterpart,
    pick_match,
    reject_match,
    restore_match,
)
from bilingual.pipeline import add_documents
from bilingual.records import export_records
from bilingual.store import MIGRATIONS, StaleReviewError, Store
from bilingual.termbase import add_term, edit_term, find_entry, list_terms, make_term, remove_entry
from bilingual.undo import history_steps

ENGLISH_SEED = SEEDS[1]


@pytest.fixture
def desk(tmp_path):
    """A real store with the Danish seed and one English seed, every Danish sentence given an MT and a
    machine alignment: rank 0 to English sentence i, candidates rank 1 and 2 to the next ones."""
    with Store(tmp_path / "desk.sqlite3") as store:
        add_documents(store, [DANISH_SEED, ENGLISH_SEED])
        danish = store.document(DANISH_SEED.name)
        english = store.document(ENGLISH_SEED.name)
        da = store.segments(danish.id, include_furniture=False)
        en = store.segments(english.id, include_furniture=False)
        store.put_translations([(s.text, f"MT of sentence {i}.") for i, s in enumerate(da)], "test", {"model": "t"})
        beads = []
        for i, s in enumerate(da):
            beads.append(((s.id,), (en[i % len(en)].id,), 0.9, 0, "parallel"))
            beads += [((s.id,), (en[(i + k) % len(en)].id,), 0.5 - 0.1 * k, k, "parallel candidate") for k in (1, 2)]
        store.replace_alignments(danish.id, [english.id], "parallel", {"test": True}, beads)
        yield store, danish, da, en


# --------------------------------------------------------------------------- undo


def test_undo_takes_a_saved_decision_back_version_by_version_down_to_pending(desk):
    store, _, da, _ = desk
    seg = da[0]
    store.save_review(seg.text, "First try.", "corrected", expected_version=0, reviewer="Anna",
                      mt_text="MT of sentence 0.")
    store.save_review(seg.text, "Second try.", "corrected", expected_version=1, reviewer="Anna",
                      mt_text="MT of sentence 0.")
    undone = store.undo_review(seg.text, expected_version=2, reviewer="Ben")
    assert (undone.version, undone.status, undone.final_text, undone.reviewer) == (3, "corrected", "First try.", "Ben")
    back = store.undo_review(seg.text, expected_version=3, reviewer="Ben")
    assert (back.version, back.status, back.final_text) == (4, "pending", None)
    assert store.review(seg.text_hash).status == "pending"
    with pytest.raises(ValueError, match="nothing to undo"):
        store.undo_review(seg.text, expected_version=4, reviewer="Ben")
    # append-only: every step is still there, each with who, when and what it did
    log = store.review_log(seg.text_hash)
    assert [(e.version, e.action, e.restores, e.reviewer) for e in log] == [
        (1, "save", None, "Anna"), (2, "save", None, "Anna"), (3, "undo", 1, "Ben"), (4, "undo", 0, "Ben")]
    assert all(e.created_at for e in log)
    # the export counts the MT again, as for a sentence never reviewed
    [record] = [r for r in export_records(store) if r.text_hash == seg.text_hash]
    assert (record.status, record.translation, record.translation_origin) == ("pending", "MT of sentence 0.", "mt")


def test_an_undo_based_on_an_old_version_is_refused_and_changes_nothing(desk):
    store, _, da, _ = desk
    seg = da[1]
    store.save_review(seg.text, "Anna's.", "corrected", expected_version=0, reviewer="Anna")
    store.save_review(seg.text, "Ben's.", "corrected", expected_version=1, reviewer="Ben")
    with pytest.raises(StaleReviewError):
        store.undo_review(seg.text, expected_version=1, reviewer="Anna")
    assert store.review(seg.text_hash).final_text == "Ben's."
    assert len(store.review_log(seg.text_hash)) == 2


def test_restore_brings_back_any_version_and_undo_after_it_returns_to_what_was_in_force(desk):
    store, _, da, _ = desk
    seg = da[2]
    mt = "MT of sentence 2."
    store.save_review(seg.text, "Old words here.", "corrected", expected_version=0, reviewer="Anna", mt_text=mt)
    store.save_review(seg.text, "Rejected.", "rejected", expected_version=1, reviewer="Anna", mt_text=mt,
                      reason="garbled")
    restored = store.restore_review(seg.text, 1, expected_version=2, reviewer="Clara")
    assert (restored.version, restored.status, restored.final_text, restored.reason) == (
        3, "corrected", "Old words here.", None)
    undone = store.undo_review(seg.text, expected_version=3, reviewer="Clara")
    assert (undone.status, undone.final_text, undone.reason) == ("rejected", "Rejected.", "garbled")
    with pytest.raises(KeyError):
        store.restore_review(seg.text, 9, expected_version=4)

    steps = history_steps(mt, store.review_log(seg.text_hash))
    assert [s.label for s in steps] == ["MT", "v1: corrected", "v2: rejected", "v3: v1 restored",
                                        "v4: undo, back to v2"]
    assert steps[0].text == mt and steps[-1].current and not steps[0].current
    # each version carries a word diff to the one before it
    assert "".join(t for op, t in steps[1].diff if op != "insert") == mt
    assert "".join(t for op, t in steps[1].diff if op != "delete") == "Old words here."
    assert (steps[1].words_out, steps[1].words_in) == (4, 3)


def test_a_store_of_the_previous_schema_gets_the_history_actions(tmp_path):
    import shutil

    from conftest import ROOT

    target = tmp_path / "v4.sqlite3"
    shutil.copyfile(ROOT / "tests" / "data" / "stores" / "v4.sqlite3", target)
    with Store(target) as store:
        assert store.schema_version == len(MIGRATIONS)
        for review in store.translation_memory()[:1]:
            assert {e.action for e in store.review_log(review.text_hash)} <= {"save"}


# --------------------------------------------------------------------------- judging alignments


def test_no_counterpart_is_one_action_and_exports_an_empty_english_side_accepted(desk, tmp_path):
    store, danish, da, _ = desk
    seg = da[3]
    j = load_judgement(store, danish.id, seg.id)
    assert j.state == "machine" and j.current is not None and j.current.has_english
    no_counterpart(store, j, "Anna")
    after = load_judgement(store, danish.id, seg.id)
    assert after.state == "no counterpart"
    assert [c.alignment_id for c in after.rejected] == [j.current.alignment_id]  # the old match, listed rejected
    [record] = [r for r in export_records(store) if r.id == seg.stable_id]
    assert (record.english, record.english_ids, record.alignment_status, record.bead) == ("", (), "accepted", "1-0")
    out = tmp_path / "out.jsonl"
    with out.open("w", encoding="utf-8") as f:
        write_records(export_records(store), "jsonl", f)
    row = next(json.loads(line) for line in out.read_text().splitlines() if json.loads(line)["id"] == seg.stable_id)
    assert (row["english"], row["alignment_status"]) == ("", "accepted")
    # realigning keeps the reviewer's judgement
    store.replace_alignments(danish.id, [], "parallel", {}, [((seg.id,), (), 0.0, 0, "parallel")])
    assert load_judgement(store, danish.id, seg.id).state == "no counterpart"


def test_rejecting_a_match_promotes_no_candidate_and_restore_brings_it_back(desk):
    store, danish, da, _ = desk
    seg = da[4]
    j = load_judgement(store, danish.id, seg.id)
    assert [c.rank for c in j.candidates] == [0, 1, 2] and j.candidates[0].current
    reject_match(store, j, "Anna")
    after = load_judgement(store, danish.id, seg.id)
    assert after.current is None and after.state == "no match"
    assert [c.rank for c in after.candidates] == [1, 2] and not any(c.current for c in after.candidates)
    [record] = [r for r in export_records(store) if r.id == seg.stable_id]
    assert record.english == "" and record.alignment_status == ""
    restore_match(store, after, after.rejected[0].alignment_id, "Anna")
    assert load_judgement(store, danish.id, seg.id).current.rank == 0


def test_pick_another_accepts_the_candidate_and_marks_the_replaced_match_rejected(desk):
    store, danish, da, en = desk
    seg = da[5]
    j = load_judgement(store, danish.id, seg.id)
    second = j.candidates[1]
    pick_match(store, j, second.alignment_id, "Anna")
    after = load_judgement(store, danish.id, seg.id)
    assert after.current.alignment_id == second.alignment_id and after.state == "accepted"
    assert after.current.title and after.current.document == ENGLISH_SEED.name
    assert [c.rank for c in after.rejected] == [0]
    [record] = [r for r in export_records(store) if r.id == seg.stable_id]
    assert (record.english, record.alignment_status) == (second.text, "accepted")
    with pytest.raises(ValueError, match="not a candidate"):
        pick_match(store, after, 10**6, "Anna")
    accept_match(store, after, "Ben")  # confirming what is accepted changes nothing but who
    assert load_judgement(store, danish.id, seg.id).current.alignment_id == second.alignment_id


def test_find_one_ranks_english_sentences_and_choosing_one_stores_an_accepted_bead(desk):
    store, danish, da, en = desk
    seg = da[6]
    j = load_judgement(store, danish.id, seg.id)
    reject_match(store, j, "Anna")
    found = find_english(en[3].text, en, limit=3)
    assert found[0][0].id == en[3].id and found[0][1] > found[1][1]
    choose_english(store, load_judgement(store, danish.id, seg.id), [en[3].id], found[0][1], "Anna")
    after = load_judgement(store, danish.id, seg.id)
    assert after.current.target_ids == (en[3].id,) and after.current.method == "reviewer"


# --------------------------------------------------------------------------- glossary entries


def test_glossary_entries_are_listed_searched_added_edited_and_removed(desk):
    store = desk[0]
    assert add_term(store, make_term("koalitionen", "the coalition | the alliance", "ISIL"), source="review app")
    assert not add_term(store, make_term("Koalitionen", "The Coalition"))
    assert add_term(store, make_term("forsvarsminister", "Minister of Defence"))
    assert [e.term.danish for e in list_terms(store, "koalitionens")] == ["koalitionen"]  # an inflected form
    assert [e.term.danish for e in list_terms(store, "defence")] == ["forsvarsminister"]
    entry = find_entry(store, "KOALITIONEN")
    changed = edit_term(store, entry.id, english="the coalition against ISIL")
    assert changed.english == ("the coalition against ISIL",) and changed.note == "ISIL"
    assert store.terms()[0].source == "review app"
    with pytest.raises(ValueError, match="already has"):
        edit_term(store, entry.id, danish="forsvarsminister", english="Minister of Defence")
    remove_entry(store, entry.id)
    assert [t.danish for t in store.terms()] == ["forsvarsminister"]
    with pytest.raises(ValueError, match="no glossary entry"):
        remove_entry(store, entry.id)


def test_glossary_edit_and_search_on_the_command_line(desk):
    store = desk[0]
    db = str(store.path)
    runner = CliRunner()
    assert runner.invoke(main, ["glossary", "add", "koalitionen", "the coalition", "--db", db]).exit_code == 0
    result = runner.invoke(main, ["glossary", "edit", "koalitionen", "--english", "the alliance|the coalition",
                                  "--note", "ISIL", "--db", db])
    assert result.exit_code == 0, result.output
    assert "changed: koalitionen → the alliance | the coalition  (ISIL)" in result.output
    listed = runner.invoke(main, ["glossary", "list", "--search", "koalitionens", "--db", db])
    assert "koalitionen → the alliance | the coalition" in listed.output
    missing = runner.invoke(main, ["glossary", "edit", "nothing", "--note", "x", "--db", db])
    assert missing.exit_code == 1 and "'nothing' is not in the glossary" in missing.output
    usage = runner.invoke(main, ["glossary", "edit", "koalitionen", "--db", db])
    assert usage.exit_code == 2 and "nothing to change" in usage.output
