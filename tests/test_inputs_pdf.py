"""PDF files: paragraphs rebuilt from lines, Danish end-of-line hyphens, running heads and page numbers marked."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from click.testing import CliRunner
from support.inputs import RELEASE_HEADER, RELEASE_PARAGRAPHS, write_pdf

from bilingual.cli import main
from bilingual.documents import NO_TEXT_LAYER, DocumentError, load_document
from bilingual.documents.hyphens import join_lines, keeps_hyphen, word_counts
from bilingual.pipeline import add_documents
from bilingual.store import Store


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def release(tmp_path):
    return write_pdf(tmp_path / "pressemeddelelse.pdf")


def test_the_release_text_in_order_with_hyphens_joined_and_kept(release):
    doc = load_document(release)
    assert [p.text for p in doc.paragraphs if not p.furniture] == RELEASE_PARAGRAPHS
    assert doc.language == "da" and doc.meta.source_format == "pdf"
    assert "sikkerhedsstyrker" in doc.text and "værnepligtige" in doc.text  # joined at the line end
    assert "EU-samarbejdet" in doc.text and "sikkerheds- og forsvarspolitikken" in doc.text  # real hyphens kept


def test_running_header_and_page_numbers_are_furniture_in_place(release):
    doc = load_document(release)
    marked = [(p.text, p.furniture) for p in doc.paragraphs if p.furniture]
    assert marked == [(RELEASE_HEADER, "page header"), ("Side 1 af 2", "page number"),
                      (RELEASE_HEADER, "page header"), ("Side 2 af 2", "page number")]
    texts = [p.text for p in doc.paragraphs]
    # page 1's number comes after page 1's last paragraph, before page 2's header
    assert texts.index("Side 1 af 2") == texts.index(RELEASE_PARAGRAPHS[2]) + 1


def test_a_paragraph_running_over_a_page_break_is_one_paragraph(tmp_path):
    pages = [["Regeringen har i dag fremlagt en plan for at styrke",
              "forsvaret af Østersøen, og den omfatter blandt andet"],
             ["nye fartøjer og flere soldater i de kommende år.", "", "Planen skal vedtages i foråret."]]
    doc = load_document(write_pdf(tmp_path / "to.pdf", pages=pages))
    assert [p.text for p in doc.paragraphs if not p.furniture] == [
        "Regeringen har i dag fremlagt en plan for at styrke forsvaret af Østersøen, og den omfatter blandt andet "
        "nye fartøjer og flere soldater i de kommende år.", "Planen skal vedtages i foråret."]


def test_stored_with_furniture_switchable(release, tmp_path):
    with Store(tmp_path / "s.sqlite3") as store:
        [(doc_id, _)] = add_documents(store, [release])
        segments = store.segments(doc_id, include_furniture=False)
        assert all(RELEASE_HEADER not in s.text and "Side 1" not in s.text for s in segments)
        paragraphs = store.paragraphs(doc_id)
        assert Counter(p.furniture for p in paragraphs if p.furniture) == {"page header": 2, "page number": 2}
        assert store.document_meta(doc_id).source_format == "pdf"


def test_hyphen_rules():
    counts = word_counts(["De nye sikkerhedsstyrkerne er klar.", "Et offentlig-privat samarbejde."])
    assert not keeps_hyphen("sikkerheds", "styrker", counts)  # a word of the same stem is written elsewhere
    assert not keeps_hyphen("værneplig", "tige", Counter())  # no evidence: Danish writes compounds closed
    assert keeps_hyphen("EU", "samarbejdet", counts) and keeps_hyphen("2026", "budgettet", counts)
    assert keeps_hyphen("Nord", "Jylland", counts) and keeps_hyphen("sikkerheds", "og forsvar", counts)
    assert keeps_hyphen("offentlig", "privat", counts)  # the document writes it with its hyphen
    assert join_lines(["Det skal ske i EU-", "regi og i sikkerheds-", "og forsvarspolitikken -", "straks."]) == \
        "Det skal ske i EU-regi og i sikkerheds- og forsvarspolitikken - straks."


def test_a_pdf_without_a_text_layer_is_one_line_and_stores_nothing(tmp_path):
    scan = write_pdf(tmp_path / "scan.pdf", text_layer=False)
    with pytest.raises(DocumentError, match=re.escape(f"scan.pdf: {NO_TEXT_LAYER}")):
        load_document(scan)
    db = tmp_path / "s.sqlite3"
    result = run("add", scan, "--db", db)
    assert result.exit_code == 1 and result.output == f"Error: {scan}: {NO_TEXT_LAYER}\n"
    with Store(db) as store:
        assert store.documents() == []


def test_an_encrypted_pdf_is_one_line_and_stores_nothing(tmp_path, release):
    locked = write_pdf(tmp_path / "låst.pdf", password="hemmelig")
    db = tmp_path / "s.sqlite3"
    # with a good file beside it, nothing at all is stored
    result = run("add", release, locked, "--db", db)
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "låst.pdf: the PDF is encrypted" in result.output and "no file was stored" in result.output
    with Store(db) as store:
        assert store.documents() == []


def test_a_damaged_pdf_is_one_line(tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n")
    result = run("add", broken, "--db", tmp_path / "s.sqlite3")
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "broken.pdf: not a readable PDF file" in result.output or "broken.pdf: no text layer" in result.output
