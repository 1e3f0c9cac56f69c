from pathlib import Path

import pytest
from conftest import DANISH_SEED, ENGLISH_SEEDS, SEEDS

from bilingual.documents import DocumentError, decode_bytes, load_document, parse_text, split_paragraphs

DANISH = "Forsvarsministeren mødtes med sine kollegaer i London. Det næste møde bliver i Århus på øen."


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
def test_danish_text_reads_back_in_every_common_encoding(tmp_path: Path, encoding: str):
    path = tmp_path / f"doc-{encoding}.txt"
    path.write_bytes(DANISH.encode(encoding))
    doc = load_document(path)
    assert doc.text == DANISH
    assert "æ" not in DANISH or "æ" in doc.text
    assert {"ø", "Å"} <= set(doc.text)
    assert doc.language == "da"


def test_cp1252_specific_characters_are_decoded_as_windows_text():
    text, encoding = decode_bytes("“Citat” – 5 €, blåbær".encode("cp1252"))
    assert text == "“Citat” – 5 €, blåbær"
    assert encoding == "cp1252"


def test_binary_and_empty_files_get_an_error_naming_the_file(tmp_path: Path):
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(DocumentError, match="image.txt.*binary"):
        load_document(binary)
    empty = tmp_path / "empty.md"
    empty.write_text("  \n\n ")
    with pytest.raises(DocumentError, match="empty.md.*empty"):
        load_document(empty)
    with pytest.raises(DocumentError, match="notes.rtf.*unsupported"):
        (tmp_path / "notes.rtf").write_text("x")
        load_document(tmp_path / "notes.rtf")
    with pytest.raises(DocumentError, match="missing.txt.*no such file"):
        load_document(tmp_path / "missing.txt")


def test_language_of_the_seeds_002_is_danish_the_rest_english():
    assert load_document(DANISH_SEED).language == "da"
    assert [load_document(p).language for p in ENGLISH_SEEDS] == ["en"] * 4


def test_language_can_be_overridden():
    assert load_document(DANISH_SEED, language="en").language == "en"
    with pytest.raises(DocumentError, match="unsupported language"):
        load_document(DANISH_SEED, language="de")


def test_paragraphs_split_on_blank_lines_and_finished_lines_but_not_on_soft_wraps():
    text = "Title line\n\nA sentence that was wrapped\nby an editor at forty characters.\nNext paragraph."
    spans = split_paragraphs(text)
    assert [text[s:e] for s, e in spans] == [
        "Title line",
        "A sentence that was wrapped\nby an editor at forty characters.",
        "Next paragraph.",
    ]


def test_danish_seed_paragraphs_include_the_background_heading():
    doc = load_document(DANISH_SEED)
    assert len(doc.paragraphs) == 11
    assert doc.paragraphs[7].text == "Baggrund"
    assert not any(p.furniture for p in doc.paragraphs)


class furniture_of:  # noqa: N801 - reads like a function at the call site
    """Furniture marks of a seed's paragraphs, looked up by the start of their text."""

    def __init__(self, name: str):
        self.doc = load_document(next(p for p in SEEDS if p.name.startswith(name)))

    def __getitem__(self, prefix: str) -> str | None:
        [mark] = [p.furniture for p in self.doc.paragraphs if p.text.startswith(prefix)][:1]
        return mark


def test_comment_section_and_latest_news_are_furniture_but_the_article_is_not():
    marks = furniture_of("001")
    assert marks["Rudaw moderates all comments submitted o"]
    assert marks["Post a comment"]
    assert marks["US lawmaker slams Iraqi judiciary over ar"]
    assert marks["Mohammed Rwanduzy"] == "byline"
    assert marks["A+ A-"]
    assert marks["17-02-2020"] == "date"
    assert marks["Denmark to resume anti-ISIS training of I"] is None
    assert marks["Denmark is both part of NATO’s mission of"] is None


def test_read_also_promotions_and_references_are_furniture():
    marks = furniture_of("004")
    assert marks["READ ALSO: First of long-awaited F-35 fig"] == "read also"
    assert marks["Connect Club is your gateway to a vibrant"] == "promotion"
    assert marks["The government proposal will require the "] is None
    refs = furniture_of("003")
    assert refs["AP News. (2022, February 10)"] == "reference"
    assert refs["J. & Jacobsen, S. (2022, February 10). Denmark talks on hosting U.S.\ntroops not triggered"]
    assert refs["Written by Vasiliki Psychogiou"] == "byline"
    assert refs["Danish Defence Minister Morten Bødskov tol"] is None


def test_furniture_is_marked_not_deleted():
    doc = load_document(next(p for p in SEEDS if p.name.startswith("001")))
    joined = "".join(doc.text[p.start : p.end] for p in doc.paragraphs)
    assert "".join(joined.split()) == "".join(doc.text.split())


def test_parse_text_without_text_is_an_error():
    with pytest.raises(DocumentError, match="no text"):
        parse_text("\n\n", name="blank.txt", language="da")
