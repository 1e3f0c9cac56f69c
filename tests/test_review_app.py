"""The review app's paths through Streamlit's AppTest: the script runs for real against a store file."""

from __future__ import annotations

import importlib.machinery
import json
import sys
import types

import numpy as np
import pytest
from conftest import DANISH_SEED, ROOT, SEEDS
from streamlit.testing.v1 import AppTest
from support.desk import desk, rows, send

from bilingual.app.sidebar import export_bytes
from bilingual.pipeline import add_documents, segments_to_translate
from bilingual.segment import text_hash
from bilingual.store import Store


def fake_mt(text: str) -> str:
    return f"EN: {text[:40]}"


def _fill_review_store(store):
    """Fill the ``review_db`` template."""
    add_documents(store, SEEDS)
    da = store.document(DANISH_SEED.name)
    segments = segments_to_translate(store, [da.id])
    store.put_translations([(s.text, fake_mt(s.text)) for s in segments], "test", {"model": "test"})
    english = store.documents(language="en")[1]
    targets = store.segments(english.id, include_furniture=False)
    beads = []
    for i, seg in enumerate(segments):
        beads.append(((seg.id,), (targets[i % len(targets)].id,), 0.9 - 0.05 * i, 0, "test"))
        beads.append(((seg.id,), (targets[(i + 1) % len(targets)].id,), 0.2, 1, "test"))
    store.replace_alignments(da.id, [english.id], "test", {}, beads)


@pytest.fixture
def review_db(store_template, store_copy, monkeypatch):
    """The seeds in a store with a made-up MT for every Danish sentence, and two candidate alignments each."""
    with store_copy(store_template("review", _fill_review_store), "review.sqlite3") as store:
        db = store.path
    monkeypatch.setenv("BILINGUAL_DB", str(db))
    return db


def danish_segments(db):
    with Store(db) as store:
        return store.segments(store.document(DANISH_SEED.name).id, include_furniture=False)


def start() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    return at


def review_of(db, text):
    with Store(db) as store:
        return store.review(text_hash(text))


def saved_by_another_reviewer(db, seg, text: str) -> None:
    """Ben saves a sentence from version 0 behind the session's back, as a second reviewer would."""
    with Store(db) as store:
        store.save_review(seg.text, text, "corrected", expected_version=0, reviewer="Ben")


def open_popover(at, key: str) -> None:
    """Open a popover whose contents are drawn only while open, as a click on it does."""
    at.session_state[key] = True
    at.run()


def open_tab(at, label: str) -> None:
    """Select a tab of the document view; the lazy tabs draw their contents only while selected."""
    at.session_state["doc_tab"] = label
    at.run()


def markdown_texts(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def open_row(at, seg) -> None:
    """Open a sentence in the desk (a click on its line, or Ctrl+Down to it)."""
    send(at, {"type": "open", "id": seg.id, "active": seg.id})


def type_text(at, seg, text: str) -> None:
    """Type in a sentence's editor: the desk sends the text as a draft once typing pauses."""
    row = rows(at)[seg.id]
    send(at, {"type": "draft", "id": seg.id, "text": text, "version": row["version"], "active": seg.id})


def save(at, seg, text: str | None = None, kind: str = "save") -> None:
    """Ctrl+Enter (or Ctrl+Shift+Enter for ``kind="accept"``) in a sentence's editor."""
    row = rows(at)[seg.id]
    body = row["mt"] if kind == "accept" else (row["text"] if text is None else text)
    send(at, {"type": kind, "id": seg.id, "text": body, "version": row["version"], "active": seg.id})


def set_reviewer(at, name: str) -> None:
    at.text_input(key="reviewer").input(name).run()


def test_accept_and_correct_are_stored_with_the_reviewer(review_db):
    first, second = danish_segments(review_db)[:2]
    at = start()
    set_reviewer(at, "Anna")
    save(at, first, kind="accept")
    assert at.session_state["focus"] == second.id  # the next pending sentence is open
    save(at, second, "A corrected English sentence.")

    accepted, corrected = review_of(review_db, first.text), review_of(review_db, second.text)
    assert (accepted.status, accepted.final_text, accepted.reviewer) == ("accepted", fake_mt(first.text), "Anna")
    assert (corrected.status, corrected.final_text, corrected.version) == ("corrected",
                                                                           "A corrected English sentence.", 1)
    assert corrected.mt_text == fake_mt(second.text)
    assert rows(at)[second.id]["note"] == ["success", "Saved as corrected (version 1)."]
    assert "2 of 17 sentences reviewed" in at.get("progress")[0].proto.text

    # A fresh session (a reload) shows the stored decisions.
    again = start()
    shown = rows(again)[second.id]
    assert (shown["text"], shown["status"], shown["reviewer"]) == ("A corrected English sentence.", "corrected", "Anna")
    assert shown["label"] == "¶2 · 1" and shown["tip"] == second.stable_id


def test_no_decision_without_a_reviewer(review_db):
    first = danish_segments(review_db)[0]
    at = start()
    assert desk(at)["reviewer"] == ""
    save(at, first, kind="accept")
    assert review_of(review_db, first.text) is None
    assert rows(at)[first.id]["note"][0] == "error" and "name" in rows(at)[first.id]["note"][1]
    # A name typed in the desk becomes the page's reviewer and goes into the address.
    send(at, {"type": "reviewer", "name": "Dora"})
    assert at.text_input(key="reviewer").value == "Dora" and at.query_params["reviewer"] == "Dora"
    save(at, first, kind="accept")
    assert review_of(review_db, first.text).reviewer == "Dora"


def test_a_stale_save_is_refused_with_both_texts_and_nothing_is_lost(review_db):
    seg = danish_segments(review_db)[3]
    at = start()
    set_reviewer(at, "Anna")
    open_row(at, seg)
    type_text(at, seg, "Anna's version.")
    # Another reviewer saves the same sentence in between.
    saved_by_another_reviewer(review_db, seg, "Ben's version.")
    save(at, seg, "Anna's version.")

    stored = review_of(review_db, seg.text)
    assert (stored.final_text, stored.reviewer, stored.version) == ("Ben's version.", "Ben", 1)
    row = rows(at)[seg.id]
    assert row["text"] == "Anna's version." and row["unsaved"]
    assert row["conflict"]["mine"] == "Anna's version." and row["conflict"]["theirs"] == "Ben's version."
    assert desk(at)["focus"] == {"id": seg.id, "n": desk(at)["focus"]["n"], "force": True}  # back to it

    # Keeping mine is an explicit decision; both versions stay in the history.
    send(at, {"type": "save", "id": seg.id, "text": "Anna's version.", "version": row["conflict"]["version"]})
    stored = review_of(review_db, seg.text)
    assert (stored.final_text, stored.reviewer, stored.version) == ("Anna's version.", "Anna", 2)
    with Store(review_db) as store:
        assert [r.final_text for r in store.review_history(seg.text_hash)] == ["Ben's version.", "Anna's version."]
    assert rows(at)[seg.id]["conflict"] is None


def test_take_theirs_replaces_the_draft_and_follows_the_store(review_db):
    seg = danish_segments(review_db)[4]
    at = start()
    set_reviewer(at, "Anna")
    type_text(at, seg, "Mine.")
    saved_by_another_reviewer(review_db, seg, "Theirs.")
    save(at, seg, "Mine.")
    send(at, {"type": "take", "id": seg.id})
    row = rows(at)[seg.id]
    assert row["push"]["text"] == "Theirs." and row["text"] == "Theirs." and not row["unsaved"]
    assert "your text was: Mine." in row["note"][1]
    # Saving the same again writes nothing; an edit now saves on top of their version.
    save(at, seg, "Theirs.")
    assert review_of(review_db, seg.text).version == 1
    assert "nothing changed" in rows(at)[seg.id]["note"][1]
    save(at, seg, "Theirs, improved.")
    assert (review_of(review_db, seg.text).version, review_of(review_db, seg.text).final_text) == (
        2, "Theirs, improved.")


def test_an_untouched_editor_follows_other_reviewers(review_db):
    seg = danish_segments(review_db)[5]
    at = start()
    set_reviewer(at, "Anna")
    saved_by_another_reviewer(review_db, seg, "Fixed elsewhere.")
    at.run()
    assert rows(at)[seg.id]["text"] == "Fixed elsewhere."
    save(at, seg, "Fixed here too.")
    assert review_of(review_db, seg.text).version == 2 and not rows(at)[seg.id]["conflict"]


def test_unsaved_marker_diff_discard_reset_and_copy_source(review_db):
    seg = danish_segments(review_db)[0]
    mt = fake_mt(seg.text)
    at = start()
    assert not rows(at)[seg.id]["unsaved"]
    type_text(at, seg, mt + " Extra words")
    row = rows(at)[seg.id]
    assert row["unsaved"] and "Extra words</ins>" in row["diff"]
    assert "1 unsaved" in at.get("progress")[0].proto.text
    send(at, {"type": "discard", "id": seg.id})  # Esc
    assert rows(at)[seg.id]["text"] == mt and not rows(at)[seg.id]["unsaved"]
    type_text(at, seg, "Something")
    at.button(key=f"reset_{seg.id}").click().run()
    assert rows(at)[seg.id]["text"] == mt and rows(at)[seg.id]["push"]["text"] == mt
    at.button(key=f"copy_{seg.id}").click().run()
    assert rows(at)[seg.id]["text"] == seg.text and rows(at)[seg.id]["unsaved"]
    assert review_of(review_db, seg.text) is None  # nothing is saved without an explicit save


def test_reject_asks_for_a_reason(review_db):
    seg = danish_segments(review_db)[1]
    at = start()
    set_reviewer(at, "Anna")
    open_row(at, seg)
    assert f"reject_{seg.id}" not in [b.key for b in at.button]
    open_popover(at, f"rejectbox_{seg.id}")
    at.button(key=f"reject_{seg.id}").click().run()
    assert any("reason" in e.value for e in at.error)
    assert review_of(review_db, seg.text) is None
    at.text_input(key=f"reason_{seg.id}").input("Garbled output").run()
    at.button(key=f"reject_{seg.id}").click().run()
    stored = review_of(review_db, seg.text)
    assert (stored.status, stored.reason) == ("rejected", "Garbled output")
    assert rows(at)[seg.id]["reason"] == "Garbled output" and rows(at)[seg.id]["english"] is None


def test_history_restores_an_earlier_version(review_db):
    seg = danish_segments(review_db)[2]
    at = start()
    set_reviewer(at, "Anna")
    for text in ("First try.", "Second try."):
        save(at, seg, text)
    assert review_of(review_db, seg.text).version == 2
    open_row(at, seg)
    assert f"restore_{seg.id}_1" not in [b.key for b in at.button]  # history is read only when opened
    open_popover(at, f"history_{seg.id}")
    assert "Anna" in markdown_texts(at)
    at.button(key=f"restore_{seg.id}_1").click().run()
    assert rows(at)[seg.id]["text"] == "First try." and rows(at)[seg.id]["unsaved"]
    save(at, seg)
    stored = review_of(review_db, seg.text)
    assert (stored.final_text, stored.version) == ("First try.", 3)


def test_filters_search_pages_and_next_pending(review_db):
    segments = danish_segments(review_db)
    with Store(review_db) as store:
        store.save_review(segments[0].text, "Done.", "corrected", expected_version=0)
    at = start()
    assert len(rows(at)) == 17 and not at.get("pagination")  # 50 sentences a page by default
    assert at.session_state["focus"] == segments[1].id  # the first pending one is open
    at.selectbox(key="page_size").set_value(10).run()
    assert len(rows(at)) == 10 and at.get("pagination")[0].proto.num_pages == 2

    at.radio(key="view").set_value("corrected").run()
    assert list(rows(at)) == [segments[0].id]
    at.radio(key="view").set_value("pending").run()
    assert len(rows(at)) == 10 and segments[0].id not in rows(at)
    at.radio(key="view").set_value("all").run()
    at.text_input(key="query").input("Ash Carter").run()
    assert list(rows(at)) == [s.id for s in segments if "Ash Carter" in s.text]

    at.text_input(key="query").input("").run()
    set_reviewer(at, "Anna")
    for seg in segments[1:10]:  # saving the last pending sentence of page 1 turns to page 2
        save(at, seg, kind="accept")
    assert at.session_state["page"] == 2
    assert at.session_state["focus"] == segments[10].id and segments[10].id in rows(at)


def test_unsaved_drafts_survive_paging(review_db):
    seg = danish_segments(review_db)[0]
    at = start()
    at.selectbox(key="page_size").set_value(10).run()
    type_text(at, seg, "Half-way edit")
    at.get("pagination")[0].select(2).run()
    assert seg.id not in rows(at)
    at.radio(key="view").set_value("unsaved").run()
    assert list(rows(at)) == [seg.id]
    assert rows(at)[seg.id]["text"] == "Half-way edit"


def _beads(db, seg):
    with Store(db) as store:
        return {a.rank: a for a in store.alignments() if a.source_segment_ids == (seg.id,)}


def test_alignment_this_is_it_and_pick_another_candidate(review_db):
    first, second = danish_segments(review_db)[:2]
    at = start()
    set_reviewer(at, "Anna")
    open_row(at, first)
    at.button(key=f"alok_{first.id}").click().run()
    assert (_beads(review_db, first)[0].status, _beads(review_db, first)[0].reviewer) == ("accepted", "Anna")

    with Store(review_db) as store:
        doc = store.document(DANISH_SEED.name)
    candidate = _beads(review_db, second)[1]
    open_row(at, second)
    open_popover(at, f"cands_{second.id}")  # the judgement panel of the Sentence tools tab, in the strip
    at.button(key=f"judge_take_{doc.id}_{second.id}_{candidate.id}").click().run()
    after = {a.id: a.status for a in _beads(review_db, second).values()}
    assert after[candidate.id] == "accepted"
    assert [s for i, s in after.items() if i != candidate.id] == ["rejected"]
    assert at.button(key=f"alok_{second.id}").disabled  # the picked one is now the accepted match
    assert rows(at)[second.id]["match"]["status"] == "accepted"


def test_not_this_one_puts_no_other_candidate_in_its_place(review_db):
    from bilingual.records import export_records

    third = danish_segments(review_db)[2]
    beads = _beads(review_db, third)
    assert set(beads) == {0, 1}  # a rank-1 candidate is there to be promoted, and must not be
    at = start()
    set_reviewer(at, "Anna")
    open_row(at, third)
    assert rows(at)[third.id]["match"] is not None
    at.button(key=f"alno_{third.id}").click().run()
    after = _beads(review_db, third)
    assert (after[0].status, after[1].status) == ("rejected", "machine")
    assert rows(at)[third.id]["match"] is None  # the grid says "no English match"
    assert at.button(key=f"alok_{third.id}").disabled and at.button(key=f"alno_{third.id}").disabled
    with Store(review_db) as store:
        [record] = [r for r in export_records(store) if r.id == third.stable_id]
    assert (record.english, record.english_ids) == ("", ())


def test_qa_view_shows_exactly_the_rows_with_warnings(review_db):
    from bilingual.quality import check_translation

    segments = danish_segments(review_db)
    reference = (ROOT / "tests" / "data" / "seed002_reference_en.txt").read_text(encoding="utf-8").splitlines()
    assert len(reference) == len(segments)
    with Store(review_db) as store:  # three sentences get their human translation, which passes every check
        for seg, english in zip(segments[:3], reference[:3], strict=True):
            store.save_review(seg.text, english, "corrected", expected_version=0, reviewer="Ben")
    flagged = [s.id for s in segments[3:] if check_translation(s.text, fake_mt(s.text))]
    assert 0 < len(flagged) < len(segments) - 3  # the made-up MT leaves some sentences unflagged ("Baggrund")

    at = start()
    at.radio(key="view").set_value("qa").run()
    assert list(rows(at)) == flagged
    assert all(r["qa"] for r in rows(at).values())

    # The editor's text is what is checked: a good translation typed in takes the row out of the view.
    fixed = next(s for s in segments if s.id == flagged[0])
    index = [s.id for s in segments].index(fixed.id)
    type_text(at, fixed, reference[index])
    assert list(rows(at)) == flagged[1:]
    at.radio(key="view").set_value("unsaved").run()
    assert list(rows(at)) == [fixed.id]
    assert rows(at)[fixed.id]["qa"] == [] and "<ins" in rows(at)[fixed.id]["diff"]


def test_a_bead_with_no_english_side_says_so(review_db):
    first, second = danish_segments(review_db)[:2]
    with Store(review_db) as store:
        danish = store.document(DANISH_SEED.name)
        english = store.documents(language="en")[1]
        target = store.segments(english.id, include_furniture=False)[0]
        store.replace_alignments(danish.id, [english.id], "test", {}, [
            ((first.id,), (), 0.0, 0, "test"),  # the aligner found no counterpart
            ((second.id,), (target.id,), 0.8, 0, "test"), ((second.id,), (), 0.0, 1, "test")])
    at = start()
    assert rows(at)[first.id]["match"]["text"] == "(no English counterpart)"
    assert rows(at)[second.id]["match"]["text"] and rows(at)[second.id]["match"]["score"] == "0.80"
    open_row(at, first)
    open_popover(at, f"cands_{first.id}")
    assert "This sentence has no counterpart in these articles (the aligner's verdict)." in [
        c.value for c in at.caption]
    assert "(empty)" not in markdown_texts(at)


def test_uploaded_files_are_imported_with_their_language(tmp_path, monkeypatch):
    monkeypatch.setenv("BILINGUAL_DB", str(tmp_path / "up.sqlite3"))
    monkeypatch.setenv("BILINGUAL_MODEL", str(tmp_path / "no-model"))
    at = start()
    at.file_uploader[0].set_value([("release.txt", DANISH_SEED.read_bytes(), "text/plain"),
                                   ("article.md", SEEDS[1].read_bytes(), "text/markdown")]).run()
    assert [s.value for s in at.selectbox if s.label.startswith("Language of")] == ["da", "en"]
    at.button(key="import_uploads_0").click().run()
    assert not at.exception
    with Store(tmp_path / "up.sqlite3") as store:
        assert [(d.name, d.language) for d in store.documents()] == [("release.txt", "da"), ("article.md", "en")]
    # The model is missing: the app says so and how to fix it, and the sentences are there to review.
    assert any("no-model" in e.value and "To fix" in e.value for e in at.error)
    assert len(rows(at)) == 17 and all(r["mt"] is None for r in rows(at).values())


def test_export_of_the_current_document(review_db):
    seg = danish_segments(review_db)[0]
    with Store(review_db) as store:
        store.save_review(seg.text, "=SUM(A1)", "corrected", expected_version=0)
        doc_id = store.document(DANISH_SEED.name).id
    data = export_bytes([doc_id], "csv").decode("utf-8")
    assert data.splitlines()[0].startswith("id,") and ",=SUM(A1)," in data
    assert "'=SUM(A1)" in export_bytes([doc_id], "csv", excel=True).decode("utf-8-sig")
    rows = [json.loads(line) for line in export_bytes(None, "jsonl").decode("utf-8").splitlines()]
    assert len(rows) == 17 and rows[0]["english"]
    at = start()
    assert at.get("download_button")


def test_heatmap_is_drawn_on_demand_with_the_chosen_beads(review_db, monkeypatch):
    calls = []

    def similarity_matrix(src_en, tgt, embedder=None, src_da=None):
        calls.append((len(src_en), len(tgt)))
        return np.full((len(src_en), len(tgt)), 0.25)

    fake = types.ModuleType("bilingual.align")
    fake.__spec__ = importlib.machinery.ModuleSpec("bilingual.align", None)
    fake.similarity_matrix = similarity_matrix
    monkeypatch.setitem(sys.modules, "bilingual.align", fake)
    at = start()
    assert not calls and not at.get("vega_lite_chart")  # nothing is computed until asked
    open_tab(at, "Alignment picture")
    assert not calls
    at.button(key="heat_draw").click().run()
    assert not at.exception
    assert calls and calls[0][0] == 17
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert len(spec["layer"]) == 2 and spec["layer"][1]["mark"]["type"] == "square"


def test_an_unsaved_edit_survives_a_reload_and_a_save_clears_it(review_db):
    seg = danish_segments(review_db)[2]
    at = start()
    set_reviewer(at, "Anna")
    assert at.query_params["reviewer"] == "Anna"  # the name is in the address, so a reload keeps it
    type_text(at, seg, "Half-typed English")
    with Store(review_db) as store:
        kept = store.drafts([seg.text_hash], "Anna")[seg.text_hash]
    assert (kept.text, kept.base_version) == ("Half-typed English", 0)

    # A reload: a new session whose address still names the reviewer.
    again = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    again.query_params["reviewer"] = "Anna"
    again.run()
    assert not again.exception
    assert rows(again)[seg.id]["text"] == "Half-typed English" and rows(again)[seg.id]["unsaved"]
    assert "unsaved edit" in rows(again)[seg.id]["note"][1]
    assert "1 unsaved" in again.get("progress")[0].proto.text
    save(again, seg)
    assert review_of(review_db, seg.text).final_text == "Half-typed English"
    with Store(review_db) as store:
        assert store.drafts([seg.text_hash], "Anna") == {}

    # Someone else's session (no name) does not see Anna's typing.
    other = start()
    assert rows(other)[seg.id]["text"] == "Half-typed English"  # the saved text, not a draft
    assert not rows(other)[seg.id]["unsaved"] and rows(other)[seg.id]["note"] is None


def test_a_restored_edit_older_than_the_stored_version_is_saved_only_after_a_choice(review_db):
    seg = danish_segments(review_db)[4]
    at = start()
    set_reviewer(at, "Anna")
    type_text(at, seg, "My old edit.")
    saved_by_another_reviewer(review_db, seg, "Ben's text.")
    again = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    again.query_params["reviewer"] = "Anna"
    again.run()
    assert rows(again)[seg.id]["text"] == "My old edit." and rows(again)[seg.id]["version"] == 0
    assert "saved since" in rows(again)[seg.id]["note"][1]
    save(again, seg)
    assert review_of(review_db, seg.text).final_text == "Ben's text."  # refused, not overwritten
    conflict = rows(again)[seg.id]["conflict"]
    assert conflict["theirs"] == "Ben's text." and conflict["mine"] == "My old edit."
    send(again, {"type": "save", "id": seg.id, "text": "My old edit.", "version": conflict["version"]})
    assert (review_of(review_db, seg.text).final_text, review_of(review_db, seg.text).version) == ("My old edit.", 2)


def test_resetting_the_editor_to_the_stored_text_forgets_the_draft(review_db):
    seg = danish_segments(review_db)[5]
    at = start()
    open_row(at, seg)
    type_text(at, seg, "Something else")
    at.button(key=f"reset_{seg.id}").click().run()
    with Store(review_db) as store:
        assert store.drafts([seg.text_hash]) == {}
    assert rows(start())[seg.id]["text"] == fake_mt(seg.text)


def test_a_near_match_from_the_translation_memory_is_offered_and_can_be_used(review_db):
    segments = danish_segments(review_db)
    seg = next(s for s in segments if len(s.text) > 60)
    near = seg.text[:-1] + " i år."  # one more phrase: a fuzzy match, not an exact one
    with Store(review_db) as store:
        store.save_review(near, "The reviewed English of the near sentence.", "corrected", expected_version=0,
                          reviewer="Ben")
    at = start()
    set_reviewer(at, "Anna")
    assert not rows(at)[seg.id]["memory"] or at.session_state["focus"] == seg.id  # looked up for the open one
    open_row(at, seg)
    [hit] = rows(at)[seg.id]["memory"]
    assert (hit["by"], hit["target"]) == ("Ben", "The reviewed English of the near sentence.")
    assert "i år</del>" in hit["diff"] and float(hit["score"]) >= 75  # what the Danish lacks
    # "Use this" puts it in the editor, which sends it as a draft; Ctrl+Enter saves it.
    type_text(at, seg, hit["target"])
    save(at, seg)
    assert review_of(review_db, seg.text).final_text == "The reviewed English of the near sentence."
    # A reviewed sentence is not offered suggestions any more.
    open_row(at, seg)
    assert rows(at)[seg.id]["memory"] == []


@pytest.mark.slow
def test_a_reviewer_brings_back_a_paragraph_the_detector_left_out_and_realigns(review_db):
    with Store(review_db) as store:
        english = next(d for d in store.documents(language="en") if d.name.startswith("004_"))
        promo = next(p for p in store.paragraphs(english.id) if p.detected == "promotion")
        danish = store.document(DANISH_SEED.name)
        first_para = store.paragraphs(danish.id)[0]
        fixture_english = store.documents(language="en")[1]
    at = start()
    at.text_input(key="reviewer").input("Anna").run()
    assert "furniture_doc" not in [w.key for w in at.selectbox]  # a closed tab draws nothing
    open_tab(at, "Page furniture")
    at.selectbox(key="furniture_doc").set_value(english.id).run()
    toggle = at.toggle(key=f"furn_{english.id}_{promo.paragraph}")
    assert toggle.value is True  # detected as furniture: left out
    toggle.set_value(False).run()
    assert not at.exception
    with Store(review_db) as store:
        after = {p.paragraph: p for p in store.paragraphs(english.id)}[promo.paragraph]
        assert after.furniture is None and after.set_by == "Anna"
        assert any(s.paragraph == promo.paragraph for s in store.segments(english.id, include_furniture=False))
    assert any("may be out of date" in w.value for w in at.warning)

    # Leaving out a Danish paragraph takes its sentences off the review list.
    at.selectbox(key="furniture_doc").set_value(danish.id).run()
    at.toggle(key=f"furn_{danish.id}_{first_para.paragraph}").set_value(True).run()
    open_tab(at, "Sentences")
    shown = set(rows(at))
    with Store(review_db) as store:
        left_out = [s.id for s in store.segments(danish.id) if s.paragraph == first_para.paragraph]
    assert left_out and not shown & set(left_out) and len(shown) == 17 - len(left_out)
    open_tab(at, "Page furniture")

    at.button(key="realign").click().run()
    assert not at.exception
    assert any("Realigned" in s.value for s in at.success)
    with Store(review_db) as store:
        run = store.alignment_run(max(a.run_id for a in store.alignments(danish.id) if a.run_id))
        sources = {i for a in store.alignments(danish.id) for i in a.source_segment_ids}
    # Realigned as last aligned: against the fixture's English document, not every one in the store.
    assert run["signature"]["target_documents"] == [fixture_english.name]
    assert not sources & set(left_out)


def test_memory_matches_are_looked_up_for_the_open_sentence_only(review_db):
    seg = next(s for s in danish_segments(review_db) if len(s.text) > 60)
    with Store(review_db) as store:
        for k, tail in enumerate((" i år.", " i dag.", " nu.")):
            store.save_review(seg.text[:-1] + tail, f"Memory {k}.", "accepted", expected_version=0)
    at = start()
    others = [s for s in danish_segments(review_db) if s.id != seg.id]
    assert all(rows(at)[s.id]["memory"] == [] for s in others)  # looked up for the open sentence only
    open_row(at, seg)
    assert sorted(m["target"] for m in rows(at)[seg.id]["memory"]) == ["Memory 0.", "Memory 1.", "Memory 2."]


def test_glossary_terms_are_shown_per_sentence_and_checked_by_the_qa(review_db):
    from bilingual.glossary import Term

    with Store(review_db) as store:
        store.add_terms([Term("koalitionen", ("the coalition",))], "terms.csv")
    seg = next(s for s in danish_segments(review_db) if "koalitionen" in s.text.lower())
    at = start()
    assert rows(at)[seg.id]["terms"] == [["koalitionen", "the coalition", False]]
    assert "terminology" in {w["label"] for w in rows(at)[seg.id]["qa"]}
    at.session_state["view"] = "qa"
    at.run()
    assert seg.id in rows(at)
    type_text(at, seg, "The coalition met in London.")
    assert rows(at)[seg.id]["terms"] == [["koalitionen", "the coalition", True]]
    assert any("Glossary (1 term)" in e.label for e in at.expander)


def test_the_english_coverage_tab_says_which_english_sentences_the_release_has(review_db):
    with Store(review_db) as store:
        english = store.documents(language="en")[1]
        targets = store.segments(english.id, include_furniture=False)
        danish = store.segments(store.document(DANISH_SEED.name).id, include_furniture=False)
    at = start()
    assert not [t for t in at.toggle if t.key and t.key.startswith("cover_new_")]  # a closed tab draws nothing
    open_tab(at, "English coverage")
    assert not at.exception
    texts = markdown_texts(at)
    # the fixture links each of the 17 Danish sentences to one English sentence (rank 0), cycling through them
    linked = {targets[i % len(targets)].id for i in range(len(danish))}
    assert f"{len(linked)} of {len(targets)} sentences correspond" in texts
    assert ":green-badge[in the Danish]" in texts
    toggle = next(t for t in at.toggle if t.key and t.key.startswith("cover_new_"))
    toggle.set_value(True).run()
    only_new = markdown_texts(at)
    assert ":green-badge[in the Danish]" not in only_new
    assert only_new.count(":gray-badge[not in the Danish]") == len(targets) - len(linked)
