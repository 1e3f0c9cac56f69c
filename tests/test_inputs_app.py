"""The review app takes web pages, PDF and Word files as uploads, and pasted text with its language to confirm."""

from __future__ import annotations

from conftest import ROOT
from streamlit.testing.v1 import AppTest
from support.inputs import ARTICLE_HTML, ARTICLE_PARAGRAPHS, RELEASE_PARAGRAPHS, write_docx, write_pdf

from bilingual.app.uploads import UPLOAD_TYPES, import_paste, paste_document, source_line, upload_language
from bilingual.documents import DocumentMeta
from bilingual.store import Store

PASTED = ("Vejret bliver koldere i weekenden\n\nDanmarks Meteorologiske Institut venter frost i hele landet "
          "natten til lørdag, og der kan komme sne i Nordjylland.\n")


def start() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    return at


def test_uploads_of_every_kind_are_read_with_their_language(tmp_path, monkeypatch):
    db = tmp_path / "up.sqlite3"
    monkeypatch.setenv("BILINGUAL_DB", str(db))
    monkeypatch.setenv("BILINGUAL_MODEL", str(tmp_path / "no-model"))
    at = start()
    files = [("artikel.html", ARTICLE_HTML.encode("utf-8"), "text/html"),
             ("release.pdf", write_pdf(tmp_path / "r.pdf").read_bytes(), "application/pdf"),
             ("notat.docx", write_docx(tmp_path / "n.docx").read_bytes(), "application/octet-stream")]
    at.file_uploader[0].set_value(files).run()
    assert [s.value for s in at.selectbox if s.label.startswith("Language of")] == ["da", "da", "da"]
    at.button(key="import_uploads_0").click().run()
    assert not at.exception
    with Store(db) as store:
        docs = {d.name: d for d in store.documents()}
        assert set(docs) == {"artikel.html", "release.pdf", "notat.docx"}
        page = [p.text for p in store.paragraphs(docs["artikel.html"].id) if not p.furniture]
        pdf = [p.text for p in store.paragraphs(docs["release.pdf"].id) if not p.furniture]
        assert (page, pdf) == (ARTICLE_PARAGRAPHS, RELEASE_PARAGRAPHS)
        assert store.document_meta(docs["artikel.html"].id).author == "Søren Ågård"


def test_a_bad_upload_is_one_error_and_the_rest_import(tmp_path, monkeypatch):
    monkeypatch.setenv("BILINGUAL_DB", str(tmp_path / "up.sqlite3"))
    at = start()
    at.file_uploader[0].set_value([("scan.pdf", write_pdf(tmp_path / "s.pdf", text_layer=False).read_bytes(),
                                    "application/pdf")]).run()
    assert [e.value for e in at.error] == ["scan.pdf: no text layer (a scanned document?): run OCR first"]


def test_pasted_text_with_its_language_detected_and_changed(tmp_path, monkeypatch):
    db = tmp_path / "paste.sqlite3"
    monkeypatch.setenv("BILINGUAL_DB", str(db))
    monkeypatch.setenv("BILINGUAL_MODEL", str(tmp_path / "no-model"))
    at = start()
    assert not [t for t in at.text_area if t.label == "Text to add"]  # closed until asked for
    at.toggle(key="paste_open_0").set_value(True).run()
    at.text_area(key="paste_text_0").input(PASTED).run()
    language = at.selectbox(key="paste_lang_0")
    assert language.value == "da"
    language.set_value("en").run()  # the reviewer knows better
    at.button(key="import_paste_0").click().run()
    assert not at.exception
    with Store(db) as store:
        [doc] = store.documents()
        assert (doc.name, doc.language) == ("Vejret bliver koldere i weekenden", "en")
        assert store.document_meta(doc.id).source_format == "pasted"
        assert [p.text for p in store.paragraphs(doc.id)][1].startswith("Danmarks Meteorologiske Institut")


def test_paste_and_upload_functions(tmp_path):
    assert {"html", "htm", "pdf", "docx", "txt", "md"} == set(UPLOAD_TYPES)
    assert upload_language("artikel.html", ARTICLE_HTML.encode("utf-8")) == "da"
    assert paste_document(PASTED, name="  Vejret  ").name == "Vejret"
    with Store(tmp_path / "s.sqlite3") as store:
        first = import_paste(store, PASTED, "da")
        assert import_paste(store, PASTED, "da") == (first[0], False)  # the same text is stored once
    assert source_line(DocumentMeta(url="https://x.dk/a", date="2026-03-14", author="Søren Ågård")) == \
        "2026-03-14 · Søren Ågård · https://x.dk/a"
    assert source_line(DocumentMeta()) == ""


def test_the_document_header_shows_its_date_author_and_site(tmp_path, monkeypatch):
    from bilingual.pipeline import add_documents

    page = tmp_path / "artikel.html"
    page.write_text(ARTICLE_HTML, encoding="utf-8")
    db = tmp_path / "header.sqlite3"
    with Store(db) as store:
        add_documents(store, [page])
        meta = store.document_meta(store.documents()[0].id)
    assert meta.author == "Søren Ågård" and meta.date
    monkeypatch.setenv("BILINGUAL_DB", str(db))
    monkeypatch.setenv("BILINGUAL_MODEL", str(tmp_path / "no-model"))
    at = start()
    header = [c.value.replace("\\", "") for c in at.caption if "Søren Ågård" in c.value]  # markdown-escaped
    assert header and meta.date in header[0], [c.value for c in at.caption]
