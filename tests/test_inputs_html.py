"""Web pages: the article in order, everything else kept as marked furniture, the page's metadata stored."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from support.inputs import ARTICLE_HTML, ARTICLE_PARAGRAPHS, NO_ARTICLE_HTML, PAGE_FURNITURE

from bilingual.cli import main
from bilingual.documents import DocumentError, load_document
from bilingual.documents.html import is_html, merge_blocks
from bilingual.pipeline import add_documents
from bilingual.store import Store


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def page(tmp_path):
    path = tmp_path / "artikel.html"
    path.write_text(ARTICLE_HTML, encoding="utf-8")
    return path


def test_the_article_is_the_content_in_order_with_its_letters(page):
    doc = load_document(page)
    assert [p.text for p in doc.paragraphs if not p.furniture] == ARTICLE_PARAGRAPHS
    assert doc.language == "da" and "Østersøen" in doc.text and "værnepligtige" in doc.text
    # the paragraphs are spans of the stored text
    assert all(doc.text[p.start:p.end] == p.text for p in doc.paragraphs)


def test_what_the_article_leaves_out_is_furniture_with_its_reason_in_place(page):
    doc = load_document(page)
    reasons = {p.text: p.furniture for p in doc.paragraphs}
    assert {text: reasons.get(text) for text in PAGE_FURNITURE} == PAGE_FURNITURE
    order = [p.text for p in doc.paragraphs]
    # the cookie banner and the menu stand before the article, the comments and footer after it
    assert order.index("Forside") < order.index(ARTICLE_PARAGRAPHS[0]) < order.index("Jens Ølgaard")
    assert order[-1] == "Kontakt · Om os"
    assert "Del på Facebook Del på X Send som e-mail" in order  # the share bar, between title and text
    assert all(p.furniture for p in doc.paragraphs if p.text not in ARTICLE_PARAGRAPHS)


def test_the_page_metadata_is_kept(page):
    meta = load_document(page).meta
    assert (meta.title, meta.date, meta.author, meta.site, meta.source_format) == (
        "Regeringen styrker forsvaret i Østersøen", "2026-03-14", "Søren Ågård", "Nyhedsbrevet", "html")


def test_stored_page_keeps_furniture_switchable_and_metadata(page, tmp_path):
    with Store(tmp_path / "s.sqlite3") as store:
        [(doc_id, _doc)] = add_documents(store, [page])
        paragraphs = store.paragraphs(doc_id)
        content = [p.text for p in paragraphs if not p.furniture]
        assert content == ARTICLE_PARAGRAPHS
        banner = next(p for p in paragraphs if p.text.startswith("Vi bruger cookies"))
        assert banner.furniture == "cookie banner"
        # a reviewer takes a furniture paragraph back as content, as for any document
        store.set_furniture(doc_id, [banner.paragraph], furniture=False, reviewer="ann")
        assert not next(p for p in store.paragraphs(doc_id) if p.paragraph == banner.paragraph).furniture
        meta = store.document_meta(doc_id)
        assert (meta.date, meta.author, meta.site) == ("2026-03-14", "Søren Ågård", "Nyhedsbrevet")
        assert store.document(doc_id).title == "Regeringen styrker forsvaret i Østersøen"


def test_a_page_without_article_text_is_one_line_and_stores_nothing(tmp_path):
    empty = tmp_path / "forside.html"
    empty.write_text(NO_ARTICLE_HTML, encoding="utf-8")
    with pytest.raises(DocumentError, match="forside.html: no article text"):
        load_document(empty)
    db = tmp_path / "s.sqlite3"
    result = run("add", empty, "--db", db)
    assert result.exit_code == 1 and result.output.count("\n") == 1, result.output
    assert "no article text" in result.output and "Traceback" not in result.output
    with Store(db) as store:
        assert store.documents() == []


def test_html_is_known_by_its_content_too(tmp_path):
    assert is_html(b"<!DOCTYPE html><html><body></body></html>") and is_html(b"  <html lang='da'>")
    assert not is_html(b"Regeringen vil styrke forsvaret.") and is_html(b"", "x.HTM")
    assert is_html(b'<?xml version="1.0"?>\n<!-- x -->\n<html xmlns="http://www.w3.org/1999/xhtml">')
    hidden = tmp_path / "artikel.txt"  # a page saved under a text name is still read as a page
    hidden.write_text(ARTICLE_HTML, encoding="utf-8")
    assert [p.text for p in load_document(hidden).paragraphs if not p.furniture] == ARTICLE_PARAGRAPHS


def test_a_menu_word_that_the_article_also_says_is_not_lost():
    article = ["Kultur er vigtig for os alle, siger ministeren i dag."]
    page = [("Kultur", "navigation"), (article[0], "not in the article")]
    assert merge_blocks(article, page) == [("Kultur", "navigation"), (article[0], None)]
    # an article paragraph the page never shows as one block still comes, in its place
    assert merge_blocks(["A a a.", "B b b."], [("B b b.", "x")]) == [("A a a.", None), ("B b b.", None)]


def test_an_xhtml_page_with_an_xml_declaration(tmp_path):
    page = tmp_path / "side.xhtml.html"
    # no <meta charset>: the page is decoded as UTF-8 here, and its declaration must not stop the parser
    body = ARTICLE_HTML.split("\n", 1)[1].replace('<meta charset="utf-8">', "")
    page.write_text('<?xml version="1.0" encoding="utf-8"?>\n' + body, encoding="utf-8")
    assert [p.text for p in load_document(page).paragraphs if not p.furniture] == ARTICLE_PARAGRAPHS
