"""Word files (.docx) with python-docx: paragraphs and headings in order, each table cell a paragraph, footnotes.

The body is read in its own order, so a table stands where it stands between the paragraphs. The
footnotes (a part python-docx does not model) are read from the package's footnotes part and follow
the body, each its own paragraph, since a note's text is the author's and is translated too.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from bilingual.documents.core import DocumentError, DocumentMeta

DOCX_SUFFIXES = (".docx",)
_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def is_docx(data: bytes, name: str = "") -> bool:
    """Whether a file is a Word file: by its ``.docx`` suffix."""
    return name.lower().endswith(DOCX_SUFFIXES)


def read_docx(data: bytes, name: str) -> tuple[list[tuple[str, str | None]], DocumentMeta]:
    """The paragraphs of a Word file in order, each ``(text, None)``, and its title, author and date.

    A file that is not a Word package (a damaged or renamed one) is a DocumentError of one line.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentError(f"{name}: not a readable Word (.docx) file; it may be damaged, or another format "
                            "renamed .docx (open it in Word and save it as .docx)") from exc
    except Exception as exc:  # noqa: BLE001 - lxml and zip errors of a broken package are many; all are one line
        raise DocumentError(f"{name}: not a readable Word (.docx) file ({type(exc).__name__})") from exc
    blocks: list[tuple[str, str | None]] = [(text, None) for text in _body(document)]
    blocks += [(text, None) for text in _footnotes(document)]
    props = document.core_properties
    created = props.created.date().isoformat() if props.created else ""
    meta = DocumentMeta(title=props.title or "", author=props.author or "", date=created, source_format="docx")
    return blocks, meta


def _body(document: Any) -> Iterator[str]:
    """The text of each paragraph and each table cell of the body, in order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            if item.text.strip():
                yield item.text
        elif isinstance(item, Table):
            yield from _cells(item)


def _cells(table: Any) -> Iterator[str]:
    seen: set[Any] = set()  # the cells' XML elements, held so that none is freed and its identity reused
    for row in table.rows:
        for cell in row.cells:
            if cell._tc in seen:  # a merged cell is listed once per grid column it spans
                continue
            seen.add(cell._tc)
            for paragraph in cell.paragraphs:
                if paragraph.text.strip():
                    yield paragraph.text
            for inner in cell.tables:
                yield from _cells(inner)


def _footnotes(document: Any) -> Iterator[str]:
    """The text of each footnote, separators left out."""
    from lxml import etree

    for rel in document.part.rels.values():
        if rel.reltype != _FOOTNOTES or rel.is_external:
            continue
        root = etree.fromstring(rel.target_part.blob)
        for note in root.iter(f"{_W}footnote"):
            if note.get(f"{_W}type") in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            for paragraph in note.iter(f"{_W}p"):
                text = "".join(t.text or "" for t in paragraph.iter(f"{_W}t"))
                if text.strip():
                    yield text
