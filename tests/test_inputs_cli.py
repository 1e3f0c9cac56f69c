"""The commands on real inputs: a folder mixing text, web page, PDF and Word files; metadata in exports and stats."""

from __future__ import annotations

import csv
import io
import json
import shutil

from click.testing import CliRunner
from conftest import DANISH_SEED, SEEDS
from support.inputs import ARTICLE_HTML, write_docx, write_pdf

from bilingual.cli import main
from bilingual.formats.tmx import read_tmx
from bilingual.formats.xliff import read_xliff
from bilingual.pipeline import segments_to_translate
from bilingual.records import export_records
from bilingual.store import Store


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def mixed_folder(tmp_path):
    folder = tmp_path / "indbakke"
    folder.mkdir()
    shutil.copy(DANISH_SEED, folder / DANISH_SEED.name)
    shutil.copy(SEEDS[0], folder / SEEDS[0].name)
    (folder / "artikel.html").write_text(ARTICLE_HTML, encoding="utf-8")
    write_pdf(folder / "pressemeddelelse.pdf")
    write_docx(folder / "notat.docx")
    (folder / "billede.png").write_bytes(b"\x89PNG\r\n")  # not a document: passed over
    return folder


def test_a_folder_mixing_txt_html_pdf_and_docx_is_taken_whole(tmp_path):
    db = tmp_path / "s.sqlite3"
    result = run("add", mixed_folder(tmp_path), "--db", db)
    assert result.exit_code == 0, result.output
    assert result.output.count("\n") == 5 and "artikel.html: da, " in result.output
    with Store(db) as store:
        docs = {d.name: d for d in store.documents()}
        assert set(docs) == {DANISH_SEED.name, SEEDS[0].name, "artikel.html", "pressemeddelelse.pdf", "notat.docx"}
        formats = {name: store.document_meta(d.id).source_format for name, d in docs.items()}
        assert formats == {DANISH_SEED.name: "text", SEEDS[0].name: "text", "artikel.html": "html",
                           "pressemeddelelse.pdf": "pdf", "notat.docx": "docx"}
        # what goes to MT: the Danish content of every kind, none of the furniture
        sent = segments_to_translate(store, [d.id for d in docs.values()])
        assert {s.document for s in sent} == {DANISH_SEED.name, "artikel.html", "pressemeddelelse.pdf", "notat.docx"}
        assert not any("Pressemeddelelse" in s.text or "cookies" in s.text or s.text == "Side 1 af 2" for s in sent)


def test_translate_takes_a_web_page(tmp_path, tiny_model):
    page = tmp_path / "artikel.html"
    page.write_text(ARTICLE_HTML, encoding="utf-8")
    db = tmp_path / "s.sqlite3"
    result = run("translate", page, "--model", tiny_model, "--db", db)
    assert result.exit_code == 0, result.output
    assert "1 document, 8 sentences" in result.output  # the six article paragraphs, no furniture
    with Store(db) as store:
        assert all(r.mt for r in export_records(store))


def test_metadata_in_every_export_format_and_in_stats(tmp_path):
    db = tmp_path / "s.sqlite3"
    page = tmp_path / "artikel.html"
    page.write_text(ARTICLE_HTML, encoding="utf-8")
    assert run("add", page, DANISH_SEED, "--db", db).exit_code == 0
    with Store(db) as store:
        doc = store.document("artikel.html")
        # a reviewed sentence, so that the TMX (reviewed sentences only) has one
        first = store.segments(doc.id, include_furniture=False)[0]
        store.save_review(first.text, "The government strengthens the defence", "corrected", expected_version=0)
    for fmt in ("csv", "jsonl", "tmx", "xlf"):
        assert run("export", "--out", tmp_path / f"out.{fmt}", "--db", db).exit_code == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8"), newline="")))
    page_rows = [r for r in rows if r["document"] == "artikel.html"]
    assert {(r["document_date"], r["document_author"], r["document_url"]) for r in page_rows} == {
        ("2026-03-14", "Søren Ågård", "")}
    assert {r["document_author"] for r in rows if r["document"] == DANISH_SEED.name} == {""}
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {(x["document_date"], x["document_author"]) for x in lines if x["document"] == "artikel.html"} == {
        ("2026-03-14", "Søren Ågård")}
    tmx = (tmp_path / "out.tmx").read_text(encoding="utf-8")
    assert '<prop type="x-document-author">Søren Ågård</prop>' in tmx
    assert [(r.document_date, r.document_author) for r in read_tmx(tmx)] == [("2026-03-14", "Søren Ågård")]
    xliff = (tmp_path / "out.xlf").read_bytes()
    assert "<note from=\"bilingual\">Document author: Søren Ågård</note>" in xliff.decode("utf-8")
    assert {(r.document_date, r.document_author) for r in read_xliff(xliff) if r.document == "artikel.html"} == {
        ("2026-03-14", "Søren Ågård")}
    stats = json.loads(run("stats", "--json", "--documents", "--db", db).output)
    assert (stats["documents with a date"], stats["documents with an author"], stats["documents with an address"]) \
        == (1, 1, 0)
    listed = {d["name"]: d for d in stats["documents_list"]}
    assert (listed["artikel.html"]["document_date"], listed["artikel.html"]["format"]) == ("2026-03-14", "html")
    text = run("stats", "--documents", "--db", db).output
    assert "artikel.html (da, html): date 2026-03-14, author Søren Ågård" in text


def test_one_bad_file_in_a_mixed_folder_stores_nothing(tmp_path):
    folder = mixed_folder(tmp_path)
    write_pdf(folder / "scannet.pdf", text_layer=False)
    db = tmp_path / "s.sqlite3"
    result = run("add", folder, "--db", db)
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "scannet.pdf: no text layer (a scanned document?): run OCR first (no file was stored)" in result.output
    with Store(db) as store:
        assert store.documents() == []


def test_a_missing_file_is_still_a_usage_error(tmp_path):
    result = run("add", tmp_path / "findes-ikke.pdf", "--db", tmp_path / "s.sqlite3")
    assert result.exit_code == 2 and "does not exist" in result.output
