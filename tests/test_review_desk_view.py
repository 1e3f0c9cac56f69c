"""The desk's pure parts: document titles, sentence labels, a row as the browser gets it, the event queue."""

from __future__ import annotations

from bilingual.app.desk import pending_events
from bilingual.app.desk_view import Editing, row_view
from bilingual.app.names import document_heading, sentence_label, shorten
from bilingual.app.rows import ReviewRow
from bilingual.glossary import Glossary, Term
from bilingual.store import StoredParagraph


def para(n: int, text: str, furniture: str | None = None) -> StoredParagraph:
    return StoredParagraph(n, text, 1, furniture, furniture, None)


def test_a_document_is_called_by_its_first_heading_else_its_first_sentence():
    assert document_heading([para(0, "Nyt fra ministeriet."), para(1, "# Mødet i London")], "a.md") == "Mødet i London"
    assert document_heading([para(0, "Baggrund"), para(1, "Lang tekst. Mere.")], "a.txt") == "Baggrund"
    long = "Offensiven mod ISIL i storbyen Mosul var på dagsordenen i dag, da ministeren mødtes med de andre. Mere."
    title = document_heading([para(0, "Del artiklen", "promotion"), para(1, long)], "002_35452d5bb9e7cfc4.txt")
    assert title.startswith("Offensiven mod ISIL") and title.endswith("…") and len(title) <= 70
    assert "Del artiklen" not in title  # page furniture is no title
    assert document_heading([], "empty.txt") == "empty.txt"
    assert shorten("kort") == "kort"


def test_sentences_are_labelled_from_one():
    assert sentence_label(0, 0) == "¶1 · 1"
    assert sentence_label(1, 2) == "¶2 · 3"


def row(**changes) -> ReviewRow:
    values = dict(position=0, segment_id=7, stable_id="doc.txt:1:2", paragraph=1, index=2,
                  source="Koalitionen mødtes i 2017.", text_hash="h", mt="The alliance met in 2017.", final=None,
                  status="pending", reason=None, reviewer=None, updated_at=None, version=0)
    values.update(changes)
    return ReviewRow(**values)


def test_a_row_for_the_browser_carries_the_draft_its_checks_and_its_diff():
    glossary = Glossary([Term("koalitionen", ("the coalition",))])
    clean = row_view(row(), Editing(), glossary)
    assert (clean["label"], clean["tip"], clean["text"], clean["unsaved"], clean["diff"]) == (
        "¶2 · 3", "doc.txt:1:2", "The alliance met in 2017.", False, "")
    assert clean["terms"] == [["Koalitionen", "the coalition", False]]
    typed = row_view(row(), Editing(text="The coalition met in 2016.", base_version=0), glossary)
    assert typed["unsaved"] and typed["english"] == "The coalition met in 2016."
    assert typed["terms"] == [["Koalitionen", "the coalition", True]]
    assert "2017 is not in the English" in [w["message"] for w in typed["qa"]]
    assert "2016</ins>" in typed["diff"] and "2017</del>" in typed["diff"]
    rejected = row_view(row(status="rejected", final="", version=2, reason="garbled"), Editing(), None)
    assert rejected["english"] is None and rejected["qa"] == [] and rejected["version"] == 2


def test_the_event_queue_is_applied_once_and_in_order():
    value = {"seq": 4, "events": [{"seq": 4, "type": "save"}, {"seq": 2, "type": "draft"}, {"seq": 3, "type": "x"}]}
    assert [e["seq"] for e in pending_events(value, 2)] == [3, 4]
    assert pending_events(value, 4) == []
    assert pending_events(None, 0) == [] and pending_events({"events": ["junk"]}, 0) == []


def test_search_hits_are_marked_where_the_concordance_finds_them():
    from bilingual.app.desk_view import search_spans

    hits = row_view(row(), Editing(), None, "mødtes")["hits"]
    assert hits == {"source": [[12, 18]], "english": []}
    assert row(source="Koalitionen mødtes i 2017.").source[12:18] == "mødtes"
    # the English that counts is searched in English: here the draft, not the MT
    english = row_view(row(), Editing(text="The coalition met in 2017.", base_version=0), None, "Coalition")["hits"]
    assert english == {"source": [], "english": [[4, 13]]}
    assert row_view(row(), Editing(), None, "")["hits"] == {"source": [], "english": []}
    assert search_spans("Koalitionen mødtes.", "...", "da") == []  # no word: nothing marked
    assert search_spans("Mødtes de? De mødtes.", "mødtes", "da") == [[0, 6], [14, 20]]
