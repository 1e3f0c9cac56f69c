"""Addresses: a local http.server on 127.0.0.1 serves a page, a PDF, a 404 and a slow answer."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner
from support.inputs import ARTICLE_HTML, ARTICLE_PARAGRAPHS, RELEASE_PARAGRAPHS, write_pdf

from bilingual.cli import main
from bilingual.documents import DocumentError, load_document, load_url
from bilingual.store import Store


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    pdf = write_pdf(tmp_path_factory.mktemp("pdf") / "r.pdf").read_bytes()
    release = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            if self.path == "/slow":
                release.wait(5)
            routes = {"/nyheder/forsvar": ("text/html; charset=utf-8", ARTICLE_HTML.encode("utf-8")),
                      "/filer/release": ("application/pdf", pdf),
                      "/gammel": None}
            if self.path == "/gammel":
                self.send_response(301)
                self.send_header("Location", "/nyheder/forsvar")
                self.end_headers()
                return
            if self.path not in routes:
                self.send_error(404, "Not Found")
                return
            kind, body = routes[self.path]
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    release.set()
    httpd.shutdown()
    httpd.server_close()


def test_a_page_by_its_address_keeps_address_time_and_article(server, tmp_path):
    url = f"{server}/nyheder/forsvar"
    before = time.strftime("%Y-%m-%dT%H:%M", time.gmtime())
    db = tmp_path / "s.sqlite3"
    result = run("add", url, "--db", db)
    assert result.exit_code == 0, result.output
    assert "forsvar: da," in result.output and f"from {url}" in result.output
    with Store(db) as store:
        [doc] = store.documents()
        meta = store.document_meta(doc.id)
        assert (doc.path, meta.url, meta.source_format, meta.author) == (url, url, "html", "Søren Ågård")
        assert meta.retrieved_at >= before and meta.retrieved_at.endswith("Z")
        assert [p.text for p in store.paragraphs(doc.id) if not p.furniture] == ARTICLE_PARAGRAPHS


def test_a_pdf_by_its_content_type(server):
    doc = load_url(f"{server}/filer/release")
    assert doc.meta.source_format == "pdf" and [p.text for p in doc.paragraphs if not p.furniture] == RELEASE_PARAGRAPHS


def test_a_redirect_keeps_the_address_asked_for(server):
    doc = load_document(f"{server}/gammel")
    assert doc.meta.url == f"{server}/gammel" and doc.name == "forsvar"


def test_404_and_timeout_are_one_line_and_store_nothing(server, tmp_path):
    db = tmp_path / "s.sqlite3"
    missing = run("add", f"{server}/findes-ikke", "--db", db)
    assert missing.exit_code == 1
    assert missing.output == f"Error: {server}/findes-ikke: the server answered 404 Not Found\n"
    slow = run("translate", f"{server}/slow", "--timeout", "0.5", "--db", db)
    assert slow.exit_code == 1 and slow.output == f"Error: {server}/slow: no answer within 0.5 s (timed out)\n"
    with Store(db) as store:
        assert store.documents() == []


def test_only_http_and_https_are_fetched(tmp_path):
    for address in ("file:///etc/passwd", "ftp://127.0.0.1/x.html", "javascript://alert"):
        result = run("add", address, "--db", tmp_path / "s.sqlite3")
        assert result.exit_code == 1 and "only http:// and https:// addresses are fetched" in result.output
    with pytest.raises(DocumentError, match="no host"):
        load_url("http:///nothing")


def test_nothing_listening_is_one_line(tmp_path):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run("add", f"http://127.0.0.1:{port}/x", "--db", tmp_path / "s.sqlite3")
    assert result.exit_code == 1 and result.output.count("\n") == 1 and "cannot fetch the address" in result.output
