import pytest
from conftest import DANISH_SEED, SEEDS

from bilingual.documents import load_document, parse_text
from bilingual.segment import segment_document, split_sentences, text_hash


def test_seed_002_has_17_sentences():
    # Read by hand: paragraph 1 has 1 sentence, 2 has 2 ("... forude." / "Bl.a. ..."), 3 has 3,
    # 4 and 5 one each ("mv." ends paragraph 5), 6 has 2, 7 has 1, the heading "Baggrund" is one
    # segment of its own, then 2 + 1 + 2 in the background section: 1+2+3+1+1+2+1+1+2+1+2 = 17.
    # "Bl.a." (twice), "ca." (four times) and "mv." must not split.
    segments = segment_document(load_document(DANISH_SEED))
    assert len(segments) == 17
    assert [s.paragraph for s in segments] == [0, 1, 1, 2, 2, 2, 3, 4, 5, 5, 6, 7, 8, 8, 9, 10, 10]
    assert segments[2].text.startswith("Bl.a. vanskeliggøres")
    assert segments[11].text == "Baggrund"
    assert segments[14].text.count("ca.") == 4


@pytest.mark.parametrize("text", [
    "Der er bl.a. tale om fly. Det koster ca. 30 kr. pr. dag.",
    "Det gælder f.eks. Danmark, jf. aftalen fra 2016. Næste sætning.",
    "Støtten omfatter træning, rådgivning mv. Derefter kommer flyene.",
])
def test_danish_abbreviations_do_not_split(text):
    spans = split_sentences(text, "da")
    assert len(spans) == 2, [text[s:e] for s, e in spans]


def test_english_abbreviations_do_not_split():
    text = "The U.S. Army arrived on Feb. 10 in Washington. Then Dr. Smith spoke."
    assert [text[s:e] for s, e in split_sentences(text, "en")] == [
        "The U.S. Army arrived on Feb. 10 in Washington.", "Then Dr. Smith spoke."]


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_segments_keep_every_character_and_spans_point_into_the_document(path):
    doc = load_document(path)
    segments = segment_document(doc)
    assert "".join("".join(s.text.split()) for s in segments) == "".join(doc.text.split())
    for s in segments:
        assert doc.text[s.start : s.end] == s.text
    ids = [s.id for s in segments]
    assert len(ids) == len(set(ids))


def test_ids_are_stable_across_runs():
    a = [s.id for s in segment_document(load_document(DANISH_SEED))]
    b = [s.id for s in segment_document(load_document(DANISH_SEED))]
    assert a == b and a[0] == "002_35452d5bb9e7cfc4.txt:0:0"


def test_text_hash_ignores_wrapping_whitespace():
    assert text_hash("Det er  godt.\n") == text_hash("Det er godt.")
    assert text_hash("Det er godt.") != text_hash("Det er skidt.")


def test_furniture_mark_travels_with_the_segment():
    doc = parse_text("Body sentence here.\n\nREAD ALSO: Something else", name="x.txt", language="en")
    segments = segment_document(doc)
    assert [s.furniture for s in segments] == [None, "read also"]
