"""Word files: heading and paragraphs in order, each table cell a paragraph, the footnote, the file's metadata."""

from __future__ import annotations

import zipfile

import pytest
from click.testing import CliRunner
from support.inputs import DOCX_FOOTNOTE, DOCX_HEADING, DOCX_PARAGRAPHS, DOCX_TABLE, write_docx

from bilingual.cli import main
from bilingual.documents import DocumentError, load_document
from bilingual.pipeline import add_documents
from bilingual.store import Store


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_heading_paragraphs_table_cells_and_footnote_in_order(tmp_path):
    doc = load_document(write_docx(tmp_path / "notat.docx"))
    cells = [value for row in DOCX_TABLE for value in row]
    assert [p.text for p in doc.paragraphs] == [DOCX_HEADING, *DOCX_PARAGRAPHS, *cells, DOCX_FOOTNOTE]
    assert doc.language == "da" and "grøn omstilling" in doc.text and "Beløb" in doc.text
    assert (doc.meta.title, doc.meta.author, doc.meta.date, doc.meta.source_format) == (
        "Grøn omstilling", "Mette Ærø", "2026-02-03", "docx")


def test_stored_with_its_metadata(tmp_path):
    with Store(tmp_path / "s.sqlite3") as store:
        [(doc_id, _)] = add_documents(store, [write_docx(tmp_path / "notat.docx")])
        assert store.document(doc_id).title == "Grøn omstilling"
        assert store.document_meta(doc_id).author == "Mette Ærø"
        assert DOCX_FOOTNOTE in [p.text for p in store.paragraphs(doc_id)]


@pytest.mark.parametrize("content", [b"PK\x03\x04 not really a zip", b"just text renamed"])
def test_a_corrupt_docx_is_one_line_and_stores_nothing(tmp_path, content):
    broken = tmp_path / "ødelagt.docx"
    broken.write_bytes(content)
    with pytest.raises(DocumentError, match="ødelagt.docx: not a readable Word"):
        load_document(broken)
    db = tmp_path / "s.sqlite3"
    result = run("add", broken, "--db", db)
    assert result.exit_code == 1 and result.output.count("\n") == 1 and "Traceback" not in result.output
    with Store(db) as store:
        assert store.documents() == []


def test_a_zip_that_is_no_word_file_is_one_line(tmp_path):
    other = tmp_path / "arkiv.docx"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("hello.txt", "hej")
    with pytest.raises(DocumentError, match="arkiv.docx: not a readable Word"):
        load_document(other)
