"""`bilingual concordance` on a real store: Danish inflected forms by the glossary's stemming, English
translations and articles, reviewed hits first, every output format."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import DANISH_SEED, SEEDS

from bilingual.cli import main
from bilingual.concordance import concordance, find_spans, phrase_key
from bilingual.pipeline import add_documents
from bilingual.store import Store

OTHER_DANISH = ("Koalitionens næste møde holdes i Bruxelles. Forsvarsministeren deltager ikke i mødet.\n\n"
                "Koalitionslandene sender flere fly.\n")


@pytest.fixture
def db(tmp_path):
    """The Danish seed, a second Danish document and an English seed, with MT for some sentences, one review
    and one alignment."""
    other = tmp_path / "other_da.txt"
    other.write_text(OTHER_DANISH, encoding="utf-8")
    path = tmp_path / "concordance.sqlite3"
    with Store(path) as store:
        add_documents(store, [DANISH_SEED, other, SEEDS[1]], language=None)
        seed = store.segments(store.document(DANISH_SEED.name).id, include_furniture=False)
        second = store.segments(store.document("other_da.txt").id, include_furniture=False)
        english = store.segments(store.document(SEEDS[1].name).id, include_furniture=False)
        store.put_translations([(seed[0].text, "The offensive against ISIL was discussed by the coalition."),
                                (second[0].text, "The next meeting of the coalition is held in Brussels.")],
                               "test", {"model": "t"})
        store.save_review(second[0].text, "The coalition's next meeting is in Brussels.", "corrected",
                          expected_version=0, reviewer="Anna")
        coalition = next(s for s in english if "coalition" in s.text.lower())
        store.replace_alignments(seed[0].document_id, [coalition.document_id], "parallel", {},
                                 [((seed[0].id,), (coalition.id,), 0.8, 0, "parallel")])
    return path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_a_danish_phrase_is_found_in_its_inflected_forms_across_documents_reviewed_first(db):
    with Store(db) as store:
        hits = concordance(store, "koalitionen")
    words = [h.found[a:b] for h in hits for a, b in h.spans]
    # koalitionen, koalitionens, Koalitionens: one stem; the compound koalitionslande(ne) is another word
    assert {w.lower() for w in words} == {"koalitionen", "koalitionens"}
    assert not any("koalitionsland" in w.lower() for w in words)
    assert {h.document for h in hits} == {DANISH_SEED.name, "other_da.txt"}
    assert hits[0].tier == "reviewed" and hits[0].status == "corrected" and hits[0].document == "other_da.txt"
    assert hits[0].translation == "The coalition's next meeting is in Brussels."
    assert hits[1].tier == "MT" and hits[1].translation.startswith("The offensive against ISIL")
    assert [h.tier for h in hits[2:]] == ["no English"] * (len(hits) - 2) and all(not h.translation for h in hits[2:])
    assert hits[0].marked().startswith("[Koalitionens] næste")
    with Store(db) as store:
        assert len(concordance(store, "koalitionen", limit=2)) == 2


def test_a_multi_word_phrase_needs_its_words_in_a_row_and_an_english_search_finds_translations_and_articles(db):
    with Store(db) as store:
        assert [h.marked() for h in concordance(store, "næste møde")] == [
            "Koalitionens [næste møde] holdes i Bruxelles."]
        assert concordance(store, "møde næste") == []
        hits = concordance(store, "coalitions", "en")
    tiers = [h.tier for h in hits]
    assert tiers[:2] == ["reviewed", "MT"] and set(tiers[2:]) == {"English article"}
    article = [h for h in hits if h.tier == "English article"]
    aligned = [h for h in article if h.status == "aligned"]
    assert len(aligned) == 1 and aligned[0].translation.startswith("Offensiven mod ISIL")
    assert all(h.found[a:b].lower().startswith("coalition") for h in hits for a, b in h.spans)


def test_spans_and_keys():
    key = phrase_key("Forsvarsministeren", "da")
    assert find_spans("forsvarsminister Claus og forsvarsministerens folk", key, "da") == ((0, 16), (26, 45))
    with pytest.raises(ValueError, match="no word"):
        phrase_key("-- %", "da")
    with pytest.raises(ValueError, match="unknown language"):
        phrase_key("x", "de")


def test_the_command_prints_text_tsv_and_jsonl(db):
    text = run("concordance", "koalitionen", "--db", db)
    assert text.exit_code == 0, text.output
    assert "other_da.txt:0:0  [reviewed · corrected]" in text.output
    assert "  [Koalitionens] næste møde holdes i Bruxelles." in text.output
    assert "  → The coalition's next meeting is in Brussels." in text.output
    assert "hits for 'koalitionen' (da)" in text.output
    tsv = run("concordance", "koalitionen", "--format", "tsv", "--limit", "2", "--db", db)
    lines = tsv.output.splitlines()
    assert lines[0] == "tier\tstatus\tid\tdocument\ttitle\tfound\ttranslation\tspans"
    assert lines[1].split("\t")[:3] == ["reviewed", "corrected", "other_da.txt:0:0"]
    assert lines[1].split("\t")[-1] == "0-12"
    jsonl = run("concordance", "coalition", "--lang", "en", "--format", "jsonl", "--db", db)
    rows = [json.loads(line) for line in jsonl.output.splitlines() if line.startswith("{")]
    assert rows[0]["tier"] == "reviewed" and rows[0]["spans"] == [[4, 15]]


def test_bad_input_is_one_line(db, tmp_path):
    nothing = run("concordance", "%%", "--db", db)
    assert nothing.exit_code == 1 and "holds no word" in nothing.output
    missing = run("concordance", "x", "--db", tmp_path / "none.sqlite3")
    assert missing.exit_code == 1 and "no store at" in missing.output
    assert run("concordance", "x", "--lang", "de", "--db", db).exit_code == 2
