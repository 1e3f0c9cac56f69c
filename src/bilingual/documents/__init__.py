"""Reading documents: plain text, web pages, PDF and Word files, and addresses, into one ``Document``.

A document keeps its full text; paragraphs are character spans into it, and page furniture is only
*marked* with a reason, never removed, so a reviewer can still see and override it. Each format has
its reader beside this module (``html``, ``pdf``, ``docx``; ``web`` fetches an address); all of them
end in ``core.build_document`` or ``core.parse_text``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bilingual.documents.chars import INVISIBLE_TEXT, has_visible_text, printable
from bilingual.documents.core import (
    LANGUAGE_NAMES,
    LANGUAGES,
    PARAGRAPH_MIN_CONFIDENCE,
    PARAGRAPH_MIN_LETTERS,
    Document,
    DocumentError,
    DocumentMeta,
    Paragraph,
    build_document,
    decode_bytes,
    detect_language,
    paragraph_language,
    parse_text,
    split_paragraphs,
)
from bilingual.documents.docx import DOCX_SUFFIXES, is_docx, read_docx
from bilingual.documents.furniture import furniture_reasons
from bilingual.documents.html import HTML_SUFFIXES, is_html, read_html
from bilingual.documents.pdf import NO_TEXT_LAYER, PDF_SUFFIXES, is_pdf, read_pdf
from bilingual.documents.web import FETCH_TIMEOUT_S, check_url, fetch, fetch_timeout, looks_like_url, url_name

__all__ = [
    "Document", "DocumentError", "DocumentMeta", "FETCH_TIMEOUT_S", "INVISIBLE_TEXT", "LANGUAGES", "LANGUAGE_NAMES",
    "NO_TEXT_LAYER", "PARAGRAPH_MIN_CONFIDENCE", "PARAGRAPH_MIN_LETTERS", "Paragraph", "READABLE_SUFFIXES",
    "TEXT_SUFFIXES", "build_document", "check_url", "decode_bytes", "detect_language", "document_from_bytes",
    "expand_inputs", "fetch_timeout", "furniture_reasons", "has_visible_text", "load_document", "load_url",
    "looks_like_url", "paragraph_language", "parse_text", "printable", "read_file", "split_paragraphs",
]

TEXT_SUFFIXES = (".txt", ".md")
READABLE_SUFFIXES = (*TEXT_SUFFIXES, *HTML_SUFFIXES, *PDF_SUFFIXES, *DOCX_SUFFIXES)
_SUFFIX_LIST = ", ".join(READABLE_SUFFIXES)
# Content types an address may answer with, and the suffix whose reader reads them.
_CONTENT_TYPES = {"text/html": ".html", "application/xhtml+xml": ".html", "application/pdf": ".pdf",
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
                  "text/plain": ".txt", "text/markdown": ".md"}


def retrieval_time() -> str:
    """The current time in ISO 8601 UTC, to the second (as the store writes its times)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def document_from_bytes(data: bytes, name: str, path: str = "", language: str | None = None,
                        meta: DocumentMeta | None = None, content_type: str = "") -> Document:
    """Read a file's bytes by its kind (the content type, else the name's suffix, else its first bytes).

    A PDF, a Word file and a web page go through their readers; anything else is decoded as text.
    ``meta`` (an address and its retrieval time) is kept beside what the file says about itself.
    """
    shown = printable(path or name)  # errors name the file as it was given, or the address
    if not data.strip():
        raise DocumentError(f"{shown}: the file is empty")
    kind = _CONTENT_TYPES.get(content_type.lower(), "") or Path(name).suffix.lower()
    given = meta or DocumentMeta()
    if kind == ".pdf" or (kind not in DOCX_SUFFIXES and is_pdf(data)):
        blocks, found = read_pdf(data, shown)
        encoding = "pdf"
    elif kind in DOCX_SUFFIXES or is_docx(data, name):
        blocks, found = read_docx(data, shown)
        encoding = "docx"
    elif kind in HTML_SUFFIXES or is_html(data, name):
        blocks, found = read_html(data, shown, url=given.url)
        encoding = "utf-8"
    else:
        text, encoding = decode_bytes(data, shown)
        return parse_text(text.replace("\r\n", "\n").replace("\r", "\n"), name=name, path=path, encoding=encoding,
                          language=language, meta=given)
    meta = replace(found, url=given.url or found.url, retrieved_at=given.retrieved_at)
    return build_document(blocks, name=name, path=path, encoding=encoding, language=language, meta=meta)


def load_url(url: str, language: str | None = None, timeout: float | None = None) -> Document:
    """Fetch an http(s) address and read what it answers (a web page or a PDF by its content type).

    The document keeps the address it was asked for and the time it was fetched; its path is the
    address, so fetching a changed page again replaces the older version as a changed file does.
    """
    retrieved_at = retrieval_time()
    fetched = fetch(url, timeout=timeout)
    meta = DocumentMeta(url=url, retrieved_at=retrieved_at)
    return document_from_bytes(fetched.data, url_name(fetched.url), path=url, language=language, meta=meta,
                               content_type=fetched.content_type)


def expand_inputs(paths: Iterable[str | Path]) -> list[str | Path]:
    """The inputs to read: each address and file as given, each folder as its readable files in name order.

    A folder's readable files are its .txt, .md, .html, .htm, .pdf and .docx entries that are not
    folders, so a broken link or an unreadable file among them is reported rather than passed over.
    """
    out: list[str | Path] = []
    for given in paths:
        if isinstance(given, str) and looks_like_url(given):
            out.append(given)
            continue
        path = Path(given)
        if not path.is_dir():
            out.append(path)
            continue
        try:
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in READABLE_SUFFIXES and not p.is_dir())
        except OSError as exc:
            raise DocumentError(f"{printable(str(path))}: cannot list the folder ({exc.strerror or exc}); "
                                "make it readable (chmod u+rx) or leave it out") from exc
        if not found:
            raise DocumentError(f"{printable(str(path))}: a folder with no document in it (no {_SUFFIX_LIST} file)")
        out.extend(found)
    return out


def _check_file(p: Path, shown: str) -> None:
    if p.is_symlink() and not p.exists():
        raise DocumentError(f"{shown}: a broken symbolic link (to {printable(os.readlink(p))}, which does not exist); "
                            "remove it or point it at a file")
    if not p.exists():
        raise DocumentError(f"{shown}: no such file")
    if p.is_dir():
        raise DocumentError(f"{shown}: is a folder, not a file")
    if not p.is_file():
        # a pipe or a device would block the read or never end
        raise DocumentError(f"{shown}: not a regular file (a pipe, socket or device); give a document file")


def read_file(path: str | Path) -> bytes:
    """The bytes of a regular file; DocumentError naming the file when it is missing, not a file or unreadable."""
    p = Path(path)
    shown = printable(str(p))
    _check_file(p, shown)
    try:
        return p.read_bytes()
    except PermissionError as exc:
        raise DocumentError(f"{shown}: cannot read the file ({exc.strerror}); make it readable (chmod u+r) "
                            "or leave it out") from exc
    except OSError as exc:
        raise DocumentError(f"{shown}: cannot read the file ({exc.strerror or exc})") from exc


def load_document(path: str | Path, language: str | None = None) -> Document:
    """Read a file (.txt, .md, .html, .htm, .pdf, .docx) or an http(s) address into a Document.

    Bad input is a DocumentError of one line naming the file.
    """
    if isinstance(path, str) and looks_like_url(path):
        return load_url(path, language=language)
    p = Path(path)
    shown = printable(str(p))
    _check_file(p, shown)
    if p.suffix.lower() not in READABLE_SUFFIXES:
        raise DocumentError(f"{shown}: unsupported file type {printable(p.suffix) or '(none)'!r}; expected one of "
                            f"{_SUFFIX_LIST}")
    return document_from_bytes(read_file(p), name=p.name, path=str(p), language=language)
